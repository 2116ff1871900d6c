"""Pages: the dashboard (history), upload, a recording with its timeline, the questionnaire and
the report, downloads, re-run and delete."""

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST

from analysis import exports, pdf, tables
from analysis.event_list import event_list
from analysis.models import Analysis, Event, scored_against_annotations, with_latest_analysis
from analysis.report import build_report
from analysis.views import own_analysis
from ecgsite.api import UploadRateThrottle
from mlcore.agreement import pooled
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


@login_required
def agreement(request: HttpRequest) -> HttpResponse:
    """How the analyses agree with the beat annotations the files carry: each annotated
    recording's latest analysis, and all of them pooled."""
    analyses = scored_against_annotations(request.user)
    context = {
        "analyses": analyses,
        "pooled": pooled([a.agreement for a in analyses]),
        "classifiers": sorted({a.model_versions.get("classifier", "?") for a in analyses}),
    }
    return render(request, "recordings/agreement.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    budget = UploadRateThrottle()  # the API's budget: pages and API share it
    if request.method == "POST" and not budget.allow_request(request, None):
        form.add_error(None, budget.spent_message())
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
    if form.errors:
        budget.refund()  # a refused upload stored nothing: it does not spend the budget
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
    budget = UploadRateThrottle()  # the API's budget: pages and API share it
    if not budget.allow_request(request, None):
        messages.error(request, budget.spent_message())
        return redirect(recording)
    try:
        Analysis.rerun(recording)
    except Analysis.AlreadyRunning as exc:
        budget.refund()  # a refused re-run does not spend the budget
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


NO_REPORT = (
    "A beat table has no diagnostic report: its rows are separate beats, not a recording. "
    "Its results are on its recording page and in its CSV."
)


def not_downloadable(analysis: Analysis, as_json: bool = False) -> HttpResponse | None:
    """For a file download of an analysis that has not succeeded, a 409 saying why (as JSON for a
    .json file); None once it has. Not a redirect to a page: ``curl -o`` would save its HTML, and
    every poll would leave a message for the next page."""
    if analysis.status == Analysis.Status.SUCCEEDED:
        return None
    if as_json:
        return exports.no_results_json(analysis)
    return download_refused(exports.no_results(analysis))


def download_refused(message: str) -> HttpResponse:
    """A 409 with the reason as plain text: what ``curl -o`` saves in place of the file."""
    return HttpResponse(f"{message}\n", status=409, content_type="text/plain; charset=utf-8")


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = own_analysis(request, pk)
    if analysis.status != Analysis.Status.SUCCEEDED:  # a page: back to the recording, with why
        messages.error(request, exports.no_results(analysis))
        return redirect(analysis.recording)
    if analysis.recording.is_beat_table:
        messages.error(request, NO_REPORT)
        return redirect(analysis.recording)
    return render(
        request, "report/report.html", {"report": build_report(analysis), "analysis": analysis}
    )


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = own_analysis(request, pk)
    if refused := not_downloadable(analysis):
        return refused
    if analysis.recording.is_beat_table:
        return download_refused(NO_REPORT)
    response = HttpResponse(pdf.report_pdf(build_report(analysis)), content_type="application/pdf")
    name = f"beatline-{slugify(analysis.recording.name) or 'recording'}-{analysis.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def event_strip(request: HttpRequest, pk: int, event_id: int) -> HttpResponse:
    """A PNG strip of the ECG around one event of the user's analysis."""
    analysis = own_analysis(request, pk)
    if refused := not_downloadable(analysis):
        return refused
    return exports.event_strip(analysis, get_object_or_404(Event, pk=event_id, analysis=analysis))


@login_required
def beats_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every beat (``analysis.exports.beats_csv``); the API answers the same bytes."""
    analysis = own_analysis(request, pk)
    if refused := not_downloadable(analysis):
        return refused
    return exports.beats_csv(analysis)


@login_required
def events_csv(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = own_analysis(request, pk)
    if refused := not_downloadable(analysis):
        return refused
    return exports.events_csv(analysis)


@login_required
def results_json(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = own_analysis(request, pk)
    if refused := not_downloadable(analysis, as_json=True):
        return refused
    return exports.results_json(analysis)


@login_required
def download_file(request: HttpRequest, pk: int, name: str) -> FileResponse:
    return get_object_or_404(own_recording(request, pk).files.named(name)).download()


@login_required
@require_http_methods(["GET", "POST"])
def delete_recording(request: HttpRequest, pk: int) -> HttpResponse:
    recording = own_recording(request, pk)
    if request.method == "POST":
        recording.delete()
        messages.success(request, f"Deleted {recording.name} and its files.")
        return redirect("dashboard")
    return render(request, "recordings/delete.html", {"recording": recording})
