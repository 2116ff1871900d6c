"""A time the API answers, passed back as a range bound, finds its own beat or event: ranges are
of the times as answered (rounded to the microsecond), not of the stored floats."""

from __future__ import annotations

from analysis.models import Event
from tests.api.helpers import API


def test_a_beats_time_s_as_start_answers_that_beat_first(api_alice, alices_objects):
    url = f"{API}/analyses/{alices_objects.analysis.pk}/beats/"
    times = api_alice.get(url).json()["time_s"]
    assert len(times) > 100
    for t in times[1:-1:5]:
        answered = api_alice.get(url, {"start": t, "end": t + 0.5}).json()["time_s"]
        assert answered[0] == t
        before = api_alice.get(url, {"start": t - 0.5, "end": t}).json()["time_s"]
        assert t not in before  # start <= time_s < end


def test_an_events_start_s_and_end_s_as_bounds_answer_that_event(api_alice, alices_objects):
    analysis = alices_objects.analysis
    Event.objects.filter(analysis=analysis).delete()
    start, end = 37 / 24, 12.427777777777777  # stored as floats with more than six decimals
    Event.objects.create(
        analysis=analysis, type="pvc", start_s=start, end_s=end, severity=1, score=1
    )
    url = f"{API}/analyses/{analysis.pk}/events/"
    event = api_alice.get(url).json()["results"][0]
    assert (event["start_s"], event["end_s"]) == (1.541667, 12.427778)

    def found(**params) -> int:
        return api_alice.get(url, params).json()["count"]

    assert found(start=event["end_s"]) == 1
    assert found(start=0, end=event["start_s"]) == 1
    assert found(start=event["end_s"] + 1e-6) == 0
    assert found(start=0, end=event["start_s"] - 1e-6) == 0
