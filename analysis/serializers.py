"""REST API shapes of analyses, events, timeline ranges and webhooks."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from analysis import review, webhook_addresses, webhooks
from analysis.models import (
    WEBHOOK_EVENTS,
    Analysis,
    AuditEntry,
    Event,
    EventReview,
    ReviewCase,
    Webhook,
    WebhookDelivery,
    ordered_events,
)
from analysis.report import review_outcome
from analysis.timeline import MAX_POINTS, PROBABILITY, SCORE, SECONDS, rounded
from ecgsite.api import paginated
from mlcore.datasets import ECG5000_CLASSES
from mlcore.findings import ANOMALY_GAP_BEATS, EVENT_TYPES, WINDOW_S, WINDOW_STEP_S
from mlcore.hrv import RATE_BEATS
from mlcore.segment import AAMI_CLASSES
from recordings.models import Questionnaire
from recordings.serializers import QuestionnaireSerializer

EVENT_TYPE_CHOICES = list(EVENT_TYPES.items())  # one enum (EventTypeEnum) in the schema


class AnalysisStatusSerializer(serializers.ModelSerializer):
    done = serializers.BooleanField(read_only=True, help_text="succeeded or failed")

    class Meta:
        model = Analysis
        fields = ["id", "status", "progress", "error", "done"]
        read_only_fields = fields


class OwnerReviewSerializer(serializers.Serializer):
    """What the owner sees of a cardiology review (``analysis.report.review_outcome``): its status
    and, once closed, the conclusion."""

    status = serializers.ChoiceField(choices=ReviewCase.Status.choices, read_only=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    conclusion = serializers.CharField(read_only=True, help_text='"" until the case is closed')


class ReportReviewSerializer(OwnerReviewSerializer):
    """The review section of the report, as the report page and the PDF show it."""

    status_label = serializers.CharField(read_only=True)
    reviewer = serializers.CharField(read_only=True, help_text='who closed the case; "" before')
    decisions = serializers.DictField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text="events confirmed, rejected and relabelled, and events left undecided "
        '("undecided"); {} before the case is closed',
    )


class AnalysisSerializer(serializers.ModelSerializer):
    done = serializers.BooleanField(read_only=True, help_text="succeeded or failed")
    n_events = serializers.SerializerMethodField()
    review = serializers.SerializerMethodField()

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
            "review",
            "created",
            "started",
            "finished",
        ]
        read_only_fields = fields

    def get_n_events(self, obj: Analysis) -> int:
        return obj.events.count() if obj.status == Analysis.Status.SUCCEEDED else 0

    @extend_schema_field(OwnerReviewSerializer(allow_null=True))
    def get_review(self, obj: Analysis) -> dict | None:
        outcome = review_outcome(obj)
        return OwnerReviewSerializer(outcome).data if outcome else None


AnalysisPage = paginated("PaginatedAnalysisList", AnalysisSerializer)


class Rounded(serializers.FloatField):
    """A number as every export rounds it (``analysis.timeline.rounded``)."""

    def __init__(self, decimals: int, **kwargs) -> None:
        self.decimals = decimals
        super().__init__(**kwargs)

    def to_representation(self, value) -> float:
        return rounded(value, self.decimals)


class EventSerializer(serializers.ModelSerializer):
    type_label = serializers.CharField(source="get_type_display", read_only=True)
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)
    start_s = Rounded(
        SECONDS,
        read_only=True,
        help_text="seconds from the start of the uploaded signal to the R peak (on the classified "
        "lead, the summary's classified_lead) of the event's first beat; for vf and unreadable, "
        f"to where the span starts. {SECONDS} decimals, as a beat's time_s: the beats with "
        "start_s <= time_s <= end_s are the event's",
    )
    end_s = Rounded(
        SECONDS,
        read_only=True,
        help_text="as start_s, to the event's last beat (for vf and unreadable, where it ends)",
    )
    score = Rounded(
        SCORE,
        read_only=True,
        help_text="by type: pvc, pac, couplets and runs: their beats; bigeminy, trigeminy: cycles "
        "(single V beats in the pattern); pause: the R-R interval (s); af, vf, unreadable: "
        "duration (s); bradycardia (tachycardia): the lowest (highest) heart rate within it, bpm "
        f"over {RATE_BEATS} R-R intervals; anomaly: the highest anomaly score of its beats",
    )
    beats = serializers.IntegerField(
        read_only=True,
        help_text="the event's beats, those with start_s <= time_s <= end_s (pvc, pac: 1; "
        "couplets and pause: 2); anomaly: only those above the anomaly threshold (up to "
        f"{ANOMALY_GAP_BEATS} others between them are bridged, not counted); vf, unreadable: 0",
    )

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


class CaseEventFilter(EventFilter):
    undecided = serializers.BooleanField(
        required=False, help_text="true: only the events no reviewer has decided yet"
    )


class EventRangeQuery(serializers.Serializer):
    """Documents the events' range; ``analysis.timeline.parse_span`` validates it (400
    ``bad_range``), as for the envelope and beats."""

    start = serializers.FloatField(
        required=False, help_text="seconds: events ending at or after this time; default 0"
    )
    end = serializers.FloatField(
        required=False,
        help_text="seconds: events starting at or before this time; default the end; after start",
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
    time_s = serializers.ListField(
        child=serializers.FloatField(),
        help_text="per beat, seconds from the start of the uploaded signal to its R peak on the "
        f"classified lead (the summary's classified_lead); {SECONDS} decimals, as events' start_s "
        "and end_s",
    )
    # "class" is a Python keyword: the field is added below under that name.
    confidence = serializers.ListField(
        child=serializers.FloatField(),
        help_text="per beat, the beat classifier's probability of its class "
        f"({PROBABILITY} decimals); the rhythm rules can change a class, so it can be low",
    )
    score = serializers.ListField(
        child=serializers.FloatField(),
        help_text="per beat, the autoencoder's anomaly score relative to the recording: its "
        "reconstruction error over the recording's median (about 1 for a typical beat); above "
        f"the summary's anomaly_threshold it is anomalous ({SCORE} decimals)",
    )


BeatsSerializer._declared_fields["class"] = serializers.ListField(
    child=serializers.IntegerField(), help_text="index into classes, per beat"
)


class TableRowSerializer(serializers.Serializer):
    """One row of a beat table (``analysis.tables.row_dict``)."""

    row = serializers.IntegerField(help_text="1 for the file's first row")
    label = serializers.IntegerField(help_text="the label the file gives the row")
    # "class" is a Python keyword: the field is added below under that name.
    confidence = serializers.FloatField(help_text="the classifier's probability of that class")
    score = serializers.FloatField(
        help_text="anomaly score; above the summary's anomaly_threshold the row is anomalous"
    )


TableRowSerializer._declared_fields["class"] = serializers.ChoiceField(
    choices=list(ECG5000_CLASSES), help_text="ECG5000 class (label 1-5 in that order)"
)
TableRowPage = paginated("PaginatedTableRowList", TableRowSerializer)


class TableRowBeatSerializer(TableRowSerializer):
    beat = serializers.ListField(
        child=serializers.FloatField(), help_text="the row's samples, z-normalised"
    )
    median = serializers.ListField(
        child=serializers.FloatField(), help_text="the table's median row, z-normalised"
    )


class WindowsSerializer(serializers.Serializer):
    start_s = serializers.ListField(
        child=serializers.FloatField(),
        help_text=f"seconds from the start of the signal; a window lasts {WINDOW_S:g} s, one "
        f"starts every {WINDOW_STEP_S:g} s",
    )
    beats = serializers.ListField(child=serializers.IntegerField(), help_text="beats in a window")
    hr_bpm = serializers.ListField(
        child=serializers.FloatField(allow_null=True), help_text="null with fewer than 2 beats"
    )
    abnormal_frac = serializers.ListField(
        child=serializers.FloatField(), help_text="share of a window's beats not classed N"
    )
    max_score = serializers.ListField(
        child=serializers.FloatField(),
        help_text="highest beat anomaly score in a window (0 with fewer than 2 beats)",
    )
    threshold = serializers.FloatField(
        allow_null=True, help_text="scores above it are anomalous (null for older analyses)"
    )


class WebhookSerializer(serializers.ModelSerializer):
    # Not a docstring: drf-spectacular would publish it as the schema's description.
    # A webhook as listed and shown: its secret only as a hint; WebhookWithSecretSerializer
    # answers the secret itself, once, when it is made or replaced.

    secret_hint = serializers.SerializerMethodField(
        help_text="the secret's last 4 characters, to tell which secret a receiver holds"
    )

    events = serializers.ListField(
        child=serializers.ChoiceField(choices=list(WEBHOOK_EVENTS)),
        allow_empty=False,
        required=False,
        help_text="the events it is sent (default all of them; pause it to get none)",
    )
    previous_secret_until = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="after a secret is replaced: until when deliveries also carry "
        "X-Beatline-Signature-Previous, signed with the replaced secret; null if never replaced",
    )

    class Meta:
        model = Webhook
        fields = [
            "id",
            "url",
            "events",
            "active",
            "secret_hint",
            "previous_secret_until",
            "created",
        ]
        read_only_fields = ["id", "created"]

    def get_secret_hint(self, hook: Webhook) -> str:
        return hook.secret[-4:]

    def validate_events(self, events: list[str]) -> list[str]:
        return ordered_events(events)

    def validate_url(self, url: str) -> str:
        if problem := webhook_addresses.url_problem(url):
            raise serializers.ValidationError(problem)
        owner = self.instance.owner_id if self.instance else self.context["request"].user.pk
        if problem := webhooks.duplicate(owner, url, getattr(self.instance, "pk", None)):
            raise serializers.ValidationError(problem)
        return url


class WebhookWithSecretSerializer(WebhookSerializer):
    """The answer of a create or a secret rotation: the only time the secret is shown."""

    secret = serializers.CharField(
        read_only=True,
        help_text="HMAC-SHA256 key of the X-Beatline-Signature header; shown only this once",
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


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


class FindingSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=EVENT_TYPE_CHOICES)
    label = serializers.CharField()
    severity = serializers.ChoiceField(choices=Event.Severity.choices)
    severity_word = serializers.CharField()
    count = serializers.IntegerField()
    total_s = serializers.FloatField()
    explanation = serializers.CharField()
    severities = serializers.CharField(
        help_text='events by severity where they differ, e.g. "1 moderate, 154 minor"; "" otherwise'
    )
    events_by_severity = serializers.DictField(
        child=serializers.IntegerField(), help_text='e.g. {"minor": 154, "moderate": 1}'
    )
    example = EventSerializer(help_text="the event shown as its example")


class CorrelationSerializer(serializers.Serializer):
    symptom = serializers.CharField()
    label = serializers.CharField()
    at_s = serializers.FloatField(allow_null=True)
    matches = serializers.SerializerMethodField(help_text="events within the slack of the symptom")

    def get_matches(self, correlation) -> list[int]:
        return [event.pk for event in correlation.events]


class ReportSerializer(serializers.Serializer):
    """The report as the page and the PDF show it (analysis/report.py)."""

    analysis = serializers.IntegerField(source="analysis.pk")
    recording = serializers.CharField(source="analysis.recording.name")
    highest_severity = serializers.IntegerField(help_text="0: no findings")
    findings = FindingSerializer(many=True)
    correlations = CorrelationSerializer(many=True)
    next_steps = serializers.ListField(child=serializers.CharField())
    questionnaire_answered = serializers.SerializerMethodField()
    summary = serializers.JSONField()
    model_versions = serializers.JSONField()
    review = ReportReviewSerializer(
        allow_null=True, help_text="the cardiology review; null if the analysis was not flagged"
    )
    lead_caveat = serializers.CharField(
        help_text="why the beat classes are less reliable when no lead II was classified; "
        '"" when lead II was'
    )
    pacing_caveat = serializers.CharField(
        help_text="why ventricular findings need care when the questionnaire says a pacemaker or "
        'ICD is fitted; "" otherwise'
    )
    classifier_note = serializers.CharField(
        help_text="the beat classifier's sensitivity and positive predictivity on unseen patients; "
        '"" if its evaluation is not installed'
    )
    disclaimer = serializers.CharField()

    def get_questionnaire_answered(self, report) -> bool:
        return report.questionnaire is not None


class ReviewCaseSerializer(serializers.ModelSerializer):
    recording = serializers.CharField(source="analysis.recording.name", read_only=True)
    owner = serializers.CharField(source="analysis.recording.owner.username", read_only=True)
    claimed_by = serializers.CharField(
        source="claimed_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = ReviewCase
        fields = [
            "id",
            "analysis",
            "recording",
            "owner",
            "status",
            "claimed_by",
            "claimed_at",
            "conclusion",
            "notes",
            "closed_at",
            "created",
        ]
        read_only_fields = fields


class CaseEventSerializer(serializers.Serializer):
    """An event of a case with the current decision on it (``analysis.review.case_events``)."""

    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=EVENT_TYPE_CHOICES)
    type_label = serializers.CharField()
    start_s = serializers.FloatField()
    end_s = serializers.FloatField()
    lead = serializers.CharField(allow_blank=True)
    severity = serializers.ChoiceField(choices=Event.Severity.choices)
    score = serializers.FloatField()
    beats = serializers.IntegerField()
    description = serializers.CharField(allow_blank=True)
    decision = serializers.ChoiceField(
        choices=EventReview.Decision.choices, allow_blank=True, help_text='"": not decided yet'
    )
    new_type = serializers.ChoiceField(
        choices=EVENT_TYPE_CHOICES, allow_blank=True, help_text='relabel only; "" otherwise'
    )
    new_type_label = serializers.CharField(allow_blank=True, help_text="the new type's name")
    new_class = serializers.ChoiceField(
        choices=AAMI_CLASSES, allow_blank=True, help_text='relabel only; "" otherwise'
    )
    note = serializers.CharField(allow_blank=True)
    reviewer = serializers.CharField(allow_blank=True)


class ReviewCaseDetailSerializer(ReviewCaseSerializer):
    events = serializers.SerializerMethodField()
    questionnaire = serializers.SerializerMethodField(
        help_text="the owner's answers (symptoms with their times, age, sex, conditions, "
        "medication), as recordings/<id>/questionnaire/ gives them; answered false if none"
    )

    class Meta(ReviewCaseSerializer.Meta):
        fields = [*ReviewCaseSerializer.Meta.fields, "questionnaire", "events"]
        read_only_fields = fields

    @extend_schema_field(CaseEventSerializer(many=True))
    def get_events(self, case: ReviewCase) -> list[dict]:
        return review.case_events(case)

    @extend_schema_field(QuestionnaireSerializer)
    def get_questionnaire(self, case: ReviewCase) -> dict:
        recording = case.analysis.recording
        answers = getattr(recording, "questionnaire", None) or Questionnaire(recording=recording)
        return QuestionnaireSerializer(answers).data


class ReviewQueueFilter(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["all", *ReviewCase.Status.values],
        required=False,
        help_text="default: the open cases (pending and in review)",
    )
    min_severity = serializers.ChoiceField(choices=[1, 2, 3], required=False)
    type = serializers.MultipleChoiceField(
        choices=list(EVENT_TYPES),
        required=False,
        help_text="cases with an event of this type; repeat for several types (any of them)",
    )
    mine = serializers.BooleanField(required=False, help_text="only the cases you claimed")
    q = serializers.CharField(required=False, max_length=100, help_text="recording or owner")


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=EventReview.Decision.choices)
    new_type = serializers.ChoiceField(
        choices=EVENT_TYPE_CHOICES, required=False, allow_blank=True, help_text="relabel only"
    )
    new_class = serializers.ChoiceField(
        choices=list(AAMI_CLASSES), required=False, allow_blank=True, help_text="relabel only"
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def validate(self, data: dict) -> dict:
        """A relabel without a new label is a bad request (400), not a conflict with the case."""
        if data["decision"] == "relabel" and not (data.get("new_type") or data.get("new_class")):
            raise serializers.ValidationError(
                {"new_type": "A relabel needs a new event type or a new beat class."}
            )
        return data


class NotesSerializer(serializers.Serializer):
    conclusion = serializers.CharField(
        required=False, allow_blank=True, max_length=10000, help_text="for the owner"
    )
    notes = serializers.CharField(
        required=False, allow_blank=True, max_length=10000, help_text="internal"
    )


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.get_username", read_only=True)

    class Meta:
        model = AuditEntry
        fields = ["id", "actor", "action", "details", "created"]
        read_only_fields = fields


class CloseSerializer(serializers.Serializer):
    conclusion = serializers.CharField(max_length=10000, help_text="for the owner")
    notes = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10000,
        help_text="internal; left out, the notes saved with the draft stay",
    )
    with_undecided = serializers.BooleanField(
        default=False,
        help_text="close although some events are undecided (else 409 review_conflict); the "
        "owner is told how many",
    )
