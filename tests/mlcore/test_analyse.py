import numpy as np
import pytest

from mlcore.analyse import ChunkResult, plan_chunks, stitch


def test_plan_covers_the_recording_once():
    spans = plan_chunks(3700.0, chunk_s=1800.0, margin_s=30.0)
    assert [(s.start_s, s.stop_s) for s in spans] == [(0, 1800), (1800, 3600), (3600, 3700)]
    assert [(s.read_start_s, s.read_stop_s) for s in spans] == [
        (0, 1830),
        (1770, 3630),
        (3570, 3700),
    ]
    assert [s.index for s in spans] == [0, 1, 2]


@pytest.mark.parametrize("duration", [1.0, 1800.0, 1800.5])
def test_short_or_exact_recordings(duration):
    spans = plan_chunks(duration, chunk_s=1800.0, margin_s=30.0)
    assert spans[0].start_s == 0 and spans[-1].stop_s == duration
    assert len(spans) == (2 if duration > 1800 else 1)


def chunk(times, classes, unreadable=()) -> ChunkResult:
    n = len(times)
    return ChunkResult(
        beat_times_s=np.asarray(times, float),
        classes=np.asarray(classes, np.int64),
        confidence=np.ones(n, np.float32),
        scores=np.arange(n, dtype=np.float32),
        unreadable_s=np.asarray(unreadable, float).reshape(-1, 2),
        display=np.zeros((0, 2), np.int16),
        fs=360.0,
    )


def test_stitch_concatenates_and_merges_unreadable_spans_across_borders():
    track, unreadable = stitch(
        [
            chunk([1.0, 2.0], [0, 2], [(5.0, 10.0)]),
            chunk([11.0], [1], [(10.0, 12.0), (20.0, 25.0)]),
        ],
        threshold=0.5,
    )
    np.testing.assert_array_equal(track.times_s, [1.0, 2.0, 11.0])
    np.testing.assert_array_equal(track.classes, [0, 2, 1])
    assert track.threshold == 0.5
    assert unreadable == [(5.0, 12.0), (20.0, 25.0)]


def test_chunk_result_round_trips_through_arrays():
    original = chunk([1.5], [3], [(0.0, 5.0)])
    again = ChunkResult.from_arrays(original.as_arrays())
    np.testing.assert_array_equal(again.beat_times_s, original.beat_times_s)
    np.testing.assert_array_equal(again.unreadable_s, original.unreadable_s)
    assert again.fs == 360.0
