"""A case is claimed by one reviewer only, even when two claim it at the same moment."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from analysis import review
from analysis.models import AuditEntry, ReviewCase
from tests.platform.review_helpers import make_case, make_reviewer


def test_a_claimed_case_cannot_be_claimed_twice(alice):
    case = make_case(alice)
    rita, sam = make_reviewer("rita"), make_reviewer("sam")
    rita_client, sam_client = Client(), Client()
    rita_client.force_login(rita)
    sam_client.force_login(sam)

    response = rita_client.post(reverse("review_claim", args=[case.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "review_case", args=[case.pk]
    )
    response = sam_client.post(reverse("review_claim", args=[case.pk]), follow=True)
    assert "already in review, claimed by rita" in response.text

    case.refresh_from_db()
    assert (case.status, case.claimed_by) == ("in_review", rita)
    assert list(case.audit.values_list("actor__username", "action")) == [("rita", "claim")]


def test_release_puts_the_case_back_for_someone_else(alice):
    case = make_case(alice)
    rita, sam = make_reviewer("rita"), make_reviewer("sam")
    assert review.claim(case.pk, rita)
    with pytest.raises(review.ReviewError):
        review.release(case, sam)
    review.release(case, rita)
    assert review.claim(case.pk, sam)
    actions = list(case.audit.values_list("actor__username", "action"))
    assert actions == [("rita", "claim"), ("rita", "release"), ("sam", "claim")]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_claims_exactly_one_wins(alice):
    """Two threads, each with its own database connection, claim the same case at once."""
    case = make_case(alice)
    reviewers = [make_reviewer("rita"), make_reviewer("sam")]
    barrier = threading.Barrier(2)
    results, errors = {}, []

    def claim(user):
        try:
            barrier.wait(timeout=10)
            results[user.username] = review.claim(case.pk, user)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(user,)) for user in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert sorted(results.values()) == [False, True]
    winner = next(name for name, won in results.items() if won)
    case = ReviewCase.objects.get(pk=case.pk)
    assert case.status == "in_review" and case.claimed_by.username == winner
    assert list(AuditEntry.objects.values_list("actor__username", "action")) == [(winner, "claim")]
