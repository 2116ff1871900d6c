import io

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from mlcore.envelope import BASE_BIN, FACTOR, bin_size, build_levels, choose_level, read_npy_rows


@given(st.integers(1, 5000), st.integers(1, 3), st.integers(0, 2**31 - 1))
def test_every_level_bounds_the_signal(n, leads, seed):
    samples = np.random.default_rng(seed).integers(-3000, 3000, (n, leads)).astype(np.int16)
    levels = build_levels(samples)
    assert levels[0] is samples
    for k, level in enumerate(levels[1:], start=1):
        size = bin_size(k)
        assert level.shape == (-(-n // size), leads, 2)
        for b in (0, level.shape[0] - 1):
            chunk = samples[b * size : (b + 1) * size]
            np.testing.assert_array_equal(level[b, :, 0], chunk.min(axis=0))
            np.testing.assert_array_equal(level[b, :, 1], chunk.max(axis=0))


def test_levels_stop_when_coarse_enough():
    levels = build_levels(np.zeros((1_000_000, 2), np.int16))
    assert bin_size(1) == BASE_BIN and bin_size(2) == BASE_BIN * FACTOR
    assert [level.shape[0] for level in levels] == [1_000_000, 250_000, 62_500, 15_625, 3907, 977]


def test_choose_level_keeps_points_under_the_limit():
    assert choose_level(1000, 2000, 8) == 0
    assert choose_level(20_000, 2000, 8) == 2  # bins of 16 samples -> 1250 points
    assert choose_level(10**9, 2000, 8) == 7


def test_read_npy_rows_reads_a_slice():
    array = np.arange(3000, dtype=np.int16).reshape(500, 3, 2)
    buffer = io.BytesIO()
    np.save(buffer, array)
    buffer.seek(0)
    np.testing.assert_array_equal(read_npy_rows(buffer, 100, 120), array[100:120])
    buffer.seek(0)
    np.testing.assert_array_equal(read_npy_rows(buffer, 490, 900), array[490:])
    buffer.seek(0)
    assert read_npy_rows(buffer, 600, 700).shape == (0, 3, 2)
