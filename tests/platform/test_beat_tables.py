"""UCR/ECG5000 beat tables: upload, analysis by the ECG5000 models, page, rows and downloads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from django.urls import reverse

from analysis import pipeline
from analysis.models import Analysis
from mlcore.datasets import ECG5000_CLASSES
from mlcore.infer import analyse_table, load_table_models
from mlcore.readers import read_ucr
from recordings.models import Recording
from tests.platform.helpers import analysed_upload, run_analysis_inline, upload_file

ROWS = 300


def write_rows(path: Path, labels: np.ndarray, beats: np.ndarray) -> Path:
    np.savetxt(path, np.column_stack([labels, beats]), delimiter="\t", fmt="%.6g")
    return path


@pytest.fixture
def table_file(ecg5000, tmp_path) -> Path:
    """The first 300 rows of the ECG5000 test set, as a user would upload them."""
    table = read_ucr(ecg5000 / "ECG5000_TEST.tsv")
    return write_rows(tmp_path / "beats.tsv", table.labels[:ROWS], table.beats[:ROWS])


@pytest.fixture
def table_analysis(alice_client, table_file) -> Analysis:
    return analysed_upload(alice_client, [upload_file(table_file)])


def test_upload_stores_a_beat_table_and_its_analysis_classifies_every_row(
    table_analysis, table_file
):
    recording = table_analysis.recording
    assert recording.format == "ucr" and recording.is_beat_table
    assert recording.sampling_rate is None and recording.lead_names == []
    assert recording.n_samples == ROWS * 140
    summary = table_analysis.summary
    assert summary["rows"] == ROWS
    assert sum(summary["classes"].values()) == ROWS
    assert summary["agreement"]["accuracy"] > 0.9
    assert table_analysis.model_versions["classifier"].startswith("cnn-ecg5000@")
    assert table_analysis.events.count() == 0 and not table_analysis.flagged
    expected = analyse_table(read_ucr(table_file), load_table_models())
    counts = np.bincount(expected.classes, minlength=5).tolist()
    assert [summary["classes"][name] for name in ECG5000_CLASSES] == counts


def test_page_lists_the_most_anomalous_rows_first(alice_client, table_analysis):
    page = alice_client.get(table_analysis.recording.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "The most anomalous rows" in text and "Timeline" not in text
    scores = [row["score"] for row in page.context["rows"]]
    assert len(scores) == 100 and scores == sorted(scores, reverse=True)
    assert [key for key, _, _ in page.context["classes"]] == list(ECG5000_CLASSES)
    assert page.context["confusion"][0][0] == "normal"


def test_row_json_gives_the_beat_and_refuses_rows_outside_the_table(alice_client, table_analysis):
    url = reverse("analysis_table_row", args=[table_analysis.pk, 7])
    body = alice_client.get(url).json()
    assert body["row"] == 7 and len(body["beat"]) == 140 and len(body["median"]) == 140
    assert body["class"] in ("normal", "R-on-T", "PVC", "SP-EB", "UB")
    for row in (0, ROWS + 1):
        missing = alice_client.get(reverse("analysis_table_row", args=[table_analysis.pk, row]))
        assert missing.status_code == 404 and "between 1 and 300" in missing.json()["error"]


def test_rows_csv_has_one_line_per_row(alice_client, table_analysis):
    response = alice_client.get(reverse("analysis_beats_csv", args=[table_analysis.pk]))
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "row,label,class,confidence,score"
    assert len(lines) == ROWS + 1 and lines[1].startswith("1,")


def test_timeline_and_report_say_a_table_has_none(alice_client, table_analysis):
    for name in ("analysis_envelope", "analysis_beats", "analysis_windows"):
        response = alice_client.get(reverse(name, args=[table_analysis.pk]))
        assert response.status_code == 409 and "no timeline" in response.json()["error"]
    response = alice_client.get(reverse("analysis_report", args=[table_analysis.pk]), follow=True)
    assert response.redirect_chain[-1][0] == table_analysis.recording.get_absolute_url()
    assert "has no diagnostic report" in response.content.decode()
    pdf = alice_client.get(reverse("analysis_report_pdf", args=[table_analysis.pk]))
    assert pdf.status_code == 409 and pdf["Content-Type"].startswith("text/plain")
    assert "has no diagnostic report" in pdf.content.decode()


def test_a_table_has_no_questionnaire(alice_client, table_analysis):
    recording = table_analysis.recording
    url = reverse("questionnaire", args=[recording.pk])
    for response in (
        alice_client.get(url, follow=True),
        alice_client.post(url, {"palpitations": "on"}, follow=True),
    ):
        assert response.redirect_chain[-1][0] == recording.get_absolute_url()
        assert "no symptom questionnaire" in response.content.decode()
    assert not hasattr(Recording.objects.get(pk=recording.pk), "questionnaire")


def test_another_user_sees_nothing(bob_client, table_analysis):
    assert bob_client.get(table_analysis.recording.get_absolute_url()).status_code == 404
    row = reverse("analysis_table_row", args=[table_analysis.pk, 1])
    assert bob_client.get(row).status_code == 404


def test_a_row_json_of_a_recording_is_refused(alice_client, alice, table_analysis):
    recording = Recording.objects.create(
        owner=alice, name="r", format="csv", main_file="r.csv", n_samples=1, duration_s=1.0
    )
    analysis = Analysis.objects.create(recording=recording, status="succeeded")
    response = alice_client.get(reverse("analysis_table_row", args=[analysis.pk, 1]))
    assert response.status_code == 409


def test_rows_of_another_length_are_refused_with_a_message(alice_client, alice, tmp_path):
    path = write_rows(
        tmp_path / "ecg200.tsv", np.ones(20), np.random.default_rng(0).random((20, 96))
    )
    response = alice_client.post(reverse("upload"), {"files": [upload_file(path)]})
    assert response.status_code == 400
    assert "beats of 140 samples" in response.content.decode()
    assert not Recording.objects.filter(owner=alice).exists()


def test_a_table_without_ecg5000_labels_is_analysed_without_agreement(
    alice_client, tmp_path, ecg5000
):
    table = read_ucr(ecg5000 / "ECG5000_TRAIN.tsv")
    path = write_rows(tmp_path / "unlabelled.tsv", np.zeros(50), table.beats[:50])
    analysis = analysed_upload(alice_client, [upload_file(path)])
    assert analysis.summary["agreement"] is None and analysis.summary["rows"] == 50
    page = alice_client.get(analysis.recording.get_absolute_url()).content.decode()
    assert "the labels are not ECG5000" in page


def test_a_table_deleted_while_its_analysis_ran_leaves_no_files(
    alice_client, table_file, monkeypatch, media_root, django_capture_on_commit_callbacks
):
    def analyse_then_delete(table, models):
        result = analyse_table(table, models)  # the owner deletes the recording meanwhile
        with django_capture_on_commit_callbacks(execute=True):
            Recording.objects.all().delete()
        return result

    monkeypatch.setattr(pipeline, "analyse_table", analyse_then_delete)
    alice_client.post(reverse("upload"), {"files": [upload_file(table_file)]})
    uid = str(Recording.objects.get().uid)
    run_analysis_inline(Analysis.objects.get().pk)
    assert not Analysis.objects.exists()
    assert [p for p in media_root.rglob("*") if p.is_file() or uid in p.parts] == []
