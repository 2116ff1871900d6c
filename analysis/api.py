"""REST API for analyses (status, summary, events, timeline ranges) and webhooks.

Every query is filtered by ``request.user``: other users' analyses and webhooks answer 404.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.decorators import permission_classes, renderer_classes
from rest_framework.request import Request
from rest_framework.response import Response

from analysis import exports, pdf, review, tables, timeline
from analysis.models import Analysis, Event, ReviewCase, Webhook
from analysis.report import build_report
from analysis.serializers import (
    AnalysisPage,
    AnalysisSerializer,
    AnalysisStatusSerializer,
    AuditEntrySerializer,
    BeatsSerializer,
    CaseEventFilter,
    CaseEventSerializer,
    CloseSerializer,
    DecisionSerializer,
    EnvelopeSerializer,
    EventFilter,
    EventRangeQuery,
    EventSerializer,
    NotesSerializer,
    RangeQuery,
    ReportSerializer,
    ReviewCaseDetailSerializer,
    ReviewCaseSerializer,
    ReviewQueueFilter,
    TableRowBeatSerializer,
    TableRowPage,
    TableRowSerializer,
    WebhookDeliverySerializer,
    WebhookSerializer,
    WebhookWithSecretSerializer,
    WindowsSerializer,
)
from analysis.timeline import PROBABILITY, SECONDS
from analysis.webhooks import (
    DeliveryConflict,
    lock_owner,
    ping,
    redeliver,
    resume,
    rotate_secret,
    too_many,
)
from ecgsite.api import (
    BadRequest,
    ErrorSerializer,
    FileRenderer,
    NotReady,
    Pagination,
    PdfRenderer,
    PngRenderer,
    file_renderers,
    paginated,
    responses,
)
from ecgsite.decorators import api_view

NOT_A_TABLE = "This analysis is of a recording, not a beat table: it has no rows."


def own_analyses(request: Request) -> QuerySet[Analysis]:
    return Analysis.objects.filter(recording__owner=request.user).select_related("recording")


def own_analysis(request: Request, pk: int) -> Analysis:
    return get_object_or_404(own_analyses(request), pk=pk)


def succeeded(request: Request, pk: int) -> Analysis:
    """A succeeded analysis; 409 ``not_ready`` while it is queued or running (try again later),
    409 ``analysis_failed`` once it has failed (waiting will not help: the message says why, and
    that it can be re-run)."""
    analysis = own_analysis(request, pk)
    if analysis.status == Analysis.Status.FAILED:
        raise NotReady(exports.no_results(analysis), code="analysis_failed")
    if analysis.status != Analysis.Status.SUCCEEDED:
        raise NotReady(exports.no_results(analysis))
    return analysis


RESULTS_CONFLICT = (
    "Conflict, `error.code` says which: `not_ready` (the analysis is queued or running: try again "
    "once it has succeeded), `analysis_failed` (it failed and has no results: `error.message` "
    "says why; re-run it), `beat_table` / `not_a_beat_table` (not for this kind of upload)."
)


def on_results(ok: dict, *codes: int) -> dict:
    """``responses`` of a view of an analysis's results, and its 409: the codes ``succeeded`` and
    the kind of upload give."""
    conflict = OpenApiResponse(ErrorSerializer, description=RESULTS_CONFLICT)
    return responses(ok, *codes) | {(409, "application/json"): conflict}


BEATS_CSV = (
    "Columns time_s, class (N, S, V, F or Q), confidence, anomaly_score, as the beats endpoint "
    f"gives them: times and scores with {SECONDS} decimals, confidences with {PROBABILITY}; then "
    "sample, the R peak's index in the file's own samples (the nearest one at a rate other than "
    "360 Hz). A beat table's: row, label, class, confidence, score, as its rows endpoint gives them."
)
EVENTS_CSV = (
    "Columns id, type, start_s, end_s, lead, severity, score, beats, description, as the events "
    f"endpoint gives them: start_s, end_s and score with {SECONDS} decimals."
)


class CsvRenderer(FileRenderer):
    media_type = "text/csv"
    format = "csv"


def with_timeline(request: Request, pk: int) -> Analysis:
    """A succeeded analysis of a recording; a beat table answers 409 ``beat_table``."""
    analysis = succeeded(request, pk)
    if analysis.recording.is_beat_table:
        raise NotReady(tables.NO_TIMELINE, code="beat_table")
    return analysis


def of_table(request: Request, pk: int) -> Analysis:
    """A succeeded analysis of a beat table; a recording answers 409 ``not_a_beat_table``."""
    analysis = succeeded(request, pk)
    if not analysis.recording.is_beat_table:
        raise NotReady(NOT_A_TABLE, code="not_a_beat_table")
    return analysis


def page_of(request: Request, queryset, serializer, rows=None) -> Response:
    """One page of ``queryset``, each item serialised (after ``rows(page)``, if given)."""
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request)
    items = rows(page) if rows else page
    return paginator.get_paginated_response(serializer(items, many=True).data)


def filter_events(found: QuerySet[Event], params: dict) -> QuerySet[Event]:
    """``EventFilter``'s type and min_severity."""
    if params.get("type"):
        found = found.filter(type__in=params["type"])
    if "min_severity" in params:
        found = found.filter(severity__gte=params["min_severity"])
    return found


class AnalysisFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=Analysis.Status.values, required=False)
    recording = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


@extend_schema(
    operation_id="analyses_list",
    summary="Your analyses, newest first",
    parameters=[AnalysisFilter],
    responses=responses({200: AnalysisPage}, 400),
)
@api_view(["GET"])
def analyses(request: Request) -> Response:
    query = AnalysisFilter(data=request.query_params)
    query.is_valid(raise_exception=True)
    found = own_analyses(request).filter(**query.validated_data)
    return page_of(request, found, AnalysisSerializer)


@extend_schema(
    operation_id="analyses_retrieve",
    summary="One analysis: status, progress, summary, model versions, timings",
    responses=responses({200: AnalysisSerializer}),
)
@api_view(["GET"])
def analysis(request: Request, pk: int) -> Response:
    return Response(AnalysisSerializer(own_analysis(request, pk)).data)


@extend_schema(
    operation_id="analyses_status",
    summary="Status and progress only (cheap to poll)",
    responses=responses({200: AnalysisStatusSerializer}),
)
@api_view(["GET"])
def analysis_status(request: Request, pk: int) -> Response:
    found = get_object_or_404(
        Analysis.objects.filter(recording__owner=request.user).only(
            "id", "status", "progress", "error"
        ),
        pk=pk,
    )
    return Response(AnalysisStatusSerializer(found).data)


@extend_schema(
    operation_id="analyses_events",
    summary="Events found, by time; filter by type, severity and time range",
    parameters=[EventFilter, EventRangeQuery],
    responses=on_results({200: paginated("PaginatedEventList", EventSerializer)}, 400),
)
@api_view(["GET"])
def events(request: Request, pk: int) -> Response:
    query = EventFilter(data=request.query_params)
    query.is_valid(raise_exception=True)
    params = query.validated_data
    analysis = succeeded(request, pk)
    found = filter_events(analysis.events.all(), params)
    if "start" in request.query_params or "end" in request.query_params:
        start, end = bad_range_is_400(timeline.parse_span, request, analysis)
        if "start" in request.query_params:
            found = found.filter(end_s__gte=start - timeline.HALF_STEP_S)
        if "end" in request.query_params:
            found = found.filter(start_s__lte=end + timeline.HALF_STEP_S)
    return page_of(request, found, EventSerializer)


def bad_range_is_400(parse, request: Request, analysis: Analysis):
    """``parse(query, duration)`` of the request's range; a ``RangeError`` is a 400 ``bad_range``."""
    try:
        return parse(request.query_params, analysis.recording.duration_s)
    except timeline.RangeError as exc:
        raise BadRequest(str(exc), code="bad_range") from exc


def time_range(request: Request, analysis: Analysis) -> tuple[float, float, int]:
    return bad_range_is_400(timeline.parse_range, request, analysis)


