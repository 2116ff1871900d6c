"""Timeline data of a finished analysis, read by time range from its stored artefacts."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from django.core.files.storage import default_storage

from analysis.models import Analysis
from mlcore.envelope import bin_size, choose_level, minmax_bins, read_npy_rows
from mlcore.segment import AAMI_CLASSES

MAX_POINTS = 5000

# Decimals of each quantity in every answer about an analysis (CSV downloads, page JSON, API JSON,
# results.json), the same everywhere. Times in seconds to the microsecond, well below one sample at
# any rate: an event's start_s is its first beat's time_s, and start_s <= time_s <= end_s selects
# exactly its beats.
SECONDS = 6
PROBABILITY = 4  # a classifier's confidence
SCORE = 6  # anomaly scores, and an event's type-specific score
FRACTION = 3  # a share of beats
SAMPLE = 4  # a z-normalised sample of a beat-table row
MILLIVOLTS = 3
BPM = 1


# Half the last decimal of an answered time: a stored time within it of a bound, which rounds
# to the bound itself, is inside the range (a start_s or end_s passed back finds its own event).
HALF_STEP_S = 0.5 * 10**-SECONDS


def rounded(values, decimals: int):
    """``values`` (a number or an array) as float64 rounded to ``decimals``, as a float or a list:
    every rounded number goes through here, so the same value rounds the same everywhere. float64
    first, so a float32 0.791 is 0.791, not 0.7910000085830688."""
    return np.round(np.asarray(values, dtype=np.float64), decimals).tolist()


# An event's numbers and their decimals, wherever an event is answered.
EVENT_DECIMALS = {"start_s": SECONDS, "end_s": SECONDS, "score": SCORE}


def rounded_event(row: dict) -> dict:
    """``row`` (an event's fields) with its EVENT_DECIMALS numbers ``rounded``."""
    return row | {key: rounded(row[key], decimals) for key, decimals in EVENT_DECIMALS.items()}


def fixed(values, decimals: int):
    """``rounded`` written with exactly ``decimals`` decimals, as the CSV columns are: a string,
    or a list of them for a 1-D array."""
    numbers = rounded(values, decimals)
    if isinstance(numbers, list):
        return [f"{number:.{decimals}f}" for number in numbers]
    return f"{numbers:.{decimals}f}"


class RangeError(ValueError):
    """A bad time range or resolution; the message is shown to the caller."""


def parse_span(params, duration_s: float) -> tuple[float, float]:
    """``start``/``end`` in seconds (default: the whole recording), kept inside the recording; the
    timeline data and the events API read their range through here."""
    try:
        start = float(params.get("start", 0))
        end = float(params.get("end", duration_s))
    except (TypeError, ValueError) as exc:
        raise RangeError("start and end must be numbers of seconds") from exc
    if not (np.isfinite(start) and np.isfinite(end)):
        raise RangeError("start and end must be finite")
    if start >= duration_s or end <= 0:
        raise RangeError(f"the range is outside the recording, which lasts {duration_s:.1f} s")
    if end <= start:
        raise RangeError(f"end ({end:g} s) must be after start ({start:g} s)")
    return max(0.0, start), min(duration_s, end)


def parse_range(params, duration_s: float) -> tuple[float, float, int]:
    """``parse_span`` and ``points`` (max rows, 10 to MAX_POINTS, default 2000)."""
    try:
        points = int(params.get("points", 2000))
    except (TypeError, ValueError) as exc:
        raise RangeError("points must be a whole number") from exc
    start, end = parse_span(params, duration_s)
    if not 10 <= points <= MAX_POINTS:
        raise RangeError(f"points must be between 10 and {MAX_POINTS}")
    return start, end, points


def envelope(analysis: Analysis, start_s: float, end_s: float, points: int) -> dict:
    """Min/max of the filtered signal (mV) per bin, at the finest level with at most ``points`` bins."""
    meta = analysis.artefacts
    fs = meta["envelope_fs"]
    first, last = int(start_s * fs), int(np.ceil(end_s * fs))
    level = choose_level(last - first, points, len(meta["envelope"]))
    size = bin_size(level)
    with default_storage.open(meta["envelope"][level], "rb") as fh:
        rows = read_npy_rows(fh, first // size, -(-last // size))
    if level == 0:
        rows = np.stack([rows, rows], axis=2)
    if len(rows) > points:  # even the coarsest stored level is too fine: merge bins on the fly
        factor = -(-len(rows) // points)
        rows = minmax_bins(rows, factor)
        size *= factor
    scale = meta["envelope_scale_uv"] / 1000.0
    return {
        "level": level,
        "bin_s": size / fs,
        "start_s": rounded((first // bin_size(level)) * bin_size(level) / fs, SECONDS),
        "leads": analysis.lead_names,
        "min": rounded(rows[:, :, 0].T * scale, MILLIVOLTS),
        "max": rounded(rows[:, :, 1].T * scale, MILLIVOLTS),
    }


def results(analysis: Analysis) -> dict[str, np.ndarray]:
    """The per-beat and per-window arrays of a finished analysis (read-only, cached per process)."""
    return stored_results(analysis.artefacts["results"])


@lru_cache(maxsize=16)
def stored_results(name: str) -> dict[str, np.ndarray]:
    # A results file is written once, when its analysis finishes, so its content never changes.
    with default_storage.open(name, "rb") as fh, np.load(fh) as arrays:
        loaded = {key: arrays[key] for key in arrays.files}
    for array in loaded.values():
        array.flags.writeable = False
    return loaded


def beats(analysis: Analysis, start_s: float, end_s: float) -> dict:
    arrays = results(analysis)
    # The range is of the times as answered (rounded): a time_s passed back finds its own beat.
    times = np.round(np.asarray(arrays["beat_times_s"], dtype=np.float64), SECONDS)
    lo, hi = np.searchsorted(times, [start_s, end_s])
    return {
        "classes": list(AAMI_CLASSES),
        "time_s": rounded(times[lo:hi], SECONDS),
        "class": arrays["beat_classes"][lo:hi].tolist(),
        "confidence": rounded(arrays["beat_confidence"][lo:hi], PROBABILITY),
        "score": rounded(arrays["beat_scores"][lo:hi], SCORE),
    }


def windows(analysis: Analysis) -> dict:
    arrays = results(analysis)
    hr = arrays["window_hr_bpm"]
    return {
        "start_s": rounded(arrays["window_start_s"], SECONDS),
        "beats": arrays["window_beats"].tolist(),
        "hr_bpm": [None if np.isnan(v) else rounded(v, BPM) for v in hr],
        "abnormal_frac": rounded(arrays["window_abnormal_frac"], FRACTION),
        "max_score": rounded(arrays["window_max_score"], SCORE),
        # Analyses finished before the threshold was kept in the summary have none.
        "threshold": analysis.summary.get("anomaly_threshold"),
    }
