"""A re-run that succeeds closes the earlier analyses' pending cases; claimed ones stay."""

from analysis import review
from analysis.models import Analysis, ReviewCase
from tests.platform.review_helpers import make_case, make_reviewer


def finish_rerun(recording, django_capture_on_commit_callbacks, flagged: bool = True) -> Analysis:
    rerun = Analysis.objects.create(
        recording=recording, status=Analysis.Status.SUCCEEDED, flagged=flagged, progress=100
    )
    with django_capture_on_commit_callbacks(execute=True):
        rerun.announce_finished()  # what finalize does
    return rerun


def test_a_successful_rerun_supersedes_the_pending_case(
    alice, mailoutbox, django_capture_on_commit_callbacks
):
    old = make_case(alice)
    rerun = finish_rerun(old.analysis.recording, django_capture_on_commit_callbacks)
    old.refresh_from_db()
    assert old.status == "closed" and old.closed_at is not None
    assert f"#{rerun.pk}" in old.conclusion and "in the review queue" in old.conclusion
    entry = old.audit.get()
    assert (entry.actor, entry.action, entry.details) == (
        alice,
        "superseded",
        {"by_analysis": rerun.pk},
    )
    assert ReviewCase.objects.get(analysis=rerun).status == "pending"
    assert review.queue(status="pending").get() == ReviewCase.objects.get(analysis=rerun)
    assert mailoutbox == []  # nobody reviewed it, so the owner gets no conclusion


def test_a_quiet_rerun_supersedes_it_too(alice, django_capture_on_commit_callbacks):
    old = make_case(alice)
    rerun = finish_rerun(old.analysis.recording, django_capture_on_commit_callbacks, flagged=False)
    old.refresh_from_db()
    assert old.status == "closed" and "flagged nothing" in old.conclusion
    assert not ReviewCase.objects.filter(analysis=rerun).exists()


def test_a_claimed_case_and_other_recordings_are_left_alone(
    alice, bob, django_capture_on_commit_callbacks
):
    claimed = make_case(alice)
    rita = make_reviewer("rita")
    assert review.claim(claimed.pk, rita)
    elsewhere = make_case(bob, name="other")
    finish_rerun(claimed.analysis.recording, django_capture_on_commit_callbacks)
    claimed.refresh_from_db()
    elsewhere.refresh_from_db()
    assert claimed.status == "in_review" and claimed.claimed_by == rita
    assert elsewhere.status == "pending"


def test_a_failed_rerun_supersedes_nothing(alice, django_capture_on_commit_callbacks):
    old = make_case(alice)
    failed = Analysis.objects.create(recording=old.analysis.recording, status="failed")
    with django_capture_on_commit_callbacks(execute=True):
        failed.announce_finished()
    old.refresh_from_db()
    assert old.status == "pending" and not old.audit.exists()
