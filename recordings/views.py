"""Pages: the dashboard (history), upload, a recording with its timeline, the questionnaire and
the report, downloads, re-run and delete."""

import csv
import json
from datetime import datetime, time
from math import ceil

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST

from analysis import pdf, tables, timeline
from analysis.event_list import event_list
from analysis.models import Analysis, Event, with_latest_analysis
from analysis.report import build_report
from analysis.views import own_analysis
from ecgsite.api import UploadRateThrottle
from mlcore.findings import EVENT_TYPES
from recordings.forms import QuestionnaireForm, UploadForm
from recordings.ingest import UploadError, ingest
from recordings.models import Recording

STATUSES = ["uploaded", *Analysis.Status.values]


def own_recording(request: HttpRequest, pk: int) -> Recording:
    """The request user's recording, or 404: other users' recordings do not exist for them."""
    return get_object_or_404(Recording, pk=pk, owner=request.user)


def parse_day(value: str | None):
    try:
        return datetime.strptime(value, "%Y-%m-%d").date() if value else None
    except ValueError:
        return None


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The user's recordings, newest first, with their latest analysis; filters by date and status."""
    recordings = with_latest_analysis(request.user.recordings.prefetch_related("analyses"))
    start, end = parse_day(request.GET.get("from")), parse_day(request.GET.get("to"))
    status = request.GET.get("status", "")
    tz = timezone.get_current_timezone()
    if start:
        recordings = recordings.filter(created__gte=datetime.combine(start, time.min, tz))
    if end:
        recordings = recordings.filter(created__lte=datetime.combine(end, time.max, tz))
    if status in STATUSES:
        recordings = recordings.filter(latest_status=status)
    elif status == "flagged":
        recordings = recordings.filter(latest_flagged=True)
    filters = {
        "from": start.isoformat() if start else "",
        "to": end.isoformat() if end else "",
        "status": status,
    }
    return render(
        request,
        "recordings/dashboard.html",
        {
            "recordings": recordings,
            "filters": filters,
            "filtered": any(filters.values()),
            "statuses": [*STATUSES, "flagged"],
        },
    )


def over_upload_budget(request: HttpRequest) -> str:
    """Spends one of the user's uploads and re-runs (the API's budget: pages and API share it);
    over it, the message to show."""
    budget = UploadRateThrottle()
    if budget.allow_request(request, None):
        return ""
    minutes = max(1, ceil((budget.wait() or 0) / 60))
    return f"Too many uploads or re-runs for now: try again in {minutes} min."


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and (over := over_upload_budget(request)):
        form.add_error(None, over)
        return render(request, "recordings/upload.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                recording = ingest(
                    request.user,
                    form.cleaned_data["name"],
                    form.cleaned_data["files"],
                    fs=form.cleaned_data["sampling_rate"],
                )
                Analysis.start(recording)
        except UploadError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Uploaded {recording.name}; the analysis is queued.")
            return redirect(recording)
    status = 400 if form.errors else 200
    return render(request, "recordings/upload.html", {"form": form}, status=status)


@login_required
def recording_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recording = own_recording(request, pk)
    analyses = list(recording.analyses.all())
    latest = analyses[0] if analyses else None
    # The newest analysis with results: a re-run in progress (or failed) keeps the last timeline.
    shown = next((a for a in analyses if a.status == Analysis.Status.SUCCEEDED), None)
    if recording.is_beat_table:
        return table_detail(request, recording, analyses, shown)
    return render(
        request,
        "recordings/detail.html",
        {
            "recording": recording,
            "analyses": analyses,
            "latest": latest,
            "shown": shown,
            "listed": event_list(request, shown.events.all()) if shown else None,
            "running": any(not a.done for a in analyses),
            "event_names": EVENT_TYPES,
            "questionnaire": getattr(recording, "questionnaire", None),
        },
    )


ROWS_LISTED = 100


def table_detail(request: HttpRequest, recording: Recording, analyses, shown) -> HttpResponse:
    """A beat table's page: counts per class, agreement with the file's labels, the most
    anomalous rows (click one to see its beat)."""
    return render(
        request,
        "recordings/table_detail.html",
        {
            "recording": recording,
            "analyses": analyses,
            "shown": shown,
            "running": any(not a.done for a in analyses),
            "rows": tables.most_anomalous(shown, ROWS_LISTED) if shown else [],
            "classes": tables.class_counts(shown.summary) if shown else [],
            "confusion": tables.confusion_rows(shown.summary) if shown else [],
        },
    )


