"""Analysis runs of a recording, their chunk results and the events they found."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Coalesce
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone
from kombu.exceptions import KombuError

from mlcore.findings import EVENT_TYPES, MAJOR, MINOR, MODERATE, URGENT_TYPES
from recordings.models import Recording, delete_stored

log = logging.getLogger(__name__)

INTERNAL_ERROR = "The analysis failed because of an internal error; the team has been notified."
ALREADY_RUNNING = (
    "An analysis of this recording is already running or queued; wait for it to finish."
)


class AlreadyRunning(Exception):
    """A re-run asked for while an analysis of the recording is still queued or running."""


class Analysis(models.Model):
    """One run of the pipeline; status moves queued -> running -> succeeded/failed."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    AlreadyRunning = AlreadyRunning  # raised by ``rerun``

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="analyses")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="percent")
    error = models.TextField(blank=True)
    summary = models.JSONField(default=dict, blank=True)
    model_versions = models.JSONField(default=dict, blank=True)
    timings = models.JSONField(default=dict, blank=True, help_text="seconds per stage")
    n_chunks = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    flagged = models.BooleanField(default=False, help_text="events passed the review rule")
    artefacts = models.JSONField(
        default=dict, blank=True, help_text="storage names of the result files, envelope levels"
    )
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name_plural = "analyses"

    def __str__(self) -> str:
        return f"Analysis {self.pk} of {self.recording}"

    @property
    def done(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def urgent(self) -> bool:
        """Whether a finding is possibly life-threatening (``URGENT_TYPES``): look now."""
        return self.events.filter(type__in=URGENT_TYPES).exists()

    @property
    def lead_names(self) -> list[str]:
        """The leads this analysis read, as its timeline shows them (the recording's own names
        for analyses stored before they were recorded here)."""
        return (self.artefacts or {}).get("leads", self.recording.lead_names)

    @property
    def storage_prefix(self) -> str:
        return f"{self.recording.results_folder}/{self.pk}"

    def file_names(self) -> list[str]:
        """Storage names of every result file: results, envelope levels, chunk results."""
        artefacts = self.artefacts or {}
        names = [artefacts.get("results", ""), *artefacts.get("envelope", [])]
        names += [chunk.file for chunk in self.chunks.all()]
        return [name for name in names if name]

    @classmethod
    def start(cls, recording: Recording) -> Analysis:
        """Create a queued analysis and send it to the workers once the transaction commits."""
        analysis = cls.objects.create(recording=recording)
        analysis.enqueue()
        return analysis

    @classmethod
    def is_running(cls, recording: Recording) -> bool:
        """Whether an analysis of the recording is queued or running."""
        done = [cls.Status.SUCCEEDED, cls.Status.FAILED]
        return cls.objects.filter(recording=recording).exclude(status__in=done).exists()

    @classmethod
    def rerun(cls, recording: Recording) -> Analysis:
        """Start a new analysis of the recording unless one is still queued or running (then
        ``AlreadyRunning``, whose message the page shows too); earlier analyses stay in its
        history. Every re-run should come through here, so the page and the API refuse alike."""
        with transaction.atomic():
            # Lock the recording: of two re-runs at the same moment, the second sees the first.
            list(Recording.objects.select_for_update().filter(pk=recording.pk).values("pk"))
            if cls.is_running(recording):
                raise AlreadyRunning(ALREADY_RUNNING)
            return cls.start(recording)

    def enqueue(self) -> None:
        """Send the analysis to the workers once the transaction commits. If the broker cannot be
        reached the upload still succeeds: the analysis stays queued and ``recover_analyses``
        sends it again once it has waited ANALYSIS_STUCK_AFTER_S."""
        from analysis.tasks import start_analysis

        def send() -> None:
            try:
                start_analysis.delay(self.pk)
            except KombuError:
                log.exception("broker unreachable: analysis %s waits for recover_analyses", self.pk)

        transaction.on_commit(send)

    def mark_running(self, n_chunks: int, model_versions: dict) -> None:
        self._update(
            status=self.Status.RUNNING,
            progress=0,
            error="",
            started=timezone.now(),
            n_chunks=n_chunks,
            model_versions=model_versions,
            attempts=self.attempts + 1,
        )

    def set_progress(self, percent: int) -> None:
        self._update(progress=max(0, min(100, int(percent))))

    def requeue(self) -> None:
        self._update(status=self.Status.QUEUED)
        self.enqueue()

    def fail(self, message: str) -> None:
        self._update(status=self.Status.FAILED, error=message, finished=timezone.now())
        self.announce_finished()

    def announce_finished(self) -> None:
        from analysis.signals import analysis_finished

        transaction.on_commit(lambda: analysis_finished.send(sender=Analysis, analysis=self))

    def _update(self, **fields) -> None:
        fields["updated"] = timezone.now()
        for name, value in fields.items():
            setattr(self, name, value)
        type(self).objects.filter(pk=self.pk).update(**fields)

    def is_stuck(self, now=None) -> bool:
        """Running (or queued) with no sign of life for longer than ANALYSIS_STUCK_AFTER_S."""
        now = now or timezone.now()
        limit = timedelta(seconds=settings.ANALYSIS_STUCK_AFTER_S)
        return not self.done and now - self.updated > limit


def with_latest_analysis(recordings: QuerySet[Recording]) -> QuerySet[Recording]:
    """Annotate each recording with its latest analysis's ``latest_status`` ("uploaded" when it has
    none, like ``Recording.status``) and ``latest_flagged``, so lists can filter on them."""
    latest = Analysis.objects.filter(recording=OuterRef("pk")).order_by("-created", "-id")
    return recordings.annotate(
        latest_status=Coalesce(Subquery(latest.values("status")[:1]), Value("uploaded")),
        latest_flagged=Subquery(latest.values("flagged")[:1]),
    )


def scored_against_annotations(owner) -> list[Analysis]:
    """Each of ``owner``'s recordings' latest succeeded analysis, where it scored the beats
    against the file's own beat annotations, by name. Only that part of each summary is read:
    ``analysis.agreement`` (``summary["reference_agreement"]``; ``summary`` is deferred)."""
    succeeded = Analysis.objects.filter(status=Analysis.Status.SUCCEEDED)
    latest = succeeded.filter(recording=OuterRef("recording")).order_by("-created", "-id")
    analyses = (
        succeeded.filter(
            recording__owner=owner,
            # the formats that carry annotations
            recording__format__in=[Recording.Format.WFDB, Recording.Format.EDF],
            pk=Subquery(latest.values("pk")[:1]),
        )
        .select_related("recording")
        .defer("summary", "artefacts")
        .annotate(agreement=KeyTransform("reference_agreement", "summary"))
    )
    scored = [a for a in analyses if a.agreement]
    return sorted(scored, key=lambda a: (a.recording.name.lower(), a.recording_id))


class ChunkResult(models.Model):
    """The stored result of one chunk; its unique index makes a re-delivered chunk a no-op."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    file = models.CharField(max_length=500, help_text="storage name of the chunk's .npz")
    n_beats = models.PositiveIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["index"]
        constraints = [
            models.UniqueConstraint(fields=["analysis", "index"], name="unique_chunk"),
        ]

    def __str__(self) -> str:
        return f"Chunk {self.index} of analysis {self.analysis_id}"


class Event(models.Model):
    class Severity(models.IntegerChoices):
        MINOR = MINOR, "minor"
        MODERATE = MODERATE, "moderate"
        MAJOR = MAJOR, "major"

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=20, choices=list(EVENT_TYPES.items()))
    start_s = models.FloatField()
    end_s = models.FloatField()
    lead = models.CharField(max_length=40, blank=True, help_text="blank: all leads")
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    score = models.FloatField()
    beats = models.PositiveIntegerField(default=0)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["start_s", "id"]
        indexes = [
            models.Index(fields=["analysis", "start_s"]),
            # the review queue's per-case subqueries (analysis.review.queue): a case's most
            # severe event, and whether it has an event of given types
            models.Index(fields=["analysis", "severity"], name="analysis_event_severity_idx"),
            models.Index(fields=["type", "analysis"], name="analysis_event_type_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} at {self.start_s:.1f} s"


def new_webhook_secret() -> str:
    return secrets.token_hex(32)


# What a webhook can be sent (analysis/webhooks.py); each webhook chooses (all by default).
WEBHOOK_EVENTS = {
    "analysis.succeeded": "an analysis succeeded",
    "analysis.failed": "an analysis failed",
    "review.closed": "a reviewer closed an analysis's review",
}


def all_webhook_events() -> list[str]:
    return list(WEBHOOK_EVENTS)


def ordered_events(chosen) -> list[str]:
    """The ``chosen`` webhook events once each, in WEBHOOK_EVENTS' order."""
    return [event for event in WEBHOOK_EVENTS if event in chosen]


class Webhook(models.Model):
    """A URL of the user's that is POSTed a signed JSON body when an analysis finishes."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=64, default=new_webhook_secret, editable=False)
    # The secret a rotation replaced, which still signs X-Beatline-Signature-Previous until then.
    previous_secret = models.CharField(max_length=64, blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    events = models.JSONField(default=all_webhook_events, help_text="the events it is sent")
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return self.url

    def previous_secret_in_force(self) -> bool:
        """Whether the secret a rotation replaced still signs X-Beatline-Signature-Previous."""
        until = self.previous_secret_until
        return bool(self.previous_secret and until and until > timezone.now())


class WebhookDelivery(models.Model):
    """One event sent (or being retried) to one webhook: the visible delivery log."""

    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    analysis = models.ForeignKey(
        Analysis, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    event = models.CharField(max_length=40, help_text="e.g. analysis.succeeded")
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "analysis", "event"], name="one_delivery_per_event"
            ),
        ]
        indexes = [
            # recover_analyses looks for overdue pending deliveries every minute, and prunes the
            # log by age: neither reads the whole log.
            models.Index(
                fields=["next_attempt_at", "created"],
                condition=models.Q(status="pending"),
                name="pending_deliveries",
            ),
            models.Index(fields=["created"], name="delivery_created"),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.webhook}"


class ReviewCase(models.Model):
    """A flagged analysis in the reviewers' queue: pending -> in review (claimed) -> closed."""

    class Status(models.TextChoices):
        PENDING = "pending"
        IN_REVIEW = "in_review", "in review"
        CLOSED = "closed"

    analysis = models.OneToOneField(Analysis, on_delete=models.CASCADE, related_name="review")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claimed_cases",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    conclusion = models.TextField(blank=True, help_text="the reviewer's conclusion for the owner")
    notes = models.TextField(blank=True, help_text="internal notes")
    closed_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"Review of {self.analysis}"


class EventReview(models.Model):
    """A reviewer's decision on one event: confirm, reject, or relabel it."""

    class Decision(models.TextChoices):
        CONFIRM = "confirm"
        REJECT = "reject"
        RELABEL = "relabel"

    case = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, related_name="decisions")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    new_type = models.CharField(
        max_length=20,
        blank=True,
        choices=list(EVENT_TYPES.items()),
        help_text="relabel: event type",
    )
    new_class = models.CharField(
        max_length=1, blank=True, help_text="relabel: AAMI beat class N, S, V, F or Q"
    )
    note = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="event_reviews"
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "event"], name="one_decision_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.decision} {self.event}"


class AuditEntry(models.Model):
    """Who changed what and when on a review case; written once, never edited."""

    # Deleting a recording deletes its review history with it; nothing else can remove an entry.
    case = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, related_name="audit")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_entries"
    )
    action = models.CharField(max_length=40)
    details = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.actor} {self.action} at {self.created:%Y-%m-%d %H:%M}"


@receiver(pre_delete, sender=Analysis)
def delete_result_files(sender, instance: Analysis, **kwargs) -> None:
    """An analysis's result files, and its folder, go once its deletion commits, however it is
    deleted (with its recording, its owner's account, in the admin); pre_delete, while its chunk
    rows can still be read."""
    names, folders = instance.file_names(), [instance.storage_prefix]
    transaction.on_commit(lambda: delete_stored(names, folders))
