"""A user's uploaded ECG recording and its original files."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.http import FileResponse
from django.urls import reverse

from mlcore.readers import RecordInfo, describe
from mlcore.signal import ECGSignal


class RecordingQuerySet(models.QuerySet):
    def delete(self) -> tuple[int, dict[str, int]]:
        """Delete the recordings with all of theirs, once no worker is storing rows of theirs.

        Their analyses are locked first. A worker locks its analysis to store a chunk or the
        final events (``analysis.pipeline``), so the deletion either waits and deletes that row
        with the rest, or goes first and the worker finds its analysis gone; without the lock a
        row stored in between would make the deletion fail.
        """
        with transaction.atomic():
            self.lock_analyses()
            return super().delete()

    def lock_analyses(self) -> None:
        """Inside a transaction: hold these recordings' analyses' rows until it ends."""
        analyses = apps.get_model("analysis", "Analysis").objects
        list(analyses.select_for_update().filter(recording__in=self).values_list("pk"))


class Recording(models.Model):
    class Format(models.TextChoices):
        WFDB = "wfdb", "WFDB"
        CSV = "csv", "CSV"
        EDF = "edf", "EDF"
        NPY = "npy", "NumPy"
        UCR = "ucr", "UCR beat table"

    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recordings"
    )
    name = models.CharField(max_length=200)
    format = models.CharField(max_length=10, choices=Format.choices)
    main_file = models.CharField(
        max_length=255, help_text="The file the reader opens, e.g. 100.hea"
    )
    sampling_rate = models.FloatField(null=True, help_text="Hz; null for a beat table")
    lead_names = models.JSONField(default=list)
    n_samples = models.BigIntegerField(help_text="per lead; a beat table: rows x samples per row")
    duration_s = models.FloatField(help_text="0 for a beat table")
    clock_start = models.CharField(
        max_length=32,
        blank=True,
        help_text="the clock time of the first sample as the file's header gives it (ISO 8601, "
        "e.g. 2026-11-30T22:14:05, without a time zone: WFDB and EDF headers give none); empty "
        "when the file gives no date and time",
    )
    time_origin_s = models.FloatField(
        default=0.0,
        help_text="the file's own time of its first sample, in seconds (a CSV time column "
        "starting at 300 s: 300.0); every time Beatline gives counts from the first sample, so "
        "add this to compare with the file's times. 0 for other files",
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = RecordingQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("recording_detail", args=[self.pk])

    def delete(self, *args, **kwargs) -> tuple[int, dict[str, int]]:
        """As ``RecordingQuerySet.delete``: waits for a worker storing rows of its analyses."""
        with transaction.atomic():
            Recording.objects.filter(pk=self.pk).lock_analyses()
            return super().delete(*args, **kwargs)

    @property
    def is_beat_table(self) -> bool:
        """UCR/ECG5000 rows: separate beats, analysed one by one, with no timeline."""
        return self.format == self.Format.UCR

    @property
    def started_at(self) -> datetime | None:
        """``clock_start`` as a (naive) datetime; None when the file gives no clock."""
        return datetime.fromisoformat(self.clock_start) if self.clock_start else None

    @property
    def clock_start_text(self) -> str:
        """E.g. "2026-11-30 22:14:05"; "" when the file gives no clock."""
        return self.clock_start.replace("T", " ")

    def clock_at(self, seconds: float | None) -> str:
        """The file's clock time ``seconds`` into the recording, e.g. "22:28:08" (with the date
        when it is not the start's date); "" when the file gives no clock."""
        start = self.started_at
        if start is None or seconds is None:
            return ""
        at = start + timedelta(seconds=round(seconds))
        return f"{at:%H:%M:%S}" if at.date() == start.date() else f"{at:%Y-%m-%d %H:%M:%S}"

    NO_QUESTIONNAIRE = (
        "A beat table has no symptom questionnaire: its rows are separate beats, "
        "not one patient's recording."
    )

    @property
    def latest_analysis(self):
        # Analyses are ordered newest first (Analysis.Meta); .all() uses a prefetch when there is one.
        return self.analyses.all().first()

    @property
    def status(self) -> str:
        """The latest analysis's status, or "uploaded" before any analysis exists."""
        latest = self.latest_analysis
        return latest.status if latest else "uploaded"

    def refresh_facts(self) -> None:
        """Re-read the file's header as today's reader reads it, before an analysis.

        Readers change (units, which channels are ECG), so a recording uploaded earlier can read
        as other leads now; the analysis, its timeline and its report must name the leads it read.
        Raises ``SignalError`` (a message for the user) if the file no longer reads.
        """
        with self.local_path() as path:
            facts = signal_facts(describe(path, fs=self.sampling_rate))
        changed = {name: value for name, value in facts.items() if getattr(self, name) != value}
        if changed:
            Recording.objects.filter(pk=self.pk).update(**changed)
            for name, value in changed.items():
                setattr(self, name, value)

    @property
    def originals_folder(self) -> str:
        return f"recordings/{self.owner_id}/{self.uid}"

    @property
    def results_folder(self) -> str:
        """Where its analyses' result files go, one folder each (``Analysis.storage_prefix``)."""
        return f"analyses/{self.owner_id}/{self.uid}"

    @contextmanager
    def local_path(self) -> Iterator[Path]:
        """Yield a real path to the main file, with the other files beside it under their names.

        Readers need real paths side by side (a .hea beside its .dat). Files in a local storage
        folder are used in place; any other storage is copied to a temporary folder first.
        """
        stored = list(self.files.all())
        folder = local_folder(stored)
        if folder is not None:
            yield folder / self.main_file
            return
        with tempfile.TemporaryDirectory(prefix="beatline-") as tmp:
            for item in stored:
                with item.file.open("rb") as src, open(Path(tmp) / item.name, "wb") as dst:
                    shutil.copyfileobj(src, dst)
            yield Path(tmp) / self.main_file


