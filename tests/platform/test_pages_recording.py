"""Recording page: timeline, live progress, re-run, downloads, delete; owner only."""

import csv
import io
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse

from analysis.models import Analysis
from recordings.models import Recording
from tests.platform.helpers import analysed_upload, wfdb_slice


@pytest.fixture
def analysis(alice_client, mitdb, tmp_path) -> Analysis:
    return analysed_upload(alice_client, wfdb_slice(mitdb, "119", 60, tmp_path))


def test_recording_page_mounts_the_timeline_and_lists_events(alice_client, analysis):
    page = alice_client.get(reverse("recording_detail", args=[analysis.recording_id]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="timeline"' in html
    for name in ("analysis_envelope", "analysis_beats", "analysis_windows", "analysis_events"):
        assert f'"{reverse(name, args=[analysis.pk])}"' in html
    assert html.count('<tr class="event') == analysis.events.count() > 0
    assert 'http-equiv="refresh"' not in html
    for script in ("chart.umd.min.js", "chartjs-plugin-zoom.min.js", "timeline.js"):
        assert script in html
    # The browser libraries come from the install step, not from a CDN.
    assert finders.find("vendor/chart.umd.min.js") and finders.find("js/timeline.js")
    # Nothing is loaded from another host (a random token may well contain the letters "cdn").
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_running_analysis_polls_its_status_instead_of_refreshing(alice_client, ecg_csv):
    from tests.platform.helpers import upload_file

    alice_client.post(reverse("upload"), {"files": [upload_file(ecg_csv)], "sampling_rate": 250})
    recording = Recording.objects.get()
    analysis = recording.analyses.get()
    Analysis.objects.filter(pk=analysis.pk).update(status="running", progress=40)
    for url in (reverse("recording_detail", args=[recording.pk]), reverse("dashboard")):
        html = alice_client.get(url).content.decode()
        assert f'data-status-url="{reverse("analysis_status", args=[analysis.pk])}"' in html
        # The progress has a name, and its cell is a polite live region (progress.js says when
        # the analysis finishes).
        assert '<progress max="100" value="40" aria-label="Analysis progress">' in html
        assert '<td class="status-cell" aria-live="polite">' in html
        assert 'http-equiv="refresh"' not in html
        assert "js/progress.js" in html
    status = alice_client.get(reverse("analysis_status", args=[analysis.pk])).json()
    assert status == {
        "id": analysis.pk,
        "status": "running",
        "progress": 40,
        "error": "",
        "done": False,
    }


def test_rerun_keeps_the_history_and_refuses_while_running(alice_client, analysis):
    url = reverse("recording_rerun", args=[analysis.recording_id])
    assert alice_client.get(url).status_code == 405
    response = alice_client.post(url, follow=True)
    assert response.status_code == 200
    assert analysis.recording.analyses.count() == 2
    assert "A new analysis is queued" in response.content.decode()
    again = alice_client.post(url, follow=True)
    assert analysis.recording.analyses.count() == 2
    assert "already running" in again.content.decode()
    # While the re-run works, the page keeps the last results' timeline and polls the new one.
    rerun = analysis.recording.analyses.first()
    assert 'id="timeline"' in again.content.decode()
    assert f'data-analysis="{analysis.pk}"' in again.content.decode()
    assert reverse("analysis_status", args=[rerun.pk]) in again.content.decode()


def test_downloads_beats_and_events_as_csv_and_results_as_json(alice_client, analysis):
    beats = alice_client.get(reverse("analysis_beats_csv", args=[analysis.pk]))
    assert beats["Content-Type"] == "text/csv"
    assert "attachment" in beats["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(beats.streaming_content).decode())))
    assert rows[0] == ["time_s", "class", "confidence", "anomaly_score", "sample"]
    assert len(rows) - 1 == analysis.summary["beats"]
    assert {row[1] for row in rows[1:]} <= set("NSVFQ")
    assert all(0 <= float(row[2]) <= 1 for row in rows[1:])
    times = [float(row[0]) for row in rows[1:]]
    assert times == sorted(times) and 0 <= times[0] and times[-1] <= 60

    events = alice_client.get(reverse("analysis_events_csv", args=[analysis.pk])).content.decode()
    event_rows = list(csv.DictReader(io.StringIO(events)))
    assert len(event_rows) == analysis.events.count()
    assert {row["type"] for row in event_rows} == set(
        analysis.events.values_list("type", flat=True)
    )

    body = json.loads(
        alice_client.get(reverse("analysis_results_json", args=[analysis.pk])).content
    )
    assert body["summary"] == analysis.summary
    assert body["analysis"]["model_versions"] == analysis.model_versions
    assert len(body["events"]) == analysis.events.count()
    assert body["recording"]["leads"] == ["MLII", "V1"]


def test_delete_removes_the_recording_its_files_and_results(
    alice_client, analysis, django_capture_on_commit_callbacks
):
    recording = analysis.recording
    stored = [f.file.name for f in recording.files.all()]
    results = [analysis.artefacts["results"], *analysis.artefacts["envelope"]]
    assert all(default_storage.exists(name) for name in stored + results)
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("recording_delete", args=[recording.pk]))
    assert response.status_code == 302
    assert not Recording.objects.exists() and not Analysis.objects.exists()
    assert not any(default_storage.exists(name) for name in stored + results)


def test_a_rolled_back_delete_keeps_every_file(analysis, django_capture_on_commit_callbacks):
    recording, pk = analysis.recording, analysis.recording_id
    stored = [f.file.name for f in recording.files.all()]
    stored += [analysis.artefacts["results"], *analysis.artefacts["envelope"]]
    assert all(default_storage.exists(name) for name in stored)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            recording.delete()
            raise RuntimeError("a later step of the same transaction failed")
    assert Recording.objects.filter(pk=pk).exists()
    assert all(default_storage.exists(name) for name in stored)


def test_other_users_get_404_and_unfinished_results_never_500(alice_client, bob_client, analysis):
    event = analysis.events.first()
    urls = [
        reverse("recording_detail", args=[analysis.recording_id]),
        reverse("recording_rerun", args=[analysis.recording_id]),
        reverse("questionnaire", args=[analysis.recording_id]),
        reverse("analysis_report", args=[analysis.pk]),
        reverse("analysis_report_pdf", args=[analysis.pk]),
        reverse("event_strip", args=[analysis.pk, event.pk]),
        reverse("analysis_beats_csv", args=[analysis.pk]),
        reverse("analysis_events_csv", args=[analysis.pk]),
        reverse("analysis_results_json", args=[analysis.pk]),
    ]
    for url in urls:
        response = bob_client.post(url) if url == urls[1] else bob_client.get(url)
        assert response.status_code == 404, url
    assert analysis.recording.analyses.count() == 1

    Analysis.objects.filter(pk=analysis.pk).update(status="running")
    report = alice_client.get(urls[3], follow=True)  # a page: back to the recording, with why
    assert report.status_code == 200 and "results are not ready" in report.content.decode()
    for url in urls[
        4:
    ]:  # downloads: a 409 saying why (tests/platform/test_unfinished_downloads.py)
        response = alice_client.get(url)
        assert response.status_code == 409, url
        assert "results are not ready" in response.content.decode()
