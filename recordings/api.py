"""REST API for recordings: upload, list with filters, retrieve, delete, download originals.

Every query is filtered by ``request.user``: other users' recordings answer 404, as on the pages.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import parser_classes, renderer_classes
from rest_framework.parsers import FormParser
from rest_framework.request import Request
from rest_framework.response import Response

from analysis.models import Analysis, scored_against_annotations, with_latest_analysis
from analysis.serializers import AnalysisPage, AnalysisSerializer
from ecgsite.api import (
    BadRequest,
    FileRenderer,
    JSONParser,
    MultiPartParser,
    NotReady,
    Pagination,
    file_renderers,
    paginated,
    responses,
    upload_budget,
)
from ecgsite.decorators import api_view
from mlcore.agreement import pooled
from recordings.ingest import UploadError, ingest
from recordings.models import Questionnaire, Recording
from recordings.serializers import (
    AgreementSerializer,
    QuestionnaireSerializer,
    RecordingFilter,
    RecordingSerializer,
    UploadSerializer,
)


def own_recordings(request: Request) -> QuerySet[Recording]:
    return Recording.objects.filter(owner=request.user).prefetch_related("analyses", "files")


def own_recording(request: Request, pk: int) -> Recording:
    return get_object_or_404(own_recordings(request), pk=pk)


def filtered(request: Request) -> QuerySet[Recording]:
    query = RecordingFilter(data=request.query_params)
    query.is_valid(raise_exception=True)
    params = query.validated_data
    recordings = own_recordings(request)
    if "format" in params:
        recordings = recordings.filter(format=params["format"])
    if params.get("q"):
        recordings = recordings.filter(name__icontains=params["q"])
    if "created_after" in params:
        recordings = recordings.filter(created__gte=params["created_after"])
    if "created_before" in params:
        recordings = recordings.filter(created__lt=params["created_before"])
    if "status" in params:
        recordings = with_latest_analysis(recordings).filter(latest_status=params["status"])
    return recordings


@extend_schema(
    methods=["GET"],
    operation_id="recordings_list",
    summary="Your recordings, newest first",
    parameters=[RecordingFilter],
    responses=responses({200: paginated("PaginatedRecordingList", RecordingSerializer)}, 400),
)
@extend_schema(
    methods=["POST"],
    operation_id="recordings_upload",
    summary="Upload a recording and start its analysis",
    description="Multipart form: `files` (repeat it for the .hea and .dat of a WFDB record, or send "
    "one .zip), optional `name` and `sampling_rate`. Answers 201 with the recording; its "
    "`latest_analysis` is queued.",
    request={"multipart/form-data": UploadSerializer},
    responses=responses({201: RecordingSerializer}, 400, 415),
)
@api_view(["GET", "POST"])
@parser_classes([MultiPartParser, FormParser])
def recordings(request: Request) -> Response:
    if request.method in ("GET", "HEAD"):
        paginator = Pagination()
        page = paginator.paginate_queryset(filtered(request), request)
        return paginator.get_paginated_response(
            RecordingSerializer(page, many=True, context={"request": request}).data
        )
    with upload_budget(request):  # a refused upload does not spend it
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        try:
            with transaction.atomic():
                recording = ingest(
                    request.user, data.get("name", ""), data["files"], fs=data.get("sampling_rate")
                )
                Analysis.start(recording)
        except UploadError as exc:
            raise BadRequest(str(exc), code="upload_rejected") from exc
    return Response(
        RecordingSerializer(
            own_recording(request, recording.pk), context={"request": request}
        ).data,
        status=status.HTTP_201_CREATED,
    )


@extend_schema(
    methods=["GET"],
    operation_id="recordings_retrieve",
    summary="One recording",
    responses=responses({200: RecordingSerializer}),
)
@extend_schema(
    methods=["DELETE"],
    operation_id="recordings_destroy",
    summary="Delete a recording with its files and analyses",
    responses=responses({204: None}),
)
@api_view(["GET", "DELETE"])
def recording(request: Request, pk: int) -> Response:
    rec = own_recording(request, pk)
    if request.method == "DELETE":
        rec.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
    return Response(RecordingSerializer(rec, context={"request": request}).data)


@extend_schema(
    operation_id="recordings_file",
    summary="Download one original file, byte for byte",
    responses=responses({(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)}),
)
@api_view(["GET"])
@renderer_classes(file_renderers(FileRenderer))
def recording_file(request: Request, pk: int, name: str) -> FileResponse:
    return get_object_or_404(own_recording(request, pk).files.named(name)).download()


@extend_schema(
    methods=["GET"],
    operation_id="recordings_analyses_list",
    summary="The recording's analyses, newest first (its history)",
    responses=responses({200: AnalysisPage}, 400),
)
@extend_schema(
    methods=["POST"],
    operation_id="recordings_analyses_create",
    summary="Re-run the analysis; the earlier runs are kept",
    description="409 `analysis_running` while an analysis of the recording is queued or running.",
    request=None,
    responses=responses({202: AnalysisSerializer}, 409),
)
@api_view(["GET", "POST"])
def recording_analyses(request: Request, pk: int) -> Response:
    rec = own_recording(request, pk)
    if request.method == "POST":
        try:
            with upload_budget(request):  # a refused re-run does not spend it
                analysis = Analysis.rerun(rec)
        except Analysis.AlreadyRunning as exc:
            raise NotReady(str(exc), code="analysis_running") from exc
        return Response(AnalysisSerializer(analysis).data, status=status.HTTP_202_ACCEPTED)
    paginator = Pagination()
    page = paginator.paginate_queryset(rec.analyses.all(), request)
    return paginator.get_paginated_response(AnalysisSerializer(page, many=True).data)


EMPTY_ANSWERS = "The body is empty: send the answers as a JSON object ({} clears them all)."


@extend_schema(
    methods=["GET"],
    operation_id="recordings_questionnaire",
    summary="The symptom questionnaire of the recording (answered false until saved)",
    description="A beat table has none: 409 `beat_table`.",
    responses=responses({200: QuestionnaireSerializer}, 409),
)
@extend_schema(
    methods=["PUT"],
    operation_id="recordings_questionnaire_update",
    summary="Save the answers, replacing earlier ones; the report relates symptoms to findings",
    description="A beat table has none: 409 `beat_table`.",
    request=QuestionnaireSerializer,
    responses=responses({200: QuestionnaireSerializer}, 400, 409, 415),
)
@api_view(["GET", "PUT"])
@parser_classes([JSONParser])
def questionnaire(request: Request, pk: int) -> Response:
    rec = own_recording(request, pk)
    if rec.is_beat_table:
        raise NotReady(Recording.NO_QUESTIONNAIRE, code="beat_table")
    if request.method == "PUT":
        if request.stream is None:  # an empty body, likely by mistake: it would clear every answer
            raise BadRequest(EMPTY_ANSWERS, code="invalid")
        answers = QuestionnaireSerializer(data=request.data, context={"recording": rec})
        answers.is_valid(raise_exception=True)
        return Response(QuestionnaireSerializer(answers.save_answers()).data)
    existing = Questionnaire.objects.filter(recording=rec).first()
    return Response(QuestionnaireSerializer(existing or Questionnaire(recording=rec)).data)


@extend_schema(
    operation_id="recordings_agreement",
    summary="How the analyses agree with the beat annotations the files carry (a WFDB .atr): each "
    "annotated recording's latest succeeded analysis, and all of them pooled",
    responses=responses({200: AgreementSerializer}),
)
@api_view(["GET"])
def agreement(request: Request) -> Response:
    analyses = scored_against_annotations(request.user)
    body = {
        "recordings": analyses,
        "pooled": pooled([a.agreement for a in analyses]),
    }
    return Response(AgreementSerializer(body).data)
