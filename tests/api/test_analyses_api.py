"""Analyses over the API: status, summary, events with filters, timeline ranges, not-ready 409."""

from __future__ import annotations

from analysis.models import Analysis, Event
from tests.api.helpers import API, assert_error


def test_status_detail_and_timeline(api_alice, alices_objects):
    analysis = alices_objects.analysis
    url = f"{API}/analyses/{analysis.pk}"
    status = api_alice.get(f"{url}/status/").json()
    assert status == {
        "id": analysis.pk,
        "status": "succeeded",
        "progress": 100,
        "error": "",
        "done": True,
    }
    detail = api_alice.get(f"{url}/").json()
    assert detail["recording"] == alices_objects.recording.pk
    assert detail["summary"] == analysis.summary and detail["summary"]
    assert set(detail["model_versions"]) == {"classifier", "autoencoder", "code", "chunks"}
    assert detail["n_events"] == analysis.events.count()

    whole = api_alice.get(f"{url}/envelope/", {"points": 500}).json()
    assert whole["leads"] == ["MLII", "V1"] and whole["level"] > 0
    assert len(whole["min"][0]) <= 500
    zoom = api_alice.get(f"{url}/envelope/", {"start": 10, "end": 12}).json()
    assert zoom["level"] == 0 and len(zoom["max"][0]) == 720
    beats = api_alice.get(f"{url}/beats/", {"start": 30, "end": 60}).json()
    assert 25 < len(beats["time_s"]) < 60 and len(beats["class"]) == len(beats["time_s"])
    assert all(30 <= t < 60 for t in beats["time_s"])
    windows = api_alice.get(f"{url}/windows/").json()
    assert len(windows["start_s"]) == len(windows["hr_bpm"]) == 23

    for params in [{"start": "x"}, {"start": 50, "end": 40}, {"points": 1}, {"end": "nan"}]:
        assert_error(api_alice.get(f"{url}/envelope/", params), 400, "bad_range")
    assert_error(api_alice.get(f"{url}/beats/", {"start": "inf"}), 400, "bad_range")


def test_events_filter_by_type_severity_and_time(api_alice, alices_objects):
    analysis = alices_objects.analysis
    Event.objects.filter(analysis=analysis).delete()
    for type_, start, severity in [
        ("pvc", 5, 1),
        ("v_run", 20, 3),
        ("pause", 50, 2),
        ("pvc", 90, 1),
    ]:
        Event.objects.create(
            analysis=analysis,
            type=type_,
            start_s=start,
            end_s=start + 2,
            severity=severity,
            score=1,
        )
    url = f"{API}/analyses/{analysis.pk}/events/"

    def starts(**params) -> list[float]:
        response = api_alice.get(url, params)
        assert response.status_code == 200, response.content
        return [e["start_s"] for e in response.json()["results"]]

    assert starts() == [5, 20, 50, 90]
    assert starts(type="pvc") == [5, 90]
    assert api_alice.get(f"{url}?type=pvc&type=pause").json()["count"] == 3
    assert starts(min_severity=2) == [20, 50]
    assert starts(start=21, end=60) == [20, 50]  # overlapping the range
    assert starts(type="pvc", start=10) == [90]
    first = api_alice.get(url).json()["results"][0]
    assert first["type_label"] == "Isolated PVC" and first["severity_label"] == "minor"
    assert "type" in assert_error(api_alice.get(url, {"type": "zzz"}), 400, "invalid")["details"]
    assert_error(api_alice.get(url, {"min_severity": 7}), 400, "invalid")


def test_results_of_unfinished_analysis_are_409(api_alice, alices_objects):
    analysis = alices_objects.analysis
    for state, code in [
        ("queued", "not_ready"),
        ("running", "not_ready"),
        ("failed", "analysis_failed"),
    ]:
        Analysis.objects.filter(pk=analysis.pk).update(status=state)
        assert api_alice.get(f"{API}/analyses/{analysis.pk}/status/").json()["status"] == state
        for part in ["events", "envelope", "beats", "windows"]:
            response = api_alice.get(f"{API}/analyses/{analysis.pk}/{part}/")
            assert state in assert_error(response, 409, code)["message"]


def test_analyses_list_filters(api_alice, alices_objects):
    rec = alices_objects.recording
    api_alice.post(f"{API}/recordings/{rec.pk}/analyses/")
    everything = api_alice.get(f"{API}/analyses/").json()
    assert everything["count"] == 2
    assert api_alice.get(f"{API}/analyses/", {"status": "succeeded"}).json()["count"] == 1
    assert api_alice.get(f"{API}/analyses/", {"status": "queued"}).json()["count"] == 1
    assert api_alice.get(f"{API}/analyses/", {"recording": rec.pk}).json()["count"] == 2
    assert_error(api_alice.get(f"{API}/analyses/", {"recording": "x"}), 400, "invalid")
    huge = api_alice.get(f"{API}/analyses/", {"recording": 10**25})  # found by schemathesis: a 500
    assert_error(huge, 400, "invalid")
