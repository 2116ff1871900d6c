import numpy as np

from mlcore.spans import clip_spans, in_spans, merge_spans, subtract_spans


def test_spans_merge_when_they_touch_overlap_or_are_within_the_gap():
    spans = [(0.0, 5.0), (5.0, 6.0), (5.5, 5.8), (10.0, 12.0), (40.0, 41.0)]
    assert merge_spans(spans) == [(0.0, 6.0), (10.0, 12.0), (40.0, 41.0)]
    assert merge_spans(spans, gap=4.0) == [(0.0, 12.0), (40.0, 41.0)]
    assert merge_spans(np.zeros((0, 2))) == []


def test_spans_are_clipped_and_subtracted():
    spans = np.array([[0.0, 10.0], [20.0, 30.0]])
    np.testing.assert_array_equal(clip_spans(spans, 5.0, 25.0), [[5.0, 10.0], [20.0, 25.0]])
    np.testing.assert_array_equal(clip_spans(spans, 11.0, 19.0), np.zeros((0, 2)))
    cut = subtract_spans(spans, np.array([[2.0, 4.0], [8.0, 22.0]]))
    np.testing.assert_array_equal(cut, [[0.0, 2.0], [4.0, 8.0], [22.0, 30.0]])


def test_in_spans_is_half_open():
    times = np.array([0.0, 1.0, 2.0, 3.0])
    np.testing.assert_array_equal(in_spans(times, [(1.0, 3.0)]), [False, True, True, False])