@extend_schema(
    operation_id="analyses_envelope",
    summary="Min/max of the filtered signal per bin over a time range, at a chosen resolution",
    parameters=[RangeQuery],
    responses=on_results({200: EnvelopeSerializer}, 400),
)
@api_view(["GET"])
def envelope(request: Request, pk: int) -> Response:
    found = with_timeline(request, pk)
    return Response(timeline.envelope(found, *time_range(request, found)))


@extend_schema(
    operation_id="analyses_beats",
    summary="Per-beat times, classes, confidences and anomaly scores over a time range",
    parameters=[RangeQuery],
    responses=on_results({200: BeatsSerializer}, 400),
)
@api_view(["GET"])
def beats(request: Request, pk: int) -> Response:
    found = with_timeline(request, pk)
    start, end, _ = time_range(request, found)
    return Response(timeline.beats(found, start, end))


@extend_schema(
    operation_id="analyses_windows",
    summary="10-s windows every 5 s: heart rate, abnormal fraction, highest anomaly score",
    responses=on_results({200: WindowsSerializer}),
)
@api_view(["GET"])
def windows(request: Request, pk: int) -> Response:
    return Response(timeline.windows(with_timeline(request, pk)))


@extend_schema(
    methods=["GET"],
    operation_id="webhooks_list",
    summary="Your webhooks",
    responses=responses({200: paginated("PaginatedWebhookList", WebhookSerializer)}, 400),
)
@extend_schema(
    methods=["POST"],
    operation_id="webhooks_create",
    summary="Register a URL to be POSTed when an analysis succeeds or fails or its review is "
    "closed; the answer holds its secret, shown only this once (a second webhook with the same "
    "URL is a 400)",
    request=WebhookSerializer,
    responses=responses({201: WebhookWithSecretSerializer}, 400, 415),
)
@api_view(["GET", "POST"])
def webhooks(request: Request) -> Response:
    if request.method in ("GET", "HEAD"):
        return page_of(request, request.user.webhooks.all(), WebhookSerializer)
    with transaction.atomic():
        lock_owner(request.user.pk)
        if problem := too_many(request.user):
            raise BadRequest(problem, code="too_many_webhooks")
        created = WebhookSerializer(data=request.data, context={"request": request})
        created.is_valid(raise_exception=True)
        hook = created.save(owner=request.user)
    return Response(WebhookWithSecretSerializer(hook).data, status=status.HTTP_201_CREATED)


@extend_schema(
    methods=["GET"],
    operation_id="webhooks_retrieve",
    summary="One webhook",
    responses=responses({200: WebhookSerializer}),
)
@extend_schema(
    methods=["PATCH"],
    operation_id="webhooks_update",
    summary="Change a webhook's URL or pause it (active false); resuming it sends the deliveries "
    "that waited",
    request=WebhookSerializer,
    responses=responses({200: WebhookSerializer}, 400, 415),
)
@extend_schema(
    methods=["DELETE"],
    operation_id="webhooks_destroy",
    summary="Remove a webhook and its delivery log",
    responses=responses({204: None}),
)
@api_view(["GET", "PATCH", "DELETE"])
def webhook(request: Request, pk: int) -> Response:
    hook = get_object_or_404(Webhook, pk=pk, owner=request.user)
    if request.method == "DELETE":
        hook.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
    if request.method == "PATCH":
        was_active = hook.active
        with transaction.atomic():
            lock_owner(request.user.pk)
            changed = WebhookSerializer(hook, data=request.data, partial=True)
            changed.is_valid(raise_exception=True)
            changed.save()
            if hook.active and not was_active:
                resume(hook)
        return Response(changed.data)
    return Response(WebhookSerializer(hook).data)


@extend_schema(
    operation_id="webhooks_rotate_secret",
    summary="Replace the webhook's secret: the answer holds the new one, shown only this once; "
    "deliveries are signed with it from now on, retries included, and for 24 h also with the "
    "replaced one (X-Beatline-Signature-Previous)",
    request=None,
    responses=responses({200: WebhookWithSecretSerializer}),
)
@api_view(["POST"])
def webhook_secret(request: Request, pk: int) -> Response:
    hook = get_object_or_404(Webhook, pk=pk, owner=request.user)
    rotate_secret(hook)
    return Response(WebhookWithSecretSerializer(hook).data)


