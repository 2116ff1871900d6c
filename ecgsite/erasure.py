"""Deleting an account at its owner's request: the user, every recording with its files and
analyses, the API token, webhooks and their delivery log.

Reviews a user made of *other* people's recordings are part of those recordings' audit trails,
which are never edited, so an account holding some cannot be deleted (an administrator can
deactivate it instead).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from analysis.models import Analysis, AuditEntry, EventReview

HAS_REVIEWS = (
    "Your reviews of other people's recordings are part of their audit trails, which are kept, "
    "so this account cannot be deleted. An administrator can deactivate it instead."
)


@dataclass(frozen=True)
class Erased:
    """What a deletion removed, for the message that confirms it."""

    recordings: int
    analyses: int

    def __str__(self) -> str:
        recordings = f"{self.recordings} recording{'' if self.recordings == 1 else 's'}"
        return f"{recordings} and {self.analyses} analys{'i' if self.analyses == 1 else 'e'}s"


def deletion_problem(user: User) -> str | None:
    """Why ``user``'s account cannot be deleted, or None if it can."""
    others = {"case__analysis__recording__owner": user}
    if (
        AuditEntry.objects.filter(actor=user).exclude(**others).exists()
        or EventReview.objects.filter(reviewer=user).exclude(**others).exists()
    ):
        return HAS_REVIEWS
    return None


def what_goes(user: User) -> Erased:
    return Erased(
        recordings=user.recordings.count(),
        analyses=Analysis.objects.filter(recording__owner=user).count(),
    )


def delete_account(user: User) -> Erased:
    """Delete the account and everything stored for it; all or nothing.

    The recordings go first, with their analyses and review cases (their files once the deletion
    commits: ``recordings.signals``), since the user's row cannot go while audit entries of their
    own cases name them; then the user, whose token and webhooks go with it. A recording uploaded
    while this runs is deleted with the user's row, and the owner's storage folders are removed
    after the commit (``recordings.signals``), so nothing of it is left behind either.
    """
    erased = what_goes(user)
    with transaction.atomic():
        user.recordings.all().delete()
        user.delete()
    return erased
