"""JSON views for one analysis: status, events, timeline data by range, beat-table rows."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404

from analysis import exports, tables, timeline
from analysis.models import Analysis


def own_analysis(request: HttpRequest, pk: int) -> Analysis:
    """The request user's analysis, or 404: other users' analyses do not exist for them."""
    return get_object_or_404(
        Analysis.objects.select_related("recording"), pk=pk, recording__owner=request.user
    )


def finished(view):
    """Answer 409 until the analysis has succeeded; pass the analysis to the view."""

    def wrapper(request: HttpRequest, pk: int) -> JsonResponse:
        analysis = own_analysis(request, pk)
        if analysis.status != Analysis.Status.SUCCEEDED:
            return exports.no_results_json(analysis)
        return view(request, analysis)

    return login_required(wrapper)


@login_required
def status(request: HttpRequest, pk: int) -> JsonResponse:
    a = own_analysis(request, pk)
    return JsonResponse(
        {"id": a.pk, "status": a.status, "progress": a.progress, "error": a.error, "done": a.done}
    )


@finished
def events(request: HttpRequest, analysis: Analysis) -> JsonResponse:
    return JsonResponse({"events": exports.event_rows(analysis)})


def with_timeline(view):
    """Answer 409 for a beat table, which has rows instead of a timeline."""

    def wrapper(request: HttpRequest, analysis: Analysis) -> JsonResponse:
        if analysis.recording.is_beat_table:
            return JsonResponse({"error": tables.NO_TIMELINE}, status=409)
        return view(request, analysis)

    return wrapper


def ranged(view):
    """Parse start/end/points against the recording's duration; 400 with a message if bad."""

    def wrapper(request: HttpRequest, analysis: Analysis) -> JsonResponse:
        try:
            start, end, points = timeline.parse_range(request.GET, analysis.recording.duration_s)
        except timeline.RangeError as exc:
            return JsonResponse({"error": str(exc)}, status=400)
        return view(request, analysis, start, end, points)

    return wrapper


@finished
@with_timeline
@ranged
def envelope(request, analysis, start, end, points) -> JsonResponse:
    return JsonResponse(timeline.envelope(analysis, start, end, points))


@finished
@with_timeline
@ranged
def beats(request, analysis, start, end, points) -> JsonResponse:
    return JsonResponse(timeline.beats(analysis, start, end))


@finished
@with_timeline
def windows(request: HttpRequest, analysis: Analysis) -> JsonResponse:
    return JsonResponse(timeline.windows(analysis))


@login_required
def table_row(request: HttpRequest, pk: int, row: int) -> JsonResponse:
    """One row of a beat table: its beat as the models read it, the table's median row, results."""
    analysis = own_analysis(request, pk)
    if analysis.status != Analysis.Status.SUCCEEDED or not analysis.recording.is_beat_table:
        return JsonResponse({"error": "This analysis has no beat-table rows."}, status=409)
    try:
        return JsonResponse(tables.row_beat(analysis, row))
    except IndexError as exc:
        return JsonResponse({"error": str(exc)}, status=404)
