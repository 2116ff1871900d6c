"""The analysis function the worker runs, called directly."""

import pytest
from django.urls import reverse

from analysis import pipeline
from analysis.models import Analysis
from recordings.models import Recording
from tests.platform.helpers import upload_file


@pytest.fixture
def csv_analysis(alice_client, alice, ecg_csv) -> Analysis:
    alice_client.post(reverse("upload"), {"files": [upload_file(ecg_csv)], "sampling_rate": "250"})
    return Analysis.objects.get(recording__owner=alice)


def test_run_counts_beats_and_reports_heart_rate(csv_analysis):
    pipeline.run(csv_analysis.pk)
    csv_analysis.refresh_from_db()
    assert csv_analysis.status == "succeeded"
    assert csv_analysis.progress == 100
    assert csv_analysis.started is not None and csv_analysis.finished is not None
    # 25 synthetic beats, 0.8 s apart: 75 bpm.
    assert csv_analysis.summary["beats"] == 25
    assert csv_analysis.summary["hr_mean_bpm"] == pytest.approx(75, abs=0.5)


def test_run_is_not_repeated_once_finished(csv_analysis):
    pipeline.run(csv_analysis.pk)
    csv_analysis.refresh_from_db()
    finished = csv_analysis.finished
    pipeline.run(csv_analysis.pk)
    csv_analysis.refresh_from_db()
    assert csv_analysis.finished == finished


def test_unreadable_stored_file_fails_with_a_message(csv_analysis):
    stored = csv_analysis.recording.files.get()
    with open(stored.file.path, "w") as fh:
        fh.write("I,II\nnot,numbers\n")
    pipeline.run(csv_analysis.pk)
    csv_analysis.refresh_from_db()
    assert csv_analysis.status == "failed"
    assert "holter.csv" in csv_analysis.error


def test_missing_analysis_is_ignored(db):
    pipeline.run(987654)
    assert not Analysis.objects.exists()


def test_detail_page_shows_the_result(alice_client, csv_analysis):
    pipeline.run(csv_analysis.pk)
    recording = Recording.objects.get()
    page = alice_client.get(reverse("recording_detail", args=[recording.pk])).content.decode()
    assert "succeeded" in page
    assert '<td class="beats">25</td>' in page
