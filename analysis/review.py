"""Review of flagged analyses as plain functions: queue, claim, decisions, closing, audit trail.

A flagged analysis opens a ``ReviewCase`` (pending). One reviewer claims it (in review): the claim is
a conditional UPDATE, so of two concurrent claims exactly one wins. The claimer decides on each event
(confirm, reject, relabel) and closes the case with a conclusion; the owner is then emailed. Every
change writes an ``AuditEntry`` in the same transaction; entries are never updated (the database
refuses it, migration 0005). A re-run that succeeds supersedes the earlier runs' unclaimed cases.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from django.contrib.auth.models import AbstractBaseUser, User
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

from analysis.models import Analysis, AuditEntry, Event, EventReview, ReviewCase
from analysis.signals import review_closed
from analysis.timeline import rounded_event
from ecgsite.links import site_url
from mlcore.findings import EVENT_TYPES, URGENT_TYPES
from mlcore.segment import AAMI_CLASSES

log = logging.getLogger(__name__)
REVIEWERS_GROUP = "Reviewers"
Status = ReviewCase.Status
Decision = EventReview.Decision


class ReviewError(ValueError):
    """A review action that is not allowed now; the message is shown to the reviewer."""


def is_reviewer(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or user.groups.filter(name=REVIEWERS_GROUP).exists()


# Opening cases -----------------------------------------------------------------------------------


def open_case(analysis: Analysis) -> ReviewCase | None:
    """The analysis's review case, created when it succeeded and was flagged; else None. A new
    case with a possible ventricular flutter/fibrillation also alerts the reviewers."""
    if analysis.status != Analysis.Status.SUCCEEDED or not analysis.flagged:
        return None
    case, created = ReviewCase.objects.get_or_create(analysis=analysis)
    if created and analysis.events.filter(type__in=URGENT_TYPES).exists():
        transaction.on_commit(lambda: alert_reviewers(case.pk))
    return case


def alert_reviewers(case_id: int) -> int:
    """Email every active reviewer and staff member with an address about an urgent case, which
    tops the queue but should not wait for someone to look at it; answers how many. One message,
    the reviewers in Bcc, so no one sees the others' addresses."""
    from analysis.report import hms  # analysis.report imports this module

    case = ReviewCase.objects.select_related("analysis__recording__owner").get(pk=case_id)
    reviewers = (
        User.objects.filter(is_active=True)
        .filter(Q(is_staff=True) | Q(groups__name=REVIEWERS_GROUP))
        .exclude(email="")
        .distinct()
    )
    addresses = sorted(reviewers.values_list("email", flat=True))
    if not addresses:
        return 0
    recording = case.analysis.recording
    url = site_url("review_case", case.pk)
    found = case.analysis.events.filter(type__in=URGENT_TYPES).order_by("start_s")
    count = found.count()
    at = f"at {', '.join(hms(event.start_s) for event in found[:5])} into the recording"
    if count > 5:
        at += f", and {count - 5} more"
    body = (
        f"A new case in the review queue holds {count} possible ventricular "
        f"flutter/fibrillation event(s) ({at}), in "
        f"{recording.name!r} of {recording.owner.get_username()}.\n\n"
        f"The case: {url}\n\n"
        "Beatline is decision support for trained clinicians, not a diagnosis.\n"
    )
    subject = " ".join(f"Urgent review: possible VF in {recording.name}".split())
    try:
        EmailMessage(subject, body, bcc=addresses).send()
    except (OSError, ValueError) as exc:  # as in notify_owner: the case stays at the top
        log.error("could not alert the reviewers of case %s: %s", case_id, exc)
        return 0
    return len(addresses)


def supersede_earlier_cases(analysis: Analysis) -> None:
    """Close the pending cases of the recording's earlier analyses once a newer one has succeeded.

    Reviewers should not work through an analysis the owner has replaced by a re-run. Cases a
    reviewer has claimed are left to that reviewer. The owner, whose re-run it was, is the audit
    actor; nobody is emailed, since nobody reviewed them.
    """
    if analysis.status != Analysis.Status.SUCCEEDED:
        return
    recording = analysis.recording
    earlier = ReviewCase.objects.filter(
        analysis__recording=recording, analysis__pk__lt=analysis.pk, status=Status.PENDING
    )
    conclusion = (
        f"Not reviewed: superseded by a newer analysis of this recording (#{analysis.pk})"
        + (", which is in the review queue." if analysis.flagged else ", which flagged nothing.")
    )
    with transaction.atomic():
        for case in list(earlier):
            # Conditional, like a claim: a reviewer who claims it meanwhile keeps it.
            if ReviewCase.objects.filter(pk=case.pk, status=Status.PENDING).update(
                status=Status.CLOSED, closed_at=timezone.now(), conclusion=conclusion
            ):
                audit(case, recording.owner, "superseded", by_analysis=analysis.pk)


