"""Timeline JSON: envelopes by range and resolution, beats, windows, events; owner only."""

import pytest
from django.urls import reverse

from analysis.models import Analysis
from mlcore.infer import load_default_models
from tests.platform.helpers import analysed_upload, wfdb_slice


@pytest.fixture
def analysis(alice_client, alice, mitdb, tmp_path) -> Analysis:
    return analysed_upload(alice_client, wfdb_slice(mitdb, "119", 120, tmp_path))


def get(client, name, analysis, **params):
    return client.get(reverse(name, args=[analysis.pk]), params)


def test_whole_recording_envelope_is_coarse(alice_client, analysis):
    data = get(alice_client, "analysis_envelope", analysis, points=500).json()
    assert data["leads"] == ["MLII", "V1"]
    assert data["level"] > 0
    assert len(data["min"]) == len(data["max"]) == 2
    assert 120 <= len(data["min"][0]) * data["bin_s"] <= 121
    assert len(data["min"][0]) <= 500
    assert all(lo <= hi for lo, hi in zip(data["min"][0], data["max"][0], strict=True))


def test_zoomed_envelope_is_the_signal(alice_client, analysis):
    data = get(alice_client, "analysis_envelope", analysis, start=10, end=12, points=2000).json()
    assert data["level"] == 0
    assert data["bin_s"] == pytest.approx(1 / 360)
    assert data["start_s"] == pytest.approx(10)
    assert len(data["min"][0]) == 720
    assert data["min"] == data["max"]
    assert max(data["max"][0]) > 0.3  # R waves of a few tenths of a millivolt at least


def test_beats_windows_and_events(alice_client, analysis):
    beats = get(alice_client, "analysis_beats", analysis, start=30, end=60).json()
    assert beats["classes"] == ["N", "S", "V", "F", "Q"]
    assert 25 < len(beats["time_s"]) < 60
    assert all(30 <= t < 60 for t in beats["time_s"])
    windows = get(alice_client, "analysis_windows", analysis).json()
    assert len(windows["start_s"]) == len(windows["hr_bpm"]) == 23  # 10 s windows every 5 s
    threshold = load_default_models().autoencoder.threshold
    assert windows["threshold"] == analysis.summary["anomaly_threshold"] == threshold
    assert max(windows["max_score"]) > threshold  # record 119's PVCs
    events = get(alice_client, "analysis_events", analysis).json()["events"]
    assert len(events) == analysis.events.count() > 0
    assert {"type", "start_s", "end_s", "severity", "score"} <= set(events[0])


@pytest.mark.parametrize(
    "params", [{"start": "x"}, {"start": 50, "end": 40}, {"points": 1}, {"end": "nan"}]
)
def test_bad_range_is_a_400_with_a_message(alice_client, analysis, params):
    response = get(alice_client, "analysis_envelope", analysis, **params)
    assert response.status_code == 400
    assert response.json()["error"]


@pytest.mark.parametrize(
    "name",
    [
        "analysis_status",
        "analysis_events",
        "analysis_envelope",
        "analysis_beats",
        "analysis_windows",
    ],
)
def test_other_users_get_404(bob_client, analysis, name):
    assert get(bob_client, name, analysis).status_code == 404


def test_unfinished_analysis_is_a_409(alice_client, analysis):
    Analysis.objects.filter(pk=analysis.pk).update(status="running")
    response = get(alice_client, "analysis_envelope", analysis)
    assert response.status_code == 409
    status = get(alice_client, "analysis_status", analysis).json()
    assert status["status"] == "running" and status["done"] is False
