"""A recording whose header gives the clock time of its first sample keeps it: the recording page,
the report (its header and each finding's example) and the API show clock times, as a Holter
report does, while times into the recording stay the time base of every export."""

from datetime import datetime

from django.urls import reverse

from analysis.report import findings_of
from recordings.models import Recording
from tests.platform.helpers import analysed_upload, make_csv, upload_file, wfdb_slice
from tests.platform.test_report_pdf_print import page_texts

START = datetime(2026, 11, 30, 23, 59, 30)


def test_clock_times_of_a_recording_that_gives_its_start(alice_client, mitdb, tmp_path):
    analysis = analysed_upload(alice_client, wfdb_slice(mitdb, "119", 60, tmp_path, start=START))
    recording = analysis.recording
    assert recording.clock_start == "2026-11-30T23:59:30"
    assert recording.clock_at(10.4) == "23:59:40"
    assert recording.clock_at(45) == "2026-12-01 00:00:15"  # past midnight: the date is given

    page = alice_client.get(reverse("recording_detail", args=[recording.pk])).content.decode()
    assert "2026-11-30 23:59:30 (the file's clock)" in page
    event = analysis.events.order_by("start_s").first()
    assert f'<small class="by-clock">{recording.clock_at(event.start_s)}</small>' in page

    finding = findings_of(analysis)[0]
    assert finding.clock == recording.clock_at(finding.example.start_s) != ""
    assert finding.example_at.endswith(f"({finding.clock})")
    report = alice_client.get(reverse("analysis_report", args=[analysis.pk])).content.decode()
    assert "started 2026-11-30 23:59:30 by the file's clock" in report
    assert f"example at {finding.example_at}" in report
    pdf = alice_client.get(reverse("analysis_report_pdf", args=[analysis.pk])).content
    assert "2026-11-30 23:59:30" in page_texts(pdf)

    questionnaire = reverse("questionnaire", args=[recording.pk])
    alice_client.post(questionnaire, {"time_base": "clock", "palpitations_at": "0:00:10"})
    report = alice_client.get(reverse("analysis_report", args=[analysis.pk])).content.decode()
    assert "0:00:40 (2026-12-01 00:00:10)" in report  # the symptom, at both times

    api = alice_client.get(f"/api/v1/recordings/{recording.pk}/").json()
    assert api["clock_start"] == "2026-11-30T23:59:30"
    results = alice_client.get(reverse("analysis_results_json", args=[analysis.pk])).json()
    assert results["recording"]["clock_start"] == "2026-11-30T23:59:30"


def test_a_file_without_a_clock_has_none(alice_client, tmp_path):
    path = make_csv(tmp_path / "plain.csv")
    response = alice_client.post(
        reverse("upload"), {"files": [upload_file(path)], "sampling_rate": 250}
    )
    assert response.status_code == 302
    recording = Recording.objects.get(name="plain")
    assert recording.clock_start == "" and recording.clock_at(10.0) == ""
    page = alice_client.get(reverse("recording_detail", args=[recording.pk])).content.decode()
    assert "the file's clock" not in page and 'class="by-clock"' not in page
