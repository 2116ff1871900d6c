"""Events join exactly to beats: every export rounds times in seconds the same way (6 decimals), so
a PVC's start_s is its beat's time_s and start_s <= time_s <= end_s selects the event's beats."""

import csv
import io
import json

import pytest
from django.urls import reverse

from analysis.models import Analysis
from tests.platform.helpers import analysed_upload, wfdb_slice

# Event types whose ``beats`` are exactly the beats from start_s to end_s (anomaly events bridge
# beats they do not count; vf and unreadable count none).
SPANNING = {
    "pvc",
    "pac",
    "v_couplet",
    "s_couplet",
    "v_run",
    "s_run",
    "bigeminy",
    "trigeminy",
    "af",
    "pause",
    "bradycardia",
    "tachycardia",
}


@pytest.fixture
def analysis(alice_client, mitdb, tmp_path) -> Analysis:
    """A minute of record 119: PVCs in bigeminy and trigeminy."""
    return analysed_upload(alice_client, wfdb_slice(mitdb, "119", 60, tmp_path))


def download(client, name: str, analysis: Analysis) -> str:
    response = client.get(reverse(name, args=[analysis.pk]))
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_every_event_selects_its_beats_in_the_csvs_and_the_json(alice_client, analysis):
    beats = list(
        csv.DictReader(io.StringIO(download(alice_client, "analysis_beats_csv", analysis)))
    )
    events = list(
        csv.DictReader(io.StringIO(download(alice_client, "analysis_events_csv", analysis)))
    )
    times = [float(beat["time_s"]) for beat in beats]
    as_text = {beat["time_s"] for beat in beats}
    spanning = [event for event in events if event["type"] in SPANNING]
    assert any(event["type"] == "pvc" for event in spanning)
    for event in spanning:
        start, end = float(event["start_s"]), float(event["end_s"])
        assert sum(start <= t <= end for t in times) == int(event["beats"]), event
        assert event["start_s"] in as_text and event["end_s"] in as_text, event

    page = alice_client.get(reverse("analysis_beats", args=[analysis.pk])).json()
    assert page["time_s"] == times
    listed = alice_client.get(reverse("analysis_events", args=[analysis.pk])).json()["events"]
    results = json.loads(download(alice_client, "analysis_results_json", analysis))["events"]
    assert results == listed
    for event in listed:
        if event["type"] in SPANNING:
            inside = [t for t in page["time_s"] if event["start_s"] <= t <= event["end_s"]]
            assert len(inside) == event["beats"]
            assert inside[0] == event["start_s"] and inside[-1] == event["end_s"]
    assert [(e["start_s"], e["end_s"]) for e in listed] == [
        (float(e["start_s"]), float(e["end_s"])) for e in events
    ]


def test_beats_join_the_files_own_annotations_by_sample(alice_client, analysis, mitdb):
    """119's beats, by their ``sample``, sit on the reference annotations of the MIT-BIH file
    (``.atr`` counts samples), and every V beat of ours is on a reference V beat."""
    import wfdb

    reference = wfdb.rdann(str(mitdb / "119"), "atr", sampto=60 * 360)
    symbols = dict(zip(reference.sample.tolist(), reference.symbol, strict=True))
    beats = list(
        csv.DictReader(io.StringIO(download(alice_client, "analysis_beats_csv", analysis)))
    )
    assert all(int(beat["sample"]) == round(float(beat["time_s"]) * 360) for beat in beats)
    nearest = [min(symbols, key=lambda s: abs(s - int(beat["sample"]))) for beat in beats]
    off_by = [abs(s - int(beat["sample"])) for s, beat in zip(nearest, beats, strict=True)]
    assert sorted(off_by)[int(0.95 * len(off_by))] <= 3  # R peaks within 3 samples (8 ms)
    v_beats = [s for s, beat in zip(nearest, beats, strict=True) if beat["class"] == "V"]
    assert v_beats and all(symbols[s] == "V" for s in v_beats)
