"""Heart-rate figures from R-peak positions."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

# RR intervals outside this range (30-300 bpm) are detection gaps or artefacts, not heart beats.
MIN_RR_S = 0.2
MAX_RR_S = 2.0


@dataclass(frozen=True)
class HeartRateSummary:
    beats: int
    hr_mean_bpm: float | None
    hr_min_bpm: float | None
    hr_max_bpm: float | None
    sdnn_ms: float | None
    rmssd_ms: float | None

    def as_dict(self) -> dict:
        return asdict(self)


def heart_rate_summary(rpeaks: np.ndarray, fs: float) -> HeartRateSummary:
    """Beat count, heart rate (mean and min/max of 10-beat medians), SDNN and RMSSD."""
    rr = np.diff(np.asarray(rpeaks, dtype=np.float64)) / fs
    rr = rr[(rr >= MIN_RR_S) & (rr <= MAX_RR_S)]
    if rr.size < 2:
        return HeartRateSummary(len(rpeaks), None, None, None, None, None)
    hr = 60.0 / rr
    # Min/max over short medians, so one ectopic beat does not set the extreme.
    k = min(10, rr.size)
    medians = np.median(np.lib.stride_tricks.sliding_window_view(hr, k), axis=1)
    return HeartRateSummary(
        beats=int(len(rpeaks)),
        hr_mean_bpm=round(float(60.0 / rr.mean()), 1),
        hr_min_bpm=round(float(medians.min()), 1),
        hr_max_bpm=round(float(medians.max()), 1),
        sdnn_ms=round(float(rr.std(ddof=1) * 1000), 1),
        rmssd_ms=round(float(np.sqrt(np.mean(np.diff(rr) ** 2)) * 1000), 1),
    )
