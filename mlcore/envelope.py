"""Multi-resolution min/max envelopes, so a 24-hour signal can be drawn at any zoom.

Level 0 is the signal itself (one row per sample). Level k >= 1 holds, for bins of
``bin_size(k) = BASE_BIN * FACTOR ** (k - 1)`` samples, the minimum and maximum of each lead. Each level
is a C-ordered array whose first axis is time, so a time range is one contiguous slice of a ``.npy``
file that ``read_npy_rows`` reads without loading the rest.
"""

from __future__ import annotations

from typing import BinaryIO

import numpy as np

BASE_BIN = 4
FACTOR = 4
MIN_BINS = 500  # stop adding coarser levels once a level has fewer bins than this


def bin_size(level: int) -> int:
    return 1 if level == 0 else BASE_BIN * FACTOR ** (level - 1)


def build_levels(samples: np.ndarray) -> list[np.ndarray]:
    """``samples`` (n, n_leads) -> [level 0 = samples, level 1 (n_bins, n_leads, 2), ...]."""
    levels = [samples]
    current = first_level(samples)
    while True:
        levels.append(current)
        if current.shape[0] < MIN_BINS * FACTOR:
            return levels
        current = minmax_bins(current, FACTOR)


def first_level(samples: np.ndarray) -> np.ndarray:
    """Level 1 straight from the samples (no min/max pair copy of the whole signal)."""
    n, leads = samples.shape
    full = n // BASE_BIN * BASE_BIN
    blocks = samples[:full].reshape(-1, BASE_BIN, leads)
    level = np.stack([blocks.min(axis=1), blocks.max(axis=1)], axis=2)
    if full < n:
        tail = samples[full:]
        level = np.concatenate([level, np.stack([tail.min(0), tail.max(0)], axis=1)[None]])
    return level


def minmax_bins(pairs: np.ndarray, size: int) -> np.ndarray:
    """Merge every ``size`` rows of (n, n_leads, 2) min/max pairs; a partial last bin is kept."""
    n, leads, _ = pairs.shape
    full = n // size * size
    mins = pairs[:full, :, 0].reshape(-1, size, leads).min(axis=1)
    maxs = pairs[:full, :, 1].reshape(-1, size, leads).max(axis=1)
    if full < n:
        mins = np.concatenate([mins, pairs[full:, :, 0].min(axis=0, keepdims=True)])
        maxs = np.concatenate([maxs, pairs[full:, :, 1].max(axis=0, keepdims=True)])
    return np.stack([mins, maxs], axis=2)


def choose_level(n_samples: int, max_points: int, n_levels: int) -> int:
    """The finest level that draws ``n_samples`` in at most ``max_points`` rows."""
    for level in range(n_levels):
        if n_samples / bin_size(level) <= max_points:
            return level
    return n_levels - 1


def read_npy_rows(fileobj: BinaryIO, start: int, stop: int) -> np.ndarray:
    """Rows ``start:stop`` of a C-ordered ``.npy`` file, reading only those bytes."""
    version = np.lib.format.read_magic(fileobj)
    read_header = (
        np.lib.format.read_array_header_1_0
        if version == (1, 0)
        else np.lib.format.read_array_header_2_0
    )
    shape, fortran, dtype = read_header(fileobj)
    if fortran:
        raise ValueError("envelope files are C-ordered")
    n_rows = shape[0]
    start, stop = max(0, start), min(n_rows, stop)
    row_shape = shape[1:]
    row_bytes = dtype.itemsize * int(np.prod(row_shape, dtype=np.int64))
    if stop <= start:
        return np.empty((0, *row_shape), dtype)
    fileobj.seek(fileobj.tell() + start * row_bytes)
    data = fileobj.read((stop - start) * row_bytes)
    return np.frombuffer(data, dtype).reshape(-1, *row_shape)