@extend_schema(
    operation_id="webhooks_deliveries",
    summary="The webhook's delivery log, newest first",
    responses=responses(
        {200: paginated("PaginatedWebhookDeliveryList", WebhookDeliverySerializer)}, 400
    ),
)
@api_view(["GET"])
def webhook_deliveries(request: Request, pk: int) -> Response:
    hook = get_object_or_404(Webhook, pk=pk, owner=request.user)
    return page_of(request, hook.deliveries.all(), WebhookDeliverySerializer)


class Conflict(BadRequest):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def conflict_is_409(action, error: type[Exception], code: str):
    """Run ``action``; its ``error`` (a change not allowed now) is a 409 ``code`` with its reason."""
    try:
        return action()
    except error as exc:
        raise Conflict(str(exc), code=code) from exc


@extend_schema(
    operation_id="webhooks_ping",
    summary='Send the webhook a test delivery, {"event": "ping", "webhook": {"id", "url"}}, '
    "signed and logged like the others (409 delivery_conflict if it is paused)",
    request=None,
    responses=responses({202: WebhookDeliverySerializer}, 409),
)
@api_view(["POST"])
def webhook_ping(request: Request, pk: int) -> Response:
    hook = get_object_or_404(Webhook, pk=pk, owner=request.user)
    delivery = conflict_is_409(lambda: ping(hook), DeliveryConflict, "delivery_conflict")
    return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(
    operation_id="webhooks_redeliver",
    summary="Send a delivered or failed delivery again (its first body, a fresh set of tries); "
    "409 while it is still being sent or its webhook is paused",
    request=None,
    responses=responses({202: WebhookDeliverySerializer}, 409),
)
@api_view(["POST"])
def webhook_redeliver(request: Request, pk: int, delivery_id: int) -> Response:
    hook = get_object_or_404(Webhook, pk=pk, owner=request.user)
    delivery = get_object_or_404(hook.deliveries.select_related("webhook"), pk=delivery_id)
    conflict_is_409(lambda: redeliver(delivery), DeliveryConflict, "delivery_conflict")
    return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(
    operation_id="analyses_report",
    summary="The report: findings ranked and explained, symptom correlations, next steps",
    responses=on_results({200: ReportSerializer}),
)
@api_view(["GET"])
def report(request: Request, pk: int) -> Response:
    return Response(ReportSerializer(build_report(with_timeline(request, pk))).data)


@extend_schema(
    operation_id="analyses_report_pdf",
    summary="The report as an A4 PDF",
    responses=on_results({(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)}),
)
@api_view(["GET"])
@renderer_classes(file_renderers(PdfRenderer))
def report_pdf(request: Request, pk: int) -> HttpResponse:
    analysis = with_timeline(request, pk)
    response = HttpResponse(pdf.report_pdf(build_report(analysis)), content_type="application/pdf")
    name = f"beatline-{slugify(analysis.recording.name) or 'recording'}-{analysis.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@extend_schema(
    operation_id="analyses_event_strip",
    summary="A PNG strip of the ECG around one event, beats marked by class: the report's picture",
    responses=on_results({(200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY)}),
)
@api_view(["GET"])
@renderer_classes(file_renderers(PngRenderer))
def event_strip(request: Request, pk: int, event_id: int) -> HttpResponse:
    analysis = with_timeline(request, pk)
    return exports.event_strip(analysis, get_object_or_404(Event, pk=event_id, analysis=analysis))


@extend_schema(
    operation_id="analyses_beats_csv",
    summary="Every beat as CSV, or a beat table's every row: the recording page's download, byte "
    "for byte",
    responses=on_results({(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, BEATS_CSV)}),
)
@api_view(["GET"])
@renderer_classes(file_renderers(CsvRenderer))
def beats_csv(request: Request, pk: int) -> HttpResponse:
    return exports.beats_csv(succeeded(request, pk))


