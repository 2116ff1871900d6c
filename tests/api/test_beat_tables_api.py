"""The REST API for beat tables: upload, rows by page, one row, and the endpoints a table lacks."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from analysis.models import Analysis
from mlcore.readers import read_ucr
from tests.api.helpers import API, assert_error
from tests.platform.helpers import run_analysis_inline


@pytest.fixture
def table_analysis(api_alice, ecg5000, tmp_path) -> Analysis:
    table = read_ucr(ecg5000 / "ECG5000_TEST.tsv")
    path = tmp_path / "rows.tsv"
    np.savetxt(path, np.column_stack([table.labels[:120], table.beats[:120]]), delimiter="\t")
    upload = SimpleUploadedFile("rows.tsv", path.read_bytes())
    response = api_alice.post(f"{API}/recordings/", {"files": [upload]}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["format"] == "ucr" and body["sampling_rate"] is None
    analysis = Analysis.objects.get(recording_id=body["id"])
    run_analysis_inline(analysis.pk)
    analysis.refresh_from_db()
    assert analysis.status == "succeeded", analysis.error
    return analysis


def test_rows_come_by_page_in_file_order(api_alice, table_analysis):
    first = api_alice.get(f"{API}/analyses/{table_analysis.pk}/rows/?page_size=100").json()
    assert first["count"] == 120 and len(first["results"]) == 100
    assert [row["row"] for row in first["results"][:3]] == [1, 2, 3]
    second = api_alice.get(first["next"]).json()
    assert [row["row"] for row in second["results"]] == list(range(101, 121))
    classes = [row["class"] for row in first["results"] + second["results"]]
    summary = api_alice.get(f"{API}/analyses/{table_analysis.pk}/").json()["summary"]
    assert {name: classes.count(name) for name in summary["classes"]} == summary["classes"]


def test_one_row_has_its_beat(api_alice, table_analysis):
    body = api_alice.get(f"{API}/analyses/{table_analysis.pk}/rows/120/").json()
    assert body["row"] == 120 and len(body["beat"]) == 140
    missing = api_alice.get(f"{API}/analyses/{table_analysis.pk}/rows/121/")
    assert "between 1 and 120" in assert_error(missing, 404, "not_found")["message"]


def test_timeline_and_report_answer_409_for_a_table(api_alice, table_analysis):
    for what in ("envelope", "beats", "windows", "report", "report.pdf"):
        slash = "" if what.endswith(".pdf") else "/"
        response = api_alice.get(f"{API}/analyses/{table_analysis.pk}/{what}{slash}")
        assert "no timeline" in assert_error(response, 409, "beat_table")["message"]


def test_a_table_has_no_questionnaire(api_alice, table_analysis):
    url = f"{API}/recordings/{table_analysis.recording_id}/questionnaire/"
    for response in (api_alice.get(url), api_alice.put(url, {"palpitations": True}, format="json")):
        assert "no symptom questionnaire" in assert_error(response, 409, "beat_table")["message"]


def test_rows_of_a_recording_answer_409(api_alice, alices_objects):
    response = api_alice.get(f"{API}/analyses/{alices_objects.analysis.pk}/rows/")
    assert_error(response, 409, "not_a_beat_table")


def test_another_user_gets_404(api_bob, table_analysis):
    for path in ("rows/", "rows/1/"):
        response = api_bob.get(f"{API}/analyses/{table_analysis.pk}/{path}")
        assert_error(response, 404, "not_found")
