"""The same quantity has the same decimals in every export, without float32 noise (0.791, not
0.7910000085830688), and every CSV column has a fixed number of decimals."""

import csv
import io

import numpy as np
import pytest
from django.urls import reverse

from analysis.models import Analysis
from mlcore.readers import read_ucr
from tests.platform.helpers import analysed_upload, upload_file, wfdb_slice


@pytest.fixture
def analysis(alice_client, mitdb, tmp_path) -> Analysis:
    return analysed_upload(alice_client, wfdb_slice(mitdb, "119", 60, tmp_path))


def csv_rows(client, name: str, analysis: Analysis) -> list[dict]:
    response = client.get(reverse(name, args=[analysis.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode())))


def decimals(rows: list[dict], column: str) -> set[int]:
    return {len(row[column].partition(".")[2]) for row in rows}


def clean(values: list[float], places: int) -> bool:
    """Whether every value is its decimal rounding: float32 noise is not."""
    return all(round(v, places) == v for v in values)


def test_beats_have_the_same_numbers_in_the_csv_and_the_json(alice_client, analysis):
    rows = csv_rows(alice_client, "analysis_beats_csv", analysis)
    assert decimals(rows, "time_s") == {6}
    assert decimals(rows, "confidence") == {4}
    assert decimals(rows, "anomaly_score") == {6}
    page = alice_client.get(reverse("analysis_beats", args=[analysis.pk])).json()
    assert page["time_s"] == [float(row["time_s"]) for row in rows]
    assert page["confidence"] == [float(row["confidence"]) for row in rows]
    assert page["score"] == [float(row["anomaly_score"]) for row in rows]
    assert clean(page["confidence"], 4) and clean(page["score"], 6)

    windows = alice_client.get(reverse("analysis_windows", args=[analysis.pk])).json()
    assert clean(windows["abnormal_frac"], 3) and clean(windows["max_score"], 6)
    assert clean([v for v in windows["hr_bpm"] if v is not None], 1)


def test_events_csv_columns_have_fixed_decimals(alice_client, analysis):
    rows = csv_rows(alice_client, "analysis_events_csv", analysis)
    assert rows
    for column in ("start_s", "end_s", "score"):
        assert decimals(rows, column) == {6}, column
    listed = alice_client.get(reverse("analysis_events", args=[analysis.pk])).json()["events"]
    assert [e["score"] for e in listed] == [float(row["score"]) for row in rows]


def test_beat_table_rows_have_the_same_numbers_in_the_csv_and_the_json(
    alice_client, ecg5000, tmp_path
):
    table = read_ucr(ecg5000 / "ECG5000_TEST.tsv")
    path = tmp_path / "beats.tsv"
    np.savetxt(path, np.column_stack([table.labels[:40], table.beats[:40]]), "%.6g", "\t")
    analysis = analysed_upload(alice_client, [upload_file(path)])
    rows = csv_rows(alice_client, "analysis_beats_csv", analysis)
    assert len(rows) == 40
    assert decimals(rows, "confidence") == {4} and decimals(rows, "score") == {6}
    row = alice_client.get(reverse("analysis_table_row", args=[analysis.pk, 7])).json()
    assert row["confidence"] == float(rows[6]["confidence"])
    assert row["score"] == float(rows[6]["score"])
    assert clean(row["beat"], 4) and clean(row["median"], 4)
