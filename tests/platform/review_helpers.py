"""Plain helpers for the review tests: reviewers and flagged analyses made straight in the database."""

from __future__ import annotations

from django.contrib.auth.models import Group, User

from analysis import review
from analysis.models import Analysis, Event, ReviewCase
from recordings.models import Recording


def make_reviewer(username: str, staff: bool = False, password: str | None = None) -> User:
    """A reviewer (or staff member); without a password (no slow hashing) unless one is given."""
    user = User.objects.create_user(username, f"{username}@example.org", password)
    if staff:
        user.is_staff = True
        user.save()
    else:
        # get_or_create: a transactional test before this one flushed the migration's group.
        user.groups.add(Group.objects.get_or_create(name=review.REVIEWERS_GROUP)[0])
    return user


def make_case(owner: User, events=(("pvc", 10.0, 10.0, 1),), name: str = "holter") -> ReviewCase:
    """A succeeded, flagged analysis of a (fileless) recording with ``(type, start, end, severity)``
    events, and its review case."""
    recording = Recording.objects.create(
        owner=owner,
        name=name,
        format="csv",
        main_file=f"{name}.csv",
        sampling_rate=250.0,
        lead_names=["I", "II"],
        n_samples=250 * 600,
        duration_s=600.0,
    )
    analysis = Analysis.objects.create(
        recording=recording, status=Analysis.Status.SUCCEEDED, flagged=True, progress=100
    )
    Event.objects.bulk_create(
        Event(analysis=analysis, type=t, start_s=s, end_s=e, severity=sev, score=1.0, beats=1)
        for t, s, e, sev in events
    )
    return review.open_case(analysis)
