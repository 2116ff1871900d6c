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
