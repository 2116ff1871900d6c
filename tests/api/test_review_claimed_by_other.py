"""A reviewer acting on a case another reviewer claimed is told who has it (API and pages)."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from analysis import review
from tests.api.helpers import API, assert_error, token_client
from tests.platform.review_helpers import make_case, make_reviewer

CLAIMED = "This case is claimed by carol; only they can decide on its events or close it."


def test_second_reviewer_is_told_the_case_is_claimed_by_carol(alice):
    case = make_case(alice)
    carol, dave = make_reviewer("carol"), make_reviewer("dave")
    event = case.analysis.events.get()
    api_dave = token_client(dave)
    url = f"{API}/review/cases/{case.pk}"
    unclaimed = api_dave.post(f"{url}/events/{event.pk}/decision/", {"decision": "confirm"})
    assert "Claim this case" in assert_error(unclaimed, 409, "review_conflict")["message"]

    assert review.claim(case.pk, carol)
    claim = assert_error(api_dave.post(f"{url}/claim/"), 409, "review_conflict")
    assert claim["message"] == "This case is already in review, claimed by carol."
    decide = api_dave.post(f"{url}/events/{event.pk}/decision/", {"decision": "confirm"})
    assert assert_error(decide, 409, "review_conflict")["message"] == CLAIMED
    close = api_dave.post(f"{url}/close/", {"conclusion": "mine now"}, format="json")
    assert assert_error(close, 409, "review_conflict")["message"] == CLAIMED
    release = assert_error(api_dave.post(f"{url}/release/"), 409, "review_conflict")
    assert "claimed by carol" in release["message"]

    browser = Client()
    browser.force_login(dave)
    for path, data in [
        (reverse("review_decide", args=[case.pk, event.pk]), {"decision": "confirm"}),
        (reverse("review_conclude", args=[case.pk]), {"conclusion": "x", "close": "1"}),
    ]:
        page = browser.post(path, data)
        assert page.status_code == 302
        assert {str(m) for m in get_messages(page.wsgi_request)} == {CLAIMED}
    case.refresh_from_db()
    assert case.status == "in_review" and case.claimed_by == carol and not case.decisions.exists()
