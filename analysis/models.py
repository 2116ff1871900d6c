"""One analysis run of a recording; its status moves queued -> running -> succeeded/failed."""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone

from recordings.models import Recording


class Analysis(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="analyses")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="percent")
    error = models.TextField(blank=True)
    summary = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name_plural = "analyses"

    def __str__(self) -> str:
        return f"Analysis {self.pk} of {self.recording}"

    @property
    def done(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @classmethod
    def start(cls, recording: Recording) -> Analysis:
        """Create a queued analysis and send it to the workers once the transaction commits."""
        from analysis.tasks import run_analysis

        analysis = cls.objects.create(recording=recording)
        transaction.on_commit(lambda: run_analysis.delay(analysis.pk))
        return analysis

    def mark_running(self) -> None:
        self._update(status=self.Status.RUNNING, progress=0, error="", started=timezone.now())

    def set_progress(self, percent: int) -> None:
        self._update(progress=max(0, min(100, int(percent))))

    def succeed(self, summary: dict) -> None:
        self._update(
            status=self.Status.SUCCEEDED, progress=100, summary=summary, finished=timezone.now()
        )

    def fail(self, message: str) -> None:
        self._update(status=self.Status.FAILED, error=message, finished=timezone.now())

    def _update(self, **fields) -> None:
        for name, value in fields.items():
            setattr(self, name, value)
        type(self).objects.filter(pk=self.pk).update(**fields)
