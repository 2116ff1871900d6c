"""REST API shapes of analyses, events, timeline ranges and webhooks."""

from __future__ import annotations

from rest_framework import serializers

from analysis.models import Analysis, Event, Webhook, WebhookDelivery
from analysis.timeline import MAX_POINTS
from ecgsite.api import paginated
from mlcore.findings import EVENT_TYPES


class AnalysisStatusSerializer(serializers.ModelSerializer):
    done = serializers.BooleanField(read_only=True, help_text="succeeded or failed")

    class Meta:
        model = Analysis
        fields = ["id", "status", "progress", "error", "done"]
        read_only_fields = fields


class AnalysisSerializer(serializers.ModelSerializer):
    done = serializers.BooleanField(read_only=True, help_text="succeeded or failed")
    n_events = serializers.SerializerMethodField()

    class Meta:
        model = Analysis
        fields = [
            "id",
            "recording",
            "status",
            "progress",
            "error",
            "done",
            "flagged",
            "n_events",
            "summary",
            "model_versions",
            "timings",
            "n_chunks",
            "created",
            "started",
            "finished",
        ]
        read_only_fields = fields

    def get_n_events(self, obj: Analysis) -> int:
        return obj.events.count() if obj.status == Analysis.Status.SUCCEEDED else 0


AnalysisPage = paginated("PaginatedAnalysisList", AnalysisSerializer)


class EventSerializer(serializers.ModelSerializer):
    type_label = serializers.CharField(source="get_type_display", read_only=True)
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "type",
            "type_label",
            "start_s",
            "end_s",
            "lead",
            "severity",
            "severity_label",
            "score",
            "beats",
            "description",
        ]
        read_only_fields = fields


class EventFilter(serializers.Serializer):
    type = serializers.MultipleChoiceField(
        choices=list(EVENT_TYPES), required=False, help_text="repeat for several types"
    )
    min_severity = serializers.ChoiceField(
        choices=[1, 2, 3], required=False, help_text="1 minor, 2 moderate, 3 major"
    )
    start = serializers.FloatField(
        required=False, help_text="seconds: events ending at or after this time"
    )
    end = serializers.FloatField(
        required=False, help_text="seconds: events starting at or before this time"
    )


class RangeQuery(serializers.Serializer):
    """Documents the range parameters; ``analysis.timeline.parse_range`` validates them."""

    start = serializers.FloatField(required=False, help_text="seconds; default 0")
    end = serializers.FloatField(required=False, help_text="seconds; default the end")
    points = serializers.IntegerField(
        required=False,
        min_value=10,
        max_value=MAX_POINTS,
        help_text="envelope only: most bins to return; default 2000",
    )


class FloatRows(serializers.ListField):
    child = serializers.ListField(child=serializers.FloatField())


class EnvelopeSerializer(serializers.Serializer):
    level = serializers.IntegerField(help_text="stored resolution level used; 0 is every sample")
    bin_s = serializers.FloatField(help_text="seconds per bin")
    start_s = serializers.FloatField(help_text="time of the first bin")
    leads = serializers.ListField(child=serializers.CharField())
    min = FloatRows(help_text="per lead, the minimum per bin (mV)")
    max = FloatRows(help_text="per lead, the maximum per bin (mV)")


class BeatsSerializer(serializers.Serializer):
    classes = serializers.ListField(child=serializers.CharField(), help_text="AAMI classes")
    time_s = serializers.ListField(child=serializers.FloatField())
    # "class" is a Python keyword: the field is added below under that name.
    confidence = serializers.ListField(child=serializers.FloatField())
    score = serializers.ListField(
        child=serializers.FloatField(), help_text="anomaly score per beat"
    )


BeatsSerializer._declared_fields["class"] = serializers.ListField(
    child=serializers.IntegerField(), help_text="index into classes, per beat"
)


class WindowsSerializer(serializers.Serializer):
    start_s = serializers.ListField(child=serializers.FloatField())
    beats = serializers.ListField(child=serializers.IntegerField())
    hr_bpm = serializers.ListField(child=serializers.FloatField(allow_null=True))
    abnormal_frac = serializers.ListField(child=serializers.FloatField())
    max_score = serializers.ListField(child=serializers.FloatField())


class WebhookSerializer(serializers.ModelSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="HMAC-SHA256 key of the X-Beatline-Signature header"
    )

    class Meta:
        model = Webhook
        fields = ["id", "url", "active", "secret", "created"]
        read_only_fields = ["id", "secret", "created"]

    def validate_url(self, url: str) -> str:
        if not url.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("Use an http:// or https:// URL.")
        return url


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "webhook",
            "analysis",
            "event",
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "next_attempt_at",
            "created",
            "delivered_at",
            "payload",
        ]
        read_only_fields = fields
