"""The display step of a chunk: 1 µV for an ECG in mV, a coarser power of ten when its peak needs it."""

from __future__ import annotations

import numpy as np
import pytest

from mlcore.analyse import ChunkResult, display_scale_uv, rescale_display, to_display


@pytest.mark.parametrize(
    ("peak", "scale"),
    [(0.0, 1), (3.0, 1), (32.767, 1), (32.8, 10), (327.0, 10), (467.0, 100), (2047.0, 100)],
)
def test_scale_is_the_smallest_power_of_ten_that_holds_the_peak(peak, scale):
    x = np.array([[0.0, -peak, peak / 2]], dtype=np.float32)
    assert display_scale_uv(x) == scale
    assert (
        np.abs(to_display(x, scale).astype(float) * scale / 1000 - x).max() <= scale / 2000 + 1e-3
    )


def test_a_millivolt_signal_is_in_microvolts_as_before():
    x = np.array([[1.234, -0.5, 0.0004]], dtype=np.float32)
    assert display_scale_uv(x) == 1
    assert to_display(x, 1).tolist() == [[1234, -500, 0]]


def test_rescaling_keeps_the_values():
    display = np.array([[1234, -32768], [5, 32767]], dtype=np.int16)
    assert rescale_display(display, 1, 1) is display
    assert rescale_display(display, 1, 100).tolist() == [[12, -328], [0, 328]]
    assert rescale_display(display, 10, 100).dtype == np.int16


def test_chunks_stored_before_the_scale_are_in_microvolts():
    arrays = {
        "beat_times_s": np.zeros(0),
        "classes": np.zeros(0, np.int64),
        "confidence": np.zeros(0, np.float32),
        "scores": np.zeros(0, np.float32),
        "unreadable_s": np.zeros((0, 2)),
        "display": np.zeros((3, 1), np.int16),
        "fs": np.array(360.0),
    }
    assert ChunkResult.from_arrays(arrays).display_scale_uv == 1
    stored = ChunkResult.from_arrays(arrays | {"display_scale_uv": np.array(100)})
    assert stored.display_scale_uv == 100
    assert int(stored.as_arrays()["display_scale_uv"]) == 100