@extend_schema(
    operation_id="analyses_events_csv",
    summary="Every event as CSV: the recording page's download, byte for byte",
    responses=on_results({(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, EVENTS_CSV)}),
)
@api_view(["GET"])
@renderer_classes(file_renderers(CsvRenderer))
def events_csv(request: Request, pk: int) -> HttpResponse:
    return exports.events_csv(succeeded(request, pk))


@extend_schema(
    operation_id="analyses_results_json",
    summary="Recording, analysis (model versions included), summary and every event as one JSON "
    "file: the recording page's download, byte for byte",
    responses=on_results({200: OpenApiResponse(OpenApiTypes.OBJECT)}),
)
@api_view(["GET"])
def results_json(request: Request, pk: int) -> HttpResponse:
    return exports.results_json(succeeded(request, pk))


@extend_schema(
    operation_id="analyses_rows",
    summary="A beat table's rows in file order: the file's label, class, confidence, anomaly score",
    responses=on_results({200: TableRowPage}, 400),
)
@api_view(["GET"])
def table_rows(request: Request, pk: int) -> Response:
    return page_of(request, tables.Rows(of_table(request, pk)), TableRowSerializer)


@extend_schema(
    operation_id="analyses_row",
    summary="One row of a beat table: its beat as the models read it, the median row, results",
    responses=on_results({200: TableRowBeatSerializer}),
)
@api_view(["GET"])
def table_row(request: Request, pk: int, row: int) -> Response:
    try:
        return Response(tables.row_beat(of_table(request, pk), row))
    except IndexError as exc:
        raise exceptions.NotFound(str(exc)) from exc


# Review actions: reviewers only (the Reviewers group, or staff); anyone else gets 403 ----------


class IsReviewer(permissions.IsAuthenticated):
    message = "Only reviewers can use the review API."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and review.is_reviewer(request.user)


def review_case(pk: int) -> ReviewCase:
    return get_object_or_404(
        ReviewCase.objects.select_related("analysis__recording__owner", "claimed_by"), pk=pk
    )


def review_action(action):
    """Run a review change; a change not allowed now (``ReviewError``) is a 409 with its reason."""
    return conflict_is_409(action, review.ReviewError, "review_conflict")


@extend_schema(
    operation_id="review_cases_list",
    summary="The review queue: most severe first, then oldest",
    parameters=[ReviewQueueFilter],
    responses=responses({200: paginated("PaginatedReviewCaseList", ReviewCaseSerializer)}, 400),
)
@api_view(["GET"])
@permission_classes([IsReviewer])
def review_cases(request: Request) -> Response:
    query = ReviewQueueFilter(data=request.query_params)
    query.is_valid(raise_exception=True)
    params = query.validated_data
    cases = review.queue(
        status=params.get("status"),
        min_severity=params.get("min_severity"),
        event_types=sorted(params.get("type", ())),
        claimed_by=request.user if params.get("mine") else None,
        search=params.get("q", ""),
    )
    return page_of(request, cases, ReviewCaseSerializer)


@extend_schema(
    methods=["GET"],
    operation_id="review_cases_retrieve",
    summary="One case with its events and the decisions on them",
    responses=responses({200: ReviewCaseDetailSerializer}),
)
@extend_schema(
    methods=["PATCH"],
    operation_id="review_cases_save_notes",
    summary="Save the conclusion and internal notes of a case you claimed, without closing it "
    "(409 review_conflict if it is not yours or is closed)",
    request=NotesSerializer,
    responses=responses({200: ReviewCaseSerializer}, 400, 409, 415),
)
@api_view(["GET", "PATCH"])
@permission_classes([IsReviewer])
def review_case_detail(request: Request, pk: int) -> Response:
    case = review_case(pk)
    if request.method == "PATCH":
        data = NotesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = {"conclusion": case.conclusion, "notes": case.notes, **data.validated_data}
        review_action(
            lambda: review.save_notes(case, request.user, fields["conclusion"], fields["notes"])
        )
        return Response(ReviewCaseSerializer(review_case(pk)).data)
    return Response(ReviewCaseDetailSerializer(case).data)