def on_analysis_finished(sender, analysis: Analysis, **kwargs) -> None:
    """Receiver of ``analysis_finished`` (connected in AnalysisConfig.ready)."""
    analysis.refresh_from_db(fields=["status", "flagged"])
    open_case(analysis)
    supersede_earlier_cases(analysis)


# The queue ---------------------------------------------------------------------------------------


def queue(
    status: str | None = None,
    min_severity: int | None = None,
    event_types: Collection[str] = (),
    claimed_by=None,
    search: str = "",
) -> QuerySet[ReviewCase]:
    """Cases with an URGENT_TYPES event first, then by their most severe event (major first), then
    age (oldest first).

    ``status`` None means the open cases (pending and in review); "all" means every case.
    """
    # Per-case subqueries, not a join with GROUP BY: grouping every case's joined events made
    # PostgreSQL plan a huge sort (and JIT-compile it), most of the time of a queue page.
    events = Event.objects.filter(analysis=OuterRef("analysis")).order_by()
    cases = ReviewCase.objects.select_related("analysis__recording__owner", "claimed_by").annotate(
        max_severity=Subquery(events.order_by("-severity").values("severity")[:1]),
        n_events=Coalesce(
            Subquery(events.values("analysis").annotate(n=Count("pk")).values("n")), 0
        ),
        urgent=Exists(events.filter(type__in=URGENT_TYPES)),
    )
    if status is None:
        cases = cases.exclude(status=Status.CLOSED)
    elif status != "all":
        cases = cases.filter(status=status)
    if min_severity:
        cases = cases.filter(max_severity__gte=min_severity)
    if event_types:  # an event of any of them
        cases = cases.filter(Exists(events.filter(type__in=list(event_types))))
    if claimed_by is not None:
        cases = cases.filter(claimed_by=claimed_by)
    if search:
        cases = cases.filter(
            Q(analysis__recording__name__icontains=search)
            | Q(analysis__recording__owner__username__icontains=search)
        )
    # A case without events has no severity: last, on SQLite and PostgreSQL alike.
    return cases.order_by("-urgent", F("max_severity").desc(nulls_last=True), "created", "id")


# Changes, each with its audit row ----------------------------------------------------------------


def audit(case: ReviewCase, actor, action: str, **details) -> AuditEntry:
    return AuditEntry.objects.create(case=case, actor=actor, action=action, details=details)


@receiver(pre_save, sender=AuditEntry)
def audit_is_append_only(sender, instance: AuditEntry, **kwargs) -> None:
    """Audit entries are written once: saving an existing entry again is refused."""
    if instance.pk is not None and AuditEntry.objects.filter(pk=instance.pk).exists():
        raise ReviewError("Audit entries cannot be changed.")


def claim(case_id: int, user: AbstractBaseUser) -> bool:
    """Claim a pending case; True if this call claimed it, False if someone else did first."""
    now = timezone.now()
    with transaction.atomic():
        won = ReviewCase.objects.filter(pk=case_id, status=Status.PENDING).update(
            status=Status.IN_REVIEW, claimed_by=user, claimed_at=now
        )
        if won:
            audit(ReviewCase.objects.get(pk=case_id), user, "claim")
    return bool(won)


def release(case: ReviewCase, user) -> None:
    """Give a claimed case back to the queue (the claimer, or staff)."""
    with transaction.atomic():
        case = locked(case.pk)
        if case.status != Status.IN_REVIEW:
            raise ReviewError("Only a case in review can be released.")
        if case.claimed_by_id != user.pk and not user.is_staff:
            raise ReviewError(f"This case is claimed by {claimer(case)}; only they can release it.")
        previous = case.claimed_by.username if case.claimed_by else ""
        ReviewCase.objects.filter(pk=case.pk).update(
            status=Status.PENDING, claimed_by=None, claimed_at=None
        )
        audit(case, user, "release", claimed_by=previous)


