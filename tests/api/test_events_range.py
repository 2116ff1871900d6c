"""The events' start/end are read like the envelope's: a bad or empty range is 400 ``bad_range``."""

from __future__ import annotations

import pytest

from analysis.models import Event
from tests.api.helpers import API, assert_error


@pytest.mark.parametrize(
    "params",
    [
        {"start": 100, "end": 10},
        {"start": 50, "end": 50},
        {"start": "x"},
        {"end": "nan"},
        {"start": "inf"},
        {"start": 500},  # after the end of the 120 s recording
    ],
)
def test_events_and_envelope_refuse_the_same_bad_ranges(api_alice, alices_objects, params):
    url = f"{API}/analyses/{alices_objects.analysis.pk}"
    events = assert_error(api_alice.get(f"{url}/events/", params), 400, "bad_range")
    envelope = assert_error(api_alice.get(f"{url}/envelope/", params), 400, "bad_range")
    assert events["message"] == envelope["message"]


def test_range_messages_say_what_is_wrong(api_alice, alices_objects):
    url = f"{API}/analyses/{alices_objects.analysis.pk}/events/"
    reversed_ = assert_error(api_alice.get(url, {"start": 30, "end": 20}), 400, "bad_range")
    assert reversed_["message"] == "end (20 s) must be after start (30 s)"
    outside = assert_error(api_alice.get(url, {"start": 500}), 400, "bad_range")
    assert outside["message"].startswith("the range is outside the recording, which lasts")


def test_events_ranges_still_filter(api_alice, alices_objects):
    analysis = alices_objects.analysis
    Event.objects.filter(analysis=analysis).delete()
    for start in (5, 50, 100):
        Event.objects.create(
            analysis=analysis, type="pvc", start_s=start, end_s=start + 1, severity=1, score=1
        )
    url = f"{API}/analyses/{analysis.pk}/events/"

    def starts(**params) -> list[float]:
        return [e["start_s"] for e in api_alice.get(url, params).json()["results"]]

    assert starts(start=-10, end=10**6) == [5, 50, 100]  # kept inside the recording
    assert starts(start=40, end=60) == [50]
    assert starts(end=6) == [5] and starts(start=60) == [100]