@login_required
@require_POST
def rerun(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a new analysis of the recording; earlier ones stay in its history."""
    recording = own_recording(request, pk)
    if over := over_upload_budget(request):
        messages.error(request, over)
        return redirect(recording)
    try:
        Analysis.rerun(recording)
    except Analysis.AlreadyRunning as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "A new analysis is queued; the earlier ones stay below.")
    return redirect(recording)


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, pk: int) -> HttpResponse:
    recording = own_recording(request, pk)
    if recording.is_beat_table:
        messages.error(request, Recording.NO_QUESTIONNAIRE)
        return redirect(recording)
    existing = getattr(recording, "questionnaire", None)
    form = QuestionnaireForm(
        request.POST or None, recording=recording, initial=QuestionnaireForm.initial_for(existing)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Thank you: your answers are saved and used in the report.")
        done = recording.analyses.filter(status=Analysis.Status.SUCCEEDED).first()
        if done:
            return redirect("analysis_report", done.pk)
        return redirect(recording)
    status = 400 if form.errors else 200
    return render(
        request,
        "recordings/questionnaire.html",
        {"recording": recording, "form": form},
        status=status,
    )


def finished_analysis(request: HttpRequest, pk: int) -> Analysis | None:
    analysis = own_analysis(request, pk)
    return analysis if analysis.status == Analysis.Status.SUCCEEDED else None


def no_report(request: HttpRequest, analysis: Analysis) -> HttpResponse:
    messages.error(
        request,
        "A beat table has no diagnostic report: its rows are separate beats, not a recording. "
        "Its results are on this page and in its CSV.",
    )
    return redirect(analysis.recording)


def not_ready(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = own_analysis(request, pk)
    messages.error(
        request, f"Analysis {analysis.pk} is {analysis.status}; its results are not ready."
    )
    return redirect(analysis.recording)


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = finished_analysis(request, pk)
    if analysis is None:
        return not_ready(request, pk)
    if analysis.recording.is_beat_table:
        return no_report(request, analysis)
    return render(
        request, "report/report.html", {"report": build_report(analysis), "analysis": analysis}
    )


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = finished_analysis(request, pk)
    if analysis is None:
        return not_ready(request, pk)
    if analysis.recording.is_beat_table:
        return no_report(request, analysis)
    response = HttpResponse(pdf.report_pdf(build_report(analysis)), content_type="application/pdf")
    name = f"beatline-{slugify(analysis.recording.name) or 'recording'}-{analysis.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def event_strip(request: HttpRequest, pk: int, event_id: int) -> HttpResponse:
    """A PNG strip of the ECG around one event of the user's analysis."""
    analysis = finished_analysis(request, pk)
    if analysis is None:
        return not_ready(request, pk)
    event = get_object_or_404(Event, pk=event_id, analysis=analysis)
    response = HttpResponse(pdf.event_strip_png(analysis, event), content_type="image/png")
    response["Cache-Control"] = "private, max-age=86400"
    return response


def attachment_name(analysis: Analysis, what: str) -> str:
    return f"beatline-{slugify(analysis.recording.name) or 'recording'}-{analysis.pk}-{what}"


class Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def beats_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every beat: time, AAMI class, classifier confidence, anomaly score."""
    analysis = finished_analysis(request, pk)
    if analysis is None:
        return not_ready(request, pk)
    if analysis.recording.is_beat_table:
        return rows_csv(analysis)
    arrays = timeline.results(analysis)
    classes = "NSVFQ"
    writer = csv.writer(Echo())

    def rows():
        yield writer.writerow(["time_s", "class", "confidence", "anomaly_score"])
        for t, c, conf, score in zip(
            arrays["beat_times_s"],
            arrays["beat_classes"],
            arrays["beat_confidence"],
            arrays["beat_scores"],
            strict=True,
        ):
            yield writer.writerow([f"{t:.4f}", classes[int(c)], f"{conf:.4f}", f"{score:.6f}"])

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    name = attachment_name(analysis, "beats.csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def rows_csv(analysis: Analysis) -> HttpResponse:
    """Every row of a beat table: its number, the file's label, class, confidence, anomaly score."""
    fields = ["row", "label", "class", "confidence", "score"]
    writer = csv.writer(Echo())
    found = tables.Rows(analysis)

    def rows():
        yield writer.writerow(fields)
        for start in range(0, len(found), 1000):
            for row in found[start : start + 1000]:
                yield writer.writerow([row[key] for key in fields])

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    name = attachment_name(analysis, "rows.csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


EVENT_FIELDS = [
    "id",
    "type",
    "start_s",
    "end_s",
    "lead",
    "severity",
    "score",
    "beats",
    "description",
]


@login_required
def events_csv(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = finished_analysis(request, pk)
    if analysis is None:
        return not_ready(request, pk)
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="{attachment_name(analysis, "events.csv")}"'
    )
    writer = csv.writer(response)
    writer.writerow(EVENT_FIELDS)
    for row in analysis.events.values_list(*EVENT_FIELDS):
        writer.writerow(row)
    return response


@login_required
def results_json(request: HttpRequest, pk: int) -> HttpResponse:
    """Summary, model versions and events of one analysis as one JSON document."""
    analysis = finished_analysis(request, pk)
    if analysis is None:
        return not_ready(request, pk)
    recording = analysis.recording
    body = {
        "recording": {
            "name": recording.name,
            "format": recording.format,
            "sampling_rate": recording.sampling_rate,
            "leads": recording.lead_names,
            "duration_s": recording.duration_s,
        },
        "analysis": {
            "id": analysis.pk,
            "status": analysis.status,
            "finished": analysis.finished.isoformat() if analysis.finished else None,
            "flagged": analysis.flagged,
            "model_versions": analysis.model_versions,
        },
        "summary": analysis.summary,
        "events": list(analysis.events.values(*EVENT_FIELDS)),
    }
    response = HttpResponse(json.dumps(body, indent=1), content_type="application/json")
    name = attachment_name(analysis, "results.json")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def download_file(request: HttpRequest, pk: int, name: str) -> FileResponse:
    return get_object_or_404(own_recording(request, pk).files.named(name)).download()


@login_required
@require_http_methods(["GET", "POST"])
def delete_recording(request: HttpRequest, pk: int) -> HttpResponse:
    recording = own_recording(request, pk)
    if request.method == "POST":
        recording.delete_with_files()
        messages.success(request, f"Deleted {recording.name} and its files.")
        return redirect("dashboard")
    return render(request, "recordings/delete.html", {"recording": recording})
