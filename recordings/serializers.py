"""REST API shapes of recordings, their files and uploads."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from recordings.models import Recording, RecordingFile


class RecordingFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="download the original file")

    class Meta:
        model = RecordingFile
        fields = ["name", "size", "url"]

    def get_url(self, obj: RecordingFile) -> str:
        return reverse("api_recording_file", args=[obj.recording_id, obj.name])


class RecordingSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField(
        help_text="the latest analysis's status, or uploaded before any analysis"
    )
    latest_analysis = serializers.SerializerMethodField(help_text="id of the latest analysis")
    files = RecordingFileSerializer(many=True, read_only=True)

    class Meta:
        model = Recording
        fields = [
            "id",
            "uid",
            "name",
            "format",
            "main_file",
            "sampling_rate",
            "lead_names",
            "n_samples",
            "duration_s",
            "created",
            "status",
            "latest_analysis",
            "files",
        ]
        read_only_fields = fields

    def latest(self, obj: Recording):
        analyses = list(obj.analyses.all())  # prefetched by the views; newest first
        return analyses[0] if analyses else None

    def get_status(self, obj: Recording) -> str:
        latest = self.latest(obj)
        return latest.status if latest else "uploaded"

    def get_latest_analysis(self, obj: Recording) -> int | None:
        latest = self.latest(obj)
        return latest.pk if latest else None


class UploadSerializer(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        allow_empty=False,
        help_text="a WFDB record (.hea, .dat, optional .atr), one CSV, EDF or .npy file, or one .zip",
    )
    name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="default: the file's name"
    )
    sampling_rate = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=100_000,
        help_text="Hz; needed for CSV or .npy files without a time column",
    )


STATUS_CHOICES = ["uploaded", "queued", "running", "succeeded", "failed"]


class RecordingFilter(serializers.Serializer):
    format = serializers.ChoiceField(choices=Recording.Format.values, required=False)
    status = serializers.ChoiceField(
        choices=STATUS_CHOICES, required=False, help_text="status of the latest analysis"
    )
    q = serializers.CharField(required=False, max_length=200, help_text="name contains")
    created_after = serializers.DateTimeField(required=False)
    created_before = serializers.DateTimeField(required=False)
