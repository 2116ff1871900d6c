"""Atrial fibrillation from R-R irregularity and absent P waves, and the AAMI rule that beats in it
are not SVEB.

In atrial fibrillation every R-R interval is a new one, so N beats look early or late against their
neighbours and a beat classifier calls many of them S. AAMI EC57 labels the beats of atrial
fibrillation N (there are no atrial premature beats without organised atrial activity), so beats
inside a span judged atrial fibrillation are not called S (``apply_af_rule``).

The irregularity of a beat is the median absolute change between successive R-R intervals within
``HALF_WINDOW`` beats either side, over the median R-R interval there. Isolated ectopic beats change
two successive differences out of ~60, which leaves the median alone; atrial fibrillation changes
nearly all of them. Intervals that touch a ventricular beat are left out, so PVCs and bigeminy do
not count as irregular.

An irregular stretch is atrial fibrillation only if it also lacks a repeating P wave, as in the
clinical definition: sinus rhythm with frequent atrial premature beats is irregular too, but its beats
share one P wave. The P-wave consistency of a beat is the median correlation between the pre-QRS
segments (``pre_qrs_segments``) of the beats within HALF_WINDOW beats and their median segment; the
fibrillatory waves of atrial fibrillation do not repeat, so it is low there.

Outside atrial fibrillation, the P wave also decides between S and N, as in the clinical definition
of an atrial premature beat (early, with a P wave unlike the sinus one). A beat called S whose
pre-QRS segment matches the median segment of the neighbouring beats called N carries the sinus P
wave, so it is a sinus beat that came a little early (sinus arrhythmia), and becomes N
(``apply_sinus_p_rule``). A beat called N that came early and whose pre-QRS segment does not match
becomes S (``apply_ectopic_p_rule``): an ectopic P wave starts elsewhere in the atria and, being
early, rides on the preceding T wave.

Before any of this, each beat's probabilities are mixed with the mean probabilities of the beats
most like it in the same recording (``smooth_over_similar_beats``): a recording repeats its beat
shapes (a patient's PVCs look alike, and so do its premature atrial beats), and a beat the classifier
is unsure of usually has near-copies that it classifies with confidence. Similar means a close QRS
segment and a close prematurity (previous R-R over the local mean and over the next R-R).

Last, the QRS decides between V or F and N: a ventricular beat starts outside the conduction
system, so its QRS is, by definition, unlike the sinus one, and a fusion beat's lies between the
two. A beat called V or F whose QRS complex matches the median QRS of the neighbouring beats called
N is a normal beat, and becomes N (``apply_normal_qrs_rule``); in atrial fibrillation and flutter,
the baseline waves make a classifier call such beats V or F.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.spatial import cKDTree

from mlcore.segment import AAMI_CLASSES, BEFORE_S, RR_FEATURES, BeatSet

HALF_WINDOW = 32  # beats either side (about 30 s at 60 bpm)
MIN_USABLE = 8  # fewer usable R-R differences (or beats) than this: not judged
# HALF_WINDOW and the thresholds were chosen on DS1 only (docs/models.md, "Rhythm rule").
AF_THRESHOLD = 0.10  # irregularity above it ...
P_THRESHOLD = 0.85  # ... and P-wave consistency below it: atrial fibrillation
SINUS_P_THRESHOLD = 0.9  # a beat called S matching the sinus P wave above it is N
ECTOPIC_P_THRESHOLD = 0.5  # an early beat called N matching it below this is S ...
PREMATURE = 0.85  # ... early: previous R-R interval below this fraction of the local mean
NORMAL_QRS_THRESHOLD = 0.97  # a beat called V or F matching the neighbouring N beats' QRS: N
QRS_BEFORE_S, QRS_AFTER_S = 0.06, 0.10  # the QRS segment around the R-peak
# The pre-QRS segment runs from the beat window's start to this long before the R-peak.
P_END_S = 0.07
# Clinical convention: an atrial fibrillation episode lasts at least 30 s.
AF_MIN_S = 30.0
SIMILAR_BEATS = 10  # a beat and its 9 most similar beats of the recording ...
SIMILAR_WEIGHT = 0.3  # ... whose mean probabilities weigh this much against the beat's own
SIMILAR_RR_WEIGHT = 2.0  # log prematurity against QRS samples (in median R-peak amplitudes)
SIMILAR_RR = ("pre_over_local", "pre_over_post")


def rr_irregularity(times_s: np.ndarray, ventricular: np.ndarray) -> np.ndarray:
    """Per beat: median |successive R-R difference| / median R-R within HALF_WINDOW beats.

    ``times_s`` are sorted R-peak times, ``ventricular`` flags the beats whose intervals are left
    out. Beats with too few usable intervals get 0 (not irregular).
    """
    times_s = np.asarray(times_s, dtype=np.float64)
    ventricular = np.asarray(ventricular, dtype=bool)
    n = len(times_s)
    if n < 3:
        return np.zeros(n)
    rr = np.diff(times_s)  # interval j: beats j -> j + 1
    rr = np.where(ventricular[:-1] | ventricular[1:], np.nan, rr)
    diff = np.abs(np.diff(rr))  # difference j: intervals j -> j + 1, centred on beat j + 1
    # Beat i sees intervals [i - H, i + H) and the differences between them.
    pad = HALF_WINDOW
    rr_windows = sliding_window_view(np.pad(rr, (pad, pad), constant_values=np.nan), 2 * pad)
    diff_windows = sliding_window_view(
        np.pad(diff, (pad, pad), constant_values=np.nan), 2 * pad - 1
    )
    rr_windows, diff_windows = rr_windows[:n], diff_windows[:n]
    usable = np.sum(~np.isnan(diff_windows), axis=1)
    out = np.zeros(n)
    ok = usable >= MIN_USABLE
    if ok.any():
        out[ok] = np.nanmedian(diff_windows[ok], axis=1) / np.nanmedian(rr_windows[ok], axis=1)
    return out


def pre_qrs_segments(beats: BeatSet) -> np.ndarray:
    """(n, k) the first lead of each beat window up to P_END_S before the R-peak, mean removed.

    The windows must start BEFORE_S before the R-peak (``beat_windows``' default)."""
    return _first_lead(beats, 0, round((BEFORE_S - P_END_S) * beats.fs))


def qrs_segments(beats: BeatSet) -> np.ndarray:
    """(n, k) the first lead of each beat window from QRS_BEFORE_S before to QRS_AFTER_S after the
    R-peak, mean removed. The windows must start BEFORE_S before the R-peak."""
    r = round(BEFORE_S * beats.fs)
    return _first_lead(beats, r - round(QRS_BEFORE_S * beats.fs), r + round(QRS_AFTER_S * beats.fs))


def _first_lead(beats: BeatSet, start: int, stop: int) -> np.ndarray:
    """Samples [start, stop) of each window's first lead, each segment's mean removed."""
    segments = beats.windows[:, 0, start:stop].astype(np.float64)
    return segments - segments.mean(axis=1, keepdims=True)


def _correlation(segments: np.ndarray, template: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(segments, axis=1) * np.linalg.norm(template)
    return segments @ template / np.maximum(norms, 1e-12)


def _nearby(segments: np.ndarray, usable: np.ndarray, i: int) -> np.ndarray | None:
    """The usable segments within HALF_WINDOW beats of beat i, or None if too few."""
    lo, hi = max(0, i - HALF_WINDOW), min(len(segments), i + HALF_WINDOW + 1)
    near = segments[lo:hi][usable[lo:hi]]
    return near if len(near) >= MIN_USABLE else None


def p_wave_consistency(
    segments: np.ndarray, ventricular: np.ndarray, which: np.ndarray
) -> np.ndarray:
    """Per beat in ``which``: median correlation of the pre-QRS ``segments`` within HALF_WINDOW
    beats (ventricular beats left out) with their median segment; 1.0 for the other beats and where
    too few beats are usable."""
    out = np.ones(len(segments))
    atrial = ~np.asarray(ventricular, dtype=bool)
    for i in np.flatnonzero(which):
        near = _nearby(segments, atrial, i)
        if near is not None:
            out[i] = np.median(_correlation(near, np.median(near, axis=0)))
    return out


def sinus_match(segments: np.ndarray, sinus: np.ndarray, which: np.ndarray) -> np.ndarray:
    """Per beat in ``which``: correlation of its segment (pre-QRS or QRS) with the median segment of
    the ``sinus`` beats within HALF_WINDOW beats; NaN (not judged: no rule applies) for the other
    beats and where too few are near."""
    out = np.full(len(segments), np.nan)
    sinus = np.asarray(sinus, dtype=bool)
    for i in np.flatnonzero(which):
        near = _nearby(segments, sinus, i)
        if near is not None:
            out[i] = _correlation(segments[i : i + 1], np.median(near, axis=0))[0]
    return out


def af_mask(times_s: np.ndarray, ventricular: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """Beats judged to be in atrial fibrillation: R-R irregularity above AF_THRESHOLD and P-wave
    consistency of their pre-QRS ``segments`` below P_THRESHOLD."""
    irregular = rr_irregularity(times_s, ventricular) > AF_THRESHOLD
    return irregular & (p_wave_consistency(segments, ventricular, irregular) < P_THRESHOLD)


def apply_af_rule(classes: np.ndarray, in_af: np.ndarray) -> np.ndarray:
    """AAMI class indices with S replaced by N inside atrial fibrillation."""
    classes = np.asarray(classes).copy()
    s, n = AAMI_CLASSES.index("S"), AAMI_CLASSES.index("N")
    classes[(classes == s) & np.asarray(in_af, dtype=bool)] = n
    return classes


def apply_sinus_p_rule(classes: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """AAMI class indices with S replaced by N where the pre-QRS segment matches the median one of
    the neighbouring beats called N (correlation above SINUS_P_THRESHOLD)."""
    return _sinus_like_becomes_n(classes, segments, "S", SINUS_P_THRESHOLD)


def _sinus_like_becomes_n(
    classes: np.ndarray, segments: np.ndarray, name: str, threshold: float
) -> np.ndarray:
    classes = np.asarray(classes).copy()
    called, n = classes == AAMI_CLASSES.index(name), AAMI_CLASSES.index("N")
    match = sinus_match(segments, classes == n, called)
    classes[called & (match > threshold)] = n
    return classes


def apply_ectopic_p_rule(
    classes: np.ndarray, segments: np.ndarray, prematurity: np.ndarray, in_af: np.ndarray
) -> np.ndarray:
    """AAMI class indices with N replaced by S for early beats outside atrial fibrillation
    (``prematurity``, previous R-R over the local mean, below PREMATURE) whose pre-QRS segment does
    not match the median one of the neighbouring beats called N (correlation below
    ECTOPIC_P_THRESHOLD)."""
    classes = np.asarray(classes).copy()
    s, n = AAMI_CLASSES.index("S"), AAMI_CLASSES.index("N")
    called_n = classes == n
    early = called_n & (np.asarray(prematurity) < PREMATURE) & ~np.asarray(in_af, dtype=bool)
    match = sinus_match(segments, called_n, early)
    classes[early & (match < ECTOPIC_P_THRESHOLD)] = s
    return classes


def apply_normal_qrs_rule(classes: np.ndarray, qrs: np.ndarray) -> np.ndarray:
    """AAMI class indices with V, then F, replaced by N where the ``qrs`` segment matches the median
    one of the neighbouring beats called N (correlation above NORMAL_QRS_THRESHOLD)."""
    classes = _sinus_like_becomes_n(classes, qrs, "V", NORMAL_QRS_THRESHOLD)
    return _sinus_like_becomes_n(classes, qrs, "F", NORMAL_QRS_THRESHOLD)


def similarity_features(beats: BeatSet) -> np.ndarray:
    """(n, k) per beat: its QRS segment, then SIMILAR_RR_WEIGHT * log of its SIMILAR_RR features."""
    columns = [RR_FEATURES.index(name) for name in SIMILAR_RR]
    prematurity = np.log(np.maximum(np.asarray(beats.rr, dtype=np.float64)[:, columns], 1e-3))
    return np.hstack([qrs_segments(beats), SIMILAR_RR_WEIGHT * prematurity])


def smooth_over_similar_beats(probs: np.ndarray, beats: BeatSet) -> np.ndarray:
    """``probs`` (n, 5) mixed with the mean probabilities of each beat's SIMILAR_BEATS nearest
    beats of ``beats`` (itself included) in ``similarity_features``, with weight SIMILAR_WEIGHT."""
    probs = np.asarray(probs, dtype=np.float64)
    k = min(SIMILAR_BEATS, len(probs))
    if k < 2:
        return probs
    features = similarity_features(beats)
    _, nearest = cKDTree(features).query(features, k=k)
    return (1 - SIMILAR_WEIGHT) * probs + SIMILAR_WEIGHT * probs[nearest].mean(axis=1)


def classify_with_rhythm(probs: np.ndarray, beats: BeatSet) -> tuple[np.ndarray, np.ndarray]:
    """AAMI class per beat (the most probable after ``smooth_over_similar_beats``, then
    ``apply_af_rule``, ``apply_sinus_p_rule``, ``apply_ectopic_p_rule`` and
    ``apply_normal_qrs_rule``) and the atrial-fibrillation mask.

    ``probs`` (n, 5) are a beat classifier's probabilities in AAMI_CLASSES order for ``beats``, the
    beats of one recording (or one span of it) with the classified lead first.
    """
    classes = smooth_over_similar_beats(probs, beats).argmax(axis=1).astype(np.int64)
    ventricular = classes == AAMI_CLASSES.index("V")
    segments = pre_qrs_segments(beats)
    in_af = af_mask(beats.samples / beats.fs, ventricular, segments)
    classes = apply_sinus_p_rule(apply_af_rule(classes, in_af), segments)
    prematurity = beats.rr[:, RR_FEATURES.index("pre_over_local")]
    classes = apply_ectopic_p_rule(classes, segments, prematurity, in_af)
    return apply_normal_qrs_rule(classes, qrs_segments(beats)), in_af