@extend_schema(
    operation_id="review_cases_audit",
    summary="A case's audit trail, oldest first: who claimed, decided, wrote, released or closed "
    "it, and when",
    responses=responses({200: paginated("PaginatedAuditEntryList", AuditEntrySerializer)}, 400),
)
@api_view(["GET"])
@permission_classes([IsReviewer])
def review_case_audit(request: Request, pk: int) -> Response:
    return page_of(request, review_case(pk).audit.select_related("actor"), AuditEntrySerializer)


@extend_schema(
    operation_id="review_cases_events",
    summary="A case's events with the decision on each, by time, a page at a time; filter by "
    "type, severity and undecided (the case page's list)",
    parameters=[CaseEventFilter],
    responses=responses({200: paginated("PaginatedCaseEventList", CaseEventSerializer)}, 400),
)
@api_view(["GET"])
@permission_classes([IsReviewer])
def review_case_events(request: Request, pk: int) -> Response:
    query = CaseEventFilter(data=request.query_params)
    query.is_valid(raise_exception=True)
    case = review_case(pk)
    found = filter_events(case.analysis.events.all(), query.validated_data)
    if query.validated_data.get("undecided"):
        found = found.exclude(pk__in=case.decisions.values("event_id"))
    return page_of(
        request,
        found,
        CaseEventSerializer,
        rows=lambda page: review.case_events(
            case, Event.objects.filter(pk__in=[e.pk for e in page])
        ),
    )


@extend_schema(
    operation_id="review_cases_claim",
    summary="Claim a pending case (409 if someone else did first, or it is closed)",
    request=None,
    responses=responses({200: ReviewCaseSerializer}, 409),
)
@api_view(["POST"])
@permission_classes([IsReviewer])
def review_claim(request: Request, pk: int) -> Response:
    won = review.claim(review_case(pk).pk, request.user)
    case = review_case(pk)
    if not won and not review.claimed_by_user(case, request.user):
        raise Conflict(review.why_not_claimable(case), code="review_conflict")
    return Response(ReviewCaseSerializer(case).data)


@extend_schema(
    operation_id="review_cases_release",
    summary="Give a claimed case back to the queue",
    request=None,
    responses=responses({200: ReviewCaseSerializer}, 409),
)
@api_view(["POST"])
@permission_classes([IsReviewer])
def review_release(request: Request, pk: int) -> Response:
    case = review_case(pk)
    review_action(lambda: review.release(case, request.user))
    return Response(ReviewCaseSerializer(review_case(pk)).data)


@extend_schema(
    operation_id="review_cases_decide",
    summary="Confirm, reject or relabel one event of a case you claimed",
    request=DecisionSerializer,
    responses=responses({200: CaseEventSerializer}, 400, 409, 415),
)
@api_view(["POST"])
@permission_classes([IsReviewer])
def review_decide(request: Request, pk: int, event_id: int) -> Response:
    case = review_case(pk)
    event = get_object_or_404(Event, pk=event_id, analysis_id=case.analysis_id)
    data = DecisionSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    fields = data.validated_data
    review_action(
        lambda: review.decide(
            case,
            event,
            request.user,
            fields["decision"],
            new_type=fields.get("new_type", ""),
            new_class=fields.get("new_class", ""),
            note=fields.get("note", ""),
        )
    )
    [row] = review.case_events(case, Event.objects.filter(pk=event.pk))
    return Response(row)


@extend_schema(
    operation_id="review_cases_close",
    summary="Close a case you claimed with a conclusion; the owner is emailed",
    request=CloseSerializer,
    responses=responses({200: ReviewCaseSerializer}, 400, 409, 415),
)
@api_view(["POST"])
@permission_classes([IsReviewer])
def review_close(request: Request, pk: int) -> Response:
    case = review_case(pk)
    data = CloseSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    fields = data.validated_data
    review_action(
        lambda: review.close(
            case,
            request.user,
            fields["conclusion"],
            fields.get("notes"),  # left out: the draft's notes stay
            with_undecided=fields["with_undecided"],
        )
    )
    return Response(ReviewCaseSerializer(review_case(pk)).data)
