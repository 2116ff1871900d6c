"""REST API shapes of recordings, their files and uploads."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mlcore.readers.validate import MAX_FS, MIN_FS
from recordings.models import (
    CONDITIONS,
    SYMPTOMS,
    Questionnaire,
    Recording,
    RecordingFile,
    Symptom,
)


class RecordingFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="absolute URL of the original file")

    class Meta:
        model = RecordingFile
        fields = ["name", "size", "sha256", "url"]

    def get_url(self, obj: RecordingFile) -> str:
        """Absolute, as a list's ``next``/``previous`` links are (relative without a request)."""
        path = reverse("api_recording_file", args=[obj.recording_id, obj.name])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


STATUS_CHOICES = ["uploaded", "queued", "running", "succeeded", "failed"]


class RecordingSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField(
        help_text="the latest analysis's status, or uploaded before any analysis"
    )
    latest_analysis = serializers.SerializerMethodField(help_text="id of the latest analysis")
    lead_names = serializers.ListField(child=serializers.CharField(), read_only=True)
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
            "clock_start",
            "time_origin_s",
            "created",
            "status",
            "latest_analysis",
            "files",
        ]
        read_only_fields = fields

    def latest(self, obj: Recording):
        analyses = list(obj.analyses.all())  # prefetched by the views; newest first
        return analyses[0] if analyses else None

    @extend_schema_field(serializers.ChoiceField(choices=STATUS_CHOICES))
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
        min_value=MIN_FS,
        max_value=MAX_FS,
        help_text="Hz; needed for CSV or .npy files without a time column",
    )


class RecordingFilter(serializers.Serializer):
    format = serializers.ChoiceField(choices=Recording.Format.values, required=False)
    status = serializers.ChoiceField(
        choices=STATUS_CHOICES, required=False, help_text="status of the latest analysis"
    )
    q = serializers.CharField(required=False, max_length=200, help_text="name contains")
    created_after = serializers.DateTimeField(required=False)
    created_before = serializers.DateTimeField(required=False)


# The questionnaire's limits, shared with its page (recordings/forms.py) so the two cannot drift.
ANSWER_TEXT_MAX = 2000  # characters of other_conditions and of medication
MAX_SYMPTOMS = 200  # symptoms in all, each time (or untimed entry) one


class SymptomSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=list(SYMPTOMS))
    at_s = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="seconds from the recording start; null: not timed",
    )

    class Meta:
        model = Symptom
        fields = ["kind", "at_s"]


class QuestionnaireSerializer(serializers.ModelSerializer):
    """The answers as a whole: a PUT replaces them, symptoms included."""

    answered = serializers.SerializerMethodField(help_text="false until the answers are saved")
    age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=120)
    sex = serializers.ChoiceField(
        choices=["", *Questionnaire.Sex.values], required=False, help_text='"": not said'
    )
    conditions = serializers.ListField(
        child=serializers.ChoiceField(choices=list(CONDITIONS)), required=False, max_length=20
    )
    other_conditions = serializers.CharField(
        required=False, allow_blank=True, max_length=ANSWER_TEXT_MAX, trim_whitespace=True
    )
    medication = serializers.CharField(
        required=False, allow_blank=True, max_length=ANSWER_TEXT_MAX, trim_whitespace=True
    )
    symptoms = SymptomSerializer(
        many=True,
        required=False,
        max_length=MAX_SYMPTOMS,
        help_text=f"at most {MAX_SYMPTOMS}; a PUT replaces them all",
    )
    updated = serializers.DateTimeField(read_only=True, allow_null=True, help_text="null: never")

    class Meta:
        model = Questionnaire
        fields = [
            "answered",
            "age",
            "sex",
            "conditions",
            "other_conditions",
            "medication",
            "symptoms",
            "updated",
        ]
        read_only_fields = ["answered", "updated"]

    def get_answered(self, obj) -> bool:
        return obj.pk is not None

    def to_representation(self, instance: Questionnaire) -> dict:
        if instance.pk is None:  # not answered yet: the empty answers
            return {
                "answered": False,
                "age": None,
                "sex": "",
                "conditions": [],
                "other_conditions": "",
                "medication": "",
                "symptoms": [],
                "updated": None,
            }
        return super().to_representation(instance)

    def validate_symptoms(self, symptoms: list[dict]) -> list[dict]:
        duration = self.context["recording"].duration_s
        for symptom in symptoms:
            at = symptom.get("at_s")
            if at is not None and at > duration:
                raise serializers.ValidationError(
                    f"at_s {at:g} is after the end of the recording ({duration:.0f} s)."
                )
        return symptoms

    def save_answers(self) -> Questionnaire:
        """Replace the recording's answers with these, in one transaction."""
        data = self.validated_data
        recording = self.context["recording"]
        with transaction.atomic():
            questionnaire, _ = Questionnaire.objects.update_or_create(
                recording=recording,
                defaults={
                    "age": data.get("age"),
                    "sex": data.get("sex", ""),
                    "conditions": list(dict.fromkeys(data.get("conditions", []))),
                    "other_conditions": data.get("other_conditions", ""),
                    "medication": data.get("medication", ""),
                },
            )
            questionnaire.symptoms.all().delete()
            Symptom.objects.bulk_create(
                Symptom(questionnaire=questionnaire, kind=s["kind"], at_s=s.get("at_s"))
                for s in data.get("symptoms", [])
            )
        return questionnaire


class ScoredRecordingSerializer(serializers.Serializer):
    recording = serializers.IntegerField(source="recording_id")
    name = serializers.CharField(source="recording.name")
    analysis = serializers.IntegerField(source="pk", help_text="its latest succeeded analysis")
    classifier = serializers.CharField(source="model_versions.classifier", default="")
    agreement = serializers.JSONField(
        help_text="as the analysis's summary gives it (its reference_agreement): Se is null for a "
        "class with no beat annotated, +P for one no beat was given (analyses from before that "
        "gave 0.0: the counts and confusion matrix tell)"
    )


class AgreementSerializer(serializers.Serializer):
    recordings = ScoredRecordingSerializer(many=True)
    pooled = serializers.JSONField(
        allow_null=True,
        help_text="the recordings' confusion matrices summed, with their counts, accuracy, Se and "
        "+P per class (null where undefined, 0/0: a class never annotated, or never given); "
        "null without any",
    )
