"""Flagged analyses open review cases; the queue orders them by severity then age, with filters."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from analysis import review
from analysis.models import Analysis, ReviewCase
from tests.platform.review_helpers import make_case, make_reviewer


def test_only_flagged_succeeded_analyses_open_a_case(alice, django_capture_on_commit_callbacks):
    case = make_case(alice)
    analysis = case.analysis
    case.delete()
    with django_capture_on_commit_callbacks(execute=True):
        analysis.announce_finished()  # what finalize does: the signal opens the case
    assert ReviewCase.objects.filter(analysis=analysis, status="pending").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        analysis.announce_finished()  # a second signal does not open a second case
    assert ReviewCase.objects.filter(analysis=analysis).count() == 1

    quiet = make_case(alice, name="quiet").analysis
    quiet.review.delete()
    Analysis.objects.filter(pk=quiet.pk).update(flagged=False)
    failed = make_case(alice, name="failed").analysis
    failed.review.delete()
    Analysis.objects.filter(pk=failed.pk).update(status="failed")
    with django_capture_on_commit_callbacks(execute=True):
        quiet.announce_finished()
        failed.announce_finished()
    assert not ReviewCase.objects.filter(analysis__in=[quiet, failed]).exists()


def age(case, hours):
    ReviewCase.objects.filter(pk=case.pk).update(created=timezone.now() - timedelta(hours=hours))


def test_queue_orders_by_most_severe_event_then_oldest(alice, bob):
    moderate_old = make_case(alice, [("v_couplet", 5, 6, 2), ("pvc", 9, 9, 1)], "moderate-old")
    major_new = make_case(bob, [("v_run", 5, 8, 3)], "major-new")
    major_old = make_case(alice, [("pause", 1, 4, 3), ("pvc", 9, 9, 1)], "major-old")
    minor = make_case(bob, [("pvc", 9, 9, 1)], "minor")
    age(moderate_old, 50)
    age(major_new, 1)
    age(major_old, 20)
    age(minor, 100)
    assert list(review.queue()) == [major_old, major_new, moderate_old, minor]
    flutter = make_case(bob, [("vf", 40, 120, 3)], "flutter")
    age(flutter, 0)
    assert list(review.queue())[:2] == [flutter, major_old]  # a possible VF case first
    flutter.delete()
    assert list(review.queue(min_severity=3)) == [major_old, major_new]
    assert list(review.queue(event_types=["pvc"])) == [major_old, moderate_old, minor]
    either = review.queue(event_types=["v_run", "v_couplet"])  # an event of any of them
    assert list(either) == [major_new, moderate_old]
    assert list(review.queue(search="bob")) == [major_new, minor]

    rita = make_reviewer("rita")
    review.claim(major_new.pk, rita)
    assert list(review.queue(claimed_by=rita)) == [major_new]
    assert list(review.queue(status="pending")) == [major_old, moderate_old, minor]


def test_queue_page_filters_and_hides_closed_cases(alice):
    open_case = make_case(alice, [("v_run", 5, 8, 3)], "open-one")
    closed = make_case(alice, [("pvc", 9, 9, 1)], "closed-one")
    ReviewCase.objects.filter(pk=closed.pk).update(status="closed")
    client = Client()
    client.force_login(make_reviewer("rita"))
    page = client.get(reverse("review_queue")).text
    assert "open-one" in page and "closed-one" not in page
    page = client.get(reverse("review_queue"), {"status": "closed"}).text
    assert "closed-one" in page and "open-one" not in page
    page = client.get(reverse("review_queue"), {"severity": "3", "type": "v_run"}).text
    assert "open-one" in page
    # Nonsense filters are ignored rather than failing.
    response = client.get(reverse("review_queue"), {"severity": "high", "status": "x", "type": "?"})
    assert response.status_code == 200 and "open-one" in response.text
    assert open_case.pk
