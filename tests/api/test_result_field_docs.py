"""The schema says what an event's and a beat's numbers are, and the 409s a result can give."""

from tests.api.helpers import API


def test_event_and_beat_fields_are_described(api_alice):
    schema = api_alice.get(f"{API}/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    event = schema["components"]["schemas"]["Event"]["properties"]
    assert "classified lead" in event["start_s"]["description"]
    assert "start_s <= time_s <= end_s" in event["beats"]["description"]
    for kind in ("pause: the R-R interval (s)", "bpm", "anomaly: the highest anomaly score"):
        assert kind in event["score"]["description"]
    beats = schema["components"]["schemas"]["Beats"]["properties"]
    assert "classified lead" in beats["time_s"]["description"]
    assert "probability" in beats["confidence"]["description"]
    assert "anomaly_threshold" in beats["score"]["description"]
    events = schema["paths"]["/api/v1/analyses/{id}/events/"]["get"]["responses"]
    assert "`analysis_failed`" in events["409"]["description"]
