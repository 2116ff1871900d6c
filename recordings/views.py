from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from analysis.models import Analysis
from recordings.forms import UploadForm
from recordings.ingest import UploadError, ingest
from recordings.models import Recording


def own_recording(request: HttpRequest, pk: int) -> Recording:
    """The request user's recording, or 404: other users' recordings do not exist for them."""
    return get_object_or_404(Recording, pk=pk, owner=request.user)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    recordings = request.user.recordings.prefetch_related("analyses")
    return render(request, "recordings/dashboard.html", {"recordings": recordings})


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
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
    analyses = recording.analyses.all()
    refresh = any(not a.done for a in analyses)
    return render(
        request,
        "recordings/detail.html",
        {"recording": recording, "analyses": analyses, "refresh": refresh},
    )


@login_required
def download_file(request: HttpRequest, pk: int, name: str) -> FileResponse:
    stored = get_object_or_404(own_recording(request, pk).files, name=name)
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.name)


@login_required
@require_http_methods(["GET", "POST"])
def delete_recording(request: HttpRequest, pk: int) -> HttpResponse:
    recording = own_recording(request, pk)
    if request.method == "POST":
        recording.delete()
        messages.success(request, f"Deleted {recording.name} and its files.")
        return redirect("dashboard")
    return render(request, "recordings/delete.html", {"recording": recording})
