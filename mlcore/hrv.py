"""Heart-rate figures from R-peak positions."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

# RR intervals outside this range are detection errors, not heart beats: below 0.2 s (300 bpm) a
# beat was found twice; a longer gap within readable signal is a pause and counts (the findings
# report it), up to MAX_RR_S, beyond which the detector has lost the beats.
MIN_RR_S = 0.2
MAX_RR_S = 10.0
# Time-domain HRV describes sinus rhythm: with fewer normal-to-normal intervals than this share of
# the usable ones (atrial fibrillation, frequent ectopy) SDNN and RMSSD are not given.
MIN_NN_SHARE = 0.5
RATE_BEATS = 10
# The ectopic-interval filter (``ectopic_intervals``): an NN interval more than this fraction away
# from the median of the NN intervals around it (itself and ECTOPIC_MEDIAN_HALF on each side).
ECTOPIC_CHANGE = 0.2
ECTOPIC_MEDIAN_HALF = 5


def rolling_rate(rr_s: np.ndarray, k: int) -> np.ndarray:
    """Beats per minute over each ``k`` successive R-R intervals (seconds): beats over time, the
    rate a clinician counts. A premature beat and the pause after it count as the two beats they
    are, so ectopy neither sets an extreme nor, as a median of intervals would, makes couplets
    and bigeminy at 77 bpm look like tachycardia."""
    return 60.0 * k / np.lib.stride_tricks.sliding_window_view(rr_s, k).sum(axis=1)


def ectopic_intervals(nn_s: np.ndarray) -> np.ndarray:
    """Which intervals of a series of normal-to-normal intervals (seconds, in time order) to leave
    out of HRV: those differing by more than ECTOPIC_CHANGE (20 %) from the median of the
    intervals around them (itself and up to ECTOPIC_MEDIAN_HALF on each side).

    This is the "20 % rule" of HRV practice (Kamath & Fallen 1995; the Task Force of the ESC and
    NASPE, 1996, asks for ectopic intervals to be edited out before time-domain HRV): an ectopic
    beat the classifier called N still gives a short and a long interval, and a single such pair
    adds far more to RMSSD than beat-to-beat sinus variability does. A local median is used rather
    than the previous accepted interval so that one outlier, or a run of a few, is dropped without
    the reference getting stuck after a real change of rate (e.g. across unreadable signal).
    """
    nn_s = np.asarray(nn_s, dtype=np.float64)
    if nn_s.size == 0:
        return np.zeros(0, bool)
    half = ECTOPIC_MEDIAN_HALF
    padded = np.pad(nn_s, half, constant_values=np.nan)
    local = np.nanmedian(np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1), axis=1)
    return np.abs(nn_s - local) > ECTOPIC_CHANGE * local


@dataclass(frozen=True)
class HeartRateSummary:
    beats: int
    hr_mean_bpm: float | None
    hr_min_bpm: float | None
    hr_max_bpm: float | None
    hr_min_at_s: float | None  # when the lowest and the highest rate were reached: the time of the
    hr_max_at_s: float | None  # last beat of their RATE_BEATS, in seconds from the start
    sdnn_ms: float | None
    rmssd_ms: float | None

    def as_dict(self) -> dict:
        return asdict(self)


def heart_rate_summary(
    rpeaks: np.ndarray,
    fs: float,
    normal: np.ndarray | None = None,
    readable: np.ndarray | None = None,
) -> HeartRateSummary:
    """Beat count, heart rate (mean, and min/max over 10 beats: ``rolling_rate``), SDNN and RMSSD.

    The heart rate counts every beat; SDNN and RMSSD are heart-rate variability and, as usual, use
    normal-to-normal intervals only (both beats ``normal``, i.e. N beats in sinus rhythm; None: all
    beats are) that pass the ectopic-interval filter (``ectopic_intervals``), RMSSD only
    differences between successive ones, and are None when fewer than MIN_NN_SHARE of the
    intervals are such normal-to-normal intervals. Intervals touching a beat that is not
    ``readable`` (in unreadable signal; None: all are) or outside MIN_RR_S-MAX_RR_S are left out
    of everything.
    """
    rpeaks = np.asarray(rpeaks, dtype=np.float64)
    n = len(rpeaks)
    normal = np.ones(n, bool) if normal is None else np.asarray(normal, dtype=bool)
    readable = np.ones(n, bool) if readable is None else np.asarray(readable, dtype=bool)
    rr = np.diff(rpeaks) / fs
    usable = (rr >= MIN_RR_S) & (rr <= MAX_RR_S) & readable[:-1] & readable[1:]
    if usable.sum() < 2:
        return HeartRateSummary(n, None, None, None, None, None, None, None)
    k = min(RATE_BEATS, int(usable.sum()))
    rates = rolling_rate(rr[usable], k)
    # Window j ends with usable interval j + k - 1, i.e. at the beat after it.
    ends = rpeaks[np.flatnonzero(usable)[k - 1 :] + 1] / fs
    nn = usable & normal[:-1] & normal[1:]
    nn_at = np.flatnonzero(nn)
    nn[nn_at[ectopic_intervals(rr[nn_at])]] = False
    if nn.sum() < MIN_NN_SHARE * usable.sum():
        nn = np.zeros_like(nn)
    successive = nn[:-1] & nn[1:]
    return HeartRateSummary(
        beats=n,
        hr_mean_bpm=round(float(60.0 / rr[usable].mean()), 1),
        hr_min_bpm=round(float(rates.min()), 1),
        hr_max_bpm=round(float(rates.max()), 1),
        hr_min_at_s=round(float(ends[rates.argmin()]), 1),
        hr_max_at_s=round(float(ends[rates.argmax()]), 1),
        sdnn_ms=round(float(rr[nn].std(ddof=1) * 1000), 1) if nn.sum() >= 2 else None,
        rmssd_ms=_rmssd_ms(rr, successive) if successive.any() else None,
    )


def _rmssd_ms(rr: np.ndarray, successive: np.ndarray) -> float:
    """Root mean square of the differences between intervals i and i + 1 where ``successive[i]``."""
    return round(float(np.sqrt(np.mean(np.diff(rr)[successive] ** 2)) * 1000), 1)