def locked(case_id: int) -> ReviewCase:
    # Lock only the case row: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
    return (
        ReviewCase.objects.select_for_update(of=("self",))
        .select_related("claimed_by")
        .get(pk=case_id)
    )


def claimed_by_user(case: ReviewCase, user) -> bool:
    """The case is in review by ``user`` (claiming it again changes nothing)."""
    return case.status == Status.IN_REVIEW and case.claimed_by_id == user.pk


def why_not_claimable(case: ReviewCase) -> str:
    if case.status == Status.CLOSED:
        by = f" by {claimer(case)}" if case.claimed_by else ""
        return f"This case is already closed (reviewed{by})."
    return f"This case is already in review, claimed by {claimer(case)}."


def claimer(case: ReviewCase) -> str:
    """Who claimed the case, named as the queue and the case page name them."""
    return case.claimed_by.get_username() if case.claimed_by else "another reviewer"


def claimed_by_other(case: ReviewCase) -> str:
    """Why another reviewer cannot change a case someone has claimed."""
    return (
        f"This case is claimed by {claimer(case)}; only they can decide on its events or close it."
    )


def editable(case_id: int, user) -> ReviewCase:
    """The case locked for an edit by ``user``, who must have claimed it and not closed it."""
    case = locked(case_id)
    if case.status == Status.CLOSED:
        raise ReviewError("This case is closed; its decisions can no longer change.")
    if case.status == Status.IN_REVIEW and case.claimed_by_id != user.pk:
        raise ReviewError(claimed_by_other(case))
    if case.status != Status.IN_REVIEW:
        raise ReviewError("Claim this case first: only the reviewer who claimed it can change it.")
    return case


def decide(
    case: ReviewCase,
    event: Event,
    user,
    decision: str,
    new_type: str = "",
    new_class: str = "",
    note: str = "",
) -> EventReview:
    """Record (or change) the reviewer's decision on one event of the case."""
    new_type, new_class, note = (
        (new_type or "").strip(),
        (new_class or "").strip().upper(),
        note or "",
    )
    if decision not in Decision.values:
        raise ReviewError(f"Unknown decision {decision!r}; use confirm, reject or relabel.")
    if new_type and new_type not in EVENT_TYPES:
        raise ReviewError(f"Unknown event type {new_type!r}.")
    if new_class and new_class not in AAMI_CLASSES:
        raise ReviewError(
            f"Unknown beat class {new_class!r}; use one of {', '.join(AAMI_CLASSES)}."
        )
    if decision == Decision.RELABEL:
        if not (new_type or new_class):
            raise ReviewError("A relabel needs a new event type or a new beat class.")
    else:
        new_type, new_class = "", ""
    if event.analysis_id != case.analysis_id:
        raise ReviewError("This event does not belong to the case.")
    with transaction.atomic():
        case = editable(case.pk, user)
        before = EventReview.objects.filter(case=case, event=event).first()
        row, _ = EventReview.objects.update_or_create(
            case=case,
            event=event,
            defaults={
                "decision": decision,
                "new_type": new_type,
                "new_class": new_class,
                "note": note,
                "reviewer": user,
            },
        )
        details = {
            "event": event.pk,
            "event_type": event.type,
            "start_s": round(event.start_s, 3),
            "decision": decision,
            "new_type": new_type,
            "new_class": new_class,
        }
        if note:
            details["note"] = note
        if before is not None:
            details["previous"] = {
                "decision": before.decision,
                "new_type": before.new_type,
                "new_class": before.new_class,
            }
        audit(case, user, "decide", **details)
    return row


def save_notes(case: ReviewCase, user, conclusion: str, notes: str) -> ReviewCase:
    """Store the conclusion and notes of a case in review, auditing what changed."""
    with transaction.atomic():
        case = editable(case.pk, user)
        changes = changed(case, conclusion=conclusion.strip(), notes=notes.strip())
        if changes:
            ReviewCase.objects.filter(pk=case.pk).update(**changes)
            audit(case, user, "notes", **changes)
            for name, value in changes.items():
                setattr(case, name, value)
    return case