def signal_facts(read: ECGSignal | RecordInfo) -> dict:
    """What a Recording stores of a signal, from the reader's ``ECGSignal`` or ``RecordInfo``."""
    return {
        "sampling_rate": read.fs,
        "lead_names": list(read.lead_names),
        "n_samples": read.n_samples,
        "duration_s": read.duration_s,
        "clock_start": read.start_time.isoformat(timespec="seconds") if read.start_time else "",
        "time_origin_s": read.time_origin_s,
    }


def delete_stored(names: list[str], folders: list[str]) -> None:
    """Delete stored files, then those of ``folders`` that are left empty (local storage only)."""
    for name in names:
        default_storage.delete(name)
    for folder in sorted(set(folders), key=len, reverse=True):  # the deepest first
        try:
            path = Path(default_storage.path(folder))
        except NotImplementedError:  # a storage without folders on disk
            return
        try:
            os.rmdir(path)  # only ever removes an empty folder
        except OSError:
            pass  # not empty (another file is there), or already gone


def remove_owner_folders(owner_id: int) -> None:
    """Remove what is left of an owner's stored files and folders (local storage only)."""
    for folder in (f"recordings/{owner_id}", f"analyses/{owner_id}"):
        try:
            path = Path(default_storage.path(folder))
        except NotImplementedError:  # a storage without folders on disk: each file went by name
            return
        shutil.rmtree(path, ignore_errors=True)


def local_folder(stored: list[RecordingFile]) -> Path | None:
    """The one local folder holding every file under its original name, if there is one."""
    try:
        paths = [Path(item.file.path) for item in stored]
    except NotImplementedError:  # storage without local paths
        return None
    folders = {path.parent for path in paths}
    if len(folders) == 1 and all(
        p.name == item.name for p, item in zip(paths, stored, strict=True)
    ):
        return folders.pop()
    return None


def stored_file_path(instance: RecordingFile, filename: str) -> str:
    return f"{instance.recording.originals_folder}/{instance.name}"


class RecordingFileQuerySet(models.QuerySet):
    def named(self, name: str) -> RecordingFileQuerySet:
        """The file called ``name``; none for a name with a NUL, which no stored name has and
        PostgreSQL refuses even to look up."""
        return self.none() if "\x00" in name else self.filter(name=name)


class RecordingFile(models.Model):
    """One original uploaded file, kept byte for byte."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    file = models.FileField(upload_to=stored_file_path, max_length=500)
    size = models.BigIntegerField()
    sha256 = models.CharField(
        max_length=64,
        blank=True,
        help_text="SHA-256 of the file's bytes, in hex, to check a copy against the original",
    )

    objects = RecordingFileQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["recording", "name"], name="unique_file_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def digest(fh) -> str:
        """SHA-256 of an open binary file, read in blocks (a recording can be hundreds of MB)."""
        return hashlib.file_digest(fh, "sha256").hexdigest()

    def download(self) -> FileResponse:
        """The file as an attachment of no particular type: whatever was uploaded (an .html or
        .svg beside the record) is saved by the browser, never shown on the site's origin."""
        return FileResponse(
            self.file.open("rb"),
            as_attachment=True,
            filename=self.name,
            content_type="application/octet-stream",
        )


SYMPTOMS = {
    "palpitations": "Palpitations",
    "chest_pain": "Chest pain",
    "dizziness": "Dizziness",
    "fainting": "Fainting",
    "breathlessness": "Shortness of breath",
    "fatigue": "Fatigue",
}

CONDITIONS = {
    "hypertension": "High blood pressure",
    "coronary_disease": "Coronary artery disease or a past heart attack",
    "heart_failure": "Heart failure",
    "atrial_fibrillation": "Atrial fibrillation",
    "pacemaker": "Pacemaker or implanted defibrillator (ICD)",
    "diabetes": "Diabetes",
    "thyroid": "Thyroid disease",
}


class Questionnaire(models.Model):
    """What the person felt during the recording, and who they are; read with the findings."""

    class Sex(models.TextChoices):
        FEMALE = "female"
        MALE = "male"
        OTHER = "other"

    recording = models.OneToOneField(
        Recording, on_delete=models.CASCADE, related_name="questionnaire"
    )
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    conditions = models.JSONField(default=list, blank=True, help_text="keys of CONDITIONS")
    other_conditions = models.TextField(blank=True)
    medication = models.TextField(blank=True)
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Questionnaire of {self.recording}"

    @property
    def paced(self) -> bool:
        return "pacemaker" in self.conditions

    def condition_labels(self) -> list[str]:
        labels = [CONDITIONS[key] for key in self.conditions if key in CONDITIONS]
        return labels + ([self.other_conditions] if self.other_conditions else [])


class Symptom(models.Model):
    """One symptom the person reported, at a time into the recording when they know it."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="symptoms"
    )
    kind = models.CharField(max_length=20, choices=list(SYMPTOMS.items()))
    at_s = models.FloatField(
        null=True, blank=True, help_text="seconds from the recording start; blank: not timed"
    )
    duration_s = models.FloatField(default=60.0)

    class Meta:
        ordering = ["kind", "at_s", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()