def changed(case: ReviewCase, **fields: str) -> dict[str, str]:
    return {name: value for name, value in fields.items() if getattr(case, name) != value}


class Undecided(ReviewError):
    """Closing a case with events still undecided, which the reviewer has not confirmed."""


def close(
    case: ReviewCase, user, conclusion: str, notes: str | None = None, with_undecided: bool = False
) -> ReviewCase:
    """Close the case with the reviewer's conclusion; the owner is emailed once this commits.
    Events left undecided need ``with_undecided`` (the owner is told how many). ``notes`` None
    keeps the notes saved with the draft."""
    conclusion = (conclusion or "").strip()
    if not conclusion:
        raise ReviewError("Write a conclusion for the owner before closing the case.")
    with transaction.atomic():
        case = editable(case.pk, user)
        decided = decision_counts(case)
        if decided["undecided"] and not with_undecided:
            raise Undecided(
                f"{decided['undecided']} of {sum(decided.values())} events are still undecided. "
                "Decide them, or confirm closing the case with undecided events."
            )
        now = timezone.now()
        notes = case.notes if notes is None else notes.strip()
        changes = changed(case, conclusion=conclusion, notes=notes)
        ReviewCase.objects.filter(pk=case.pk).update(status=Status.CLOSED, closed_at=now, **changes)
        case.refresh_from_db()
        taken = {d: n for d, n in decided.items() if d != "undecided" and n}
        audit(case, user, "close", decisions=taken, **changes)
        transaction.on_commit(lambda: notify_owner(case.pk))
        transaction.on_commit(lambda: review_closed.send(sender=ReviewCase, case=case))
    return case


def notify_owner(case_id: int) -> None:
    """Email the recording's owner that the review of their analysis is closed."""
    case = ReviewCase.objects.select_related("analysis__recording__owner").get(pk=case_id)
    recording = case.analysis.recording
    owner = recording.owner
    if not owner.email:
        return
    url = site_url("analysis_report", case.analysis_id)
    body = (
        f"Hello {owner.get_username()},\n\n"
        f"A reviewer has finished reviewing the analysis of your recording {recording.name!r}.\n\n"
        f"Conclusion:\n{case.conclusion}\n\n"
        f"The report: {url}\n\n"
        "Beatline is decision support for trained clinicians, not a diagnosis.\n"
    )
    subject = " ".join(f"Review closed: {recording.name}".split())  # a header is one line
    try:
        send_mail(subject, body, None, [owner.email])
    except (OSError, ValueError) as exc:  # SMTP errors are OSErrors; a bad header a ValueError
        # The case is closed and stays closed; the owner sees the outcome on the report.
        log.error("could not email the owner of review case %s: %s", case_id, exc)


# Reading a case ----------------------------------------------------------------------------------


def decision_counts(case: ReviewCase) -> dict[str, int]:
    """{"confirm": n, "reject": n, "relabel": n, "undecided": n}: the decisions taken on the case's
    events, and how many of its events have none."""
    counts = dict.fromkeys(Decision.values, 0)
    counts.update(case.decisions.order_by().values_list("decision").annotate(n=Count("pk")))
    counts["undecided"] = max(0, case.analysis.events.count() - sum(counts.values()))
    return counts


def case_events(case: ReviewCase, events: QuerySet[Event] | None = None) -> list[dict]:
    """The case's events (or ``events`` of them) with the current decision on each, in time order,
    ready for JSON."""
    events = case.analysis.events.all() if events is None else events
    decisions = {
        d.event_id: d
        for d in case.decisions.filter(event__in=events.values("pk")).select_related("reviewer")
    }
    rows = []
    for event in events:
        d = decisions.get(event.pk)
        row = {
            "id": event.pk,
            "type": event.type,
            "type_label": event.get_type_display(),
            "start_s": event.start_s,
            "end_s": event.end_s,
            "lead": event.lead,
            "severity": event.severity,
            "score": event.score,
            "beats": event.beats,
            "description": event.description,
            "decision": d.decision if d else "",
            "new_type": d.new_type if d else "",
            "new_type_label": d.get_new_type_display() if d and d.new_type else "",
            "new_class": d.new_class if d else "",
            "note": d.note if d else "",
            "reviewer": d.reviewer.get_username() if d else "",
        }
        rows.append(rounded_event(row))
    return rows
