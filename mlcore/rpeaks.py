"""R-peak detection on one or more leads.

A QRS-energy detector in the Pan-Tompkins family, made robust for whole recordings:

1. per lead: 5-20 Hz zero-phase band-pass, squared slope, ~120 ms moving integration (the envelope
   is polarity-free, so inverted leads need no special handling);
2. each lead's envelope is divided by a running robust estimate of its QRS height, then weighted by how
   clean it is locally (QRS peak height over the floor between beats), and the leads are averaged;
3. candidate peaks at least a refractory period (200 ms) apart are accepted above a threshold that
   follows the local QRS level and rises where no lead is clean; a peak within 360 ms of a beat and
   much smaller than it is taken as a T wave;
4. search-back: a gap well over the local RR interval is searched again with a lower threshold,
   for candidates that show in every clean lead;
5. intruders: a weak or single-lead detection squeezed between two beats one normal RR apart is
   dropped (a real premature beat is followed by a pause); where no lead is clean, "weak" means
   clearly smaller than its neighbours;
6. each detection is moved to the R wave (the first major deflection) of the lightly smoothed,
   baseline-corrected signal within 60 ms, on the lead that shows that beat best.

Above 300 Hz the envelope is computed on a decimated copy (speed only); the thresholds were tuned on
the MIT-BIH Arrhythmia Database (see docs/benchmarks.md).
"""

from __future__ import annotations

import numpy as np
from scipy import signal as sps
from scipy.ndimage import maximum_filter1d, median_filter, uniform_filter1d

from mlcore.errors import SignalError
from mlcore.preprocess import as_signal_array, bandpass, check_fs

DECIMATE_TO = 150.0  # the envelope runs at fs / k, the lowest such rate >= this
REFRACTORY_S = 0.2
T_WAVE_S = 0.36
INTEGRATION_S = 0.12
BLOCK_S = 2.0
SCALE_BLOCKS = 15  # running median over 30 s of 2-s blocks
REFINE_S = 0.06
BASELINE_S = 0.25
R_WAVE_FRACTION = 0.5
MIN_SECONDS = 1.0
NOISE_FLOOR = 0.12
ARTEFACT_RATIO = 3.0
CLIP = 1.5
THRESHOLD = 0.3
NOISE_GAIN = 0.25
QRS_LOW = 5.0
QRS_HIGH = 20.0
INTRUDER_SPAN = 1.4
INTRUDER_RR_BEATS = 21
SEARCH_BACK_GAP = 1.4
SEARCH_BACK_HEIGHT = 0.22
SEARCH_BACK_AGREEMENT = 0.3
USABLE_WEIGHT = 0.05
INTRUDER_HEIGHT = 0.55
INTRUDER_AGREEMENT = 0.25
NOISY_WEIGHT = 0.3
NOISY_INTRUDER_HEIGHT = 0.8


def _block_reduce(x: np.ndarray, block: int, func) -> np.ndarray:
    """Per-lead reduction over consecutive blocks (last partial block included)."""
    n = x.shape[-1]
    n_blocks = -(-n // block)
    pad = n_blocks * block - n
    if pad:
        x = np.concatenate([x, np.repeat(x[:, -1:], pad, axis=1)], axis=1)
    return func(x.reshape(x.shape[0], n_blocks, block), axis=2)


def _expand_blocks(values: np.ndarray, block: int, n: int) -> np.ndarray:
    """Piecewise-linear interpolation of per-block values (at block centres) to every sample."""
    values = values.astype(np.float32)
    n_leads, n_blocks = values.shape
    # Value at block k's centre, slope towards block k+1; flat before the first/after the last centre.
    padded = np.concatenate([values[:, :1], values, values[:, -1:]], axis=1)
    step = np.diff(padded, axis=1)  # (n_leads, n_blocks + 1)
    frac = (np.arange(block, dtype=np.float32) - block / 2) / block  # -0.5 .. 0.5
    out = np.empty((n_leads, n_blocks * block), dtype=np.float32)
    view = out.reshape(n_leads, n_blocks, block)
    view[:] = values[:, :, None]
    left = frac < 0
    view[:, :, left] += step[:, :-1, None] * frac[left]
    view[:, :, ~left] += step[:, 1:, None] * frac[~left]
    # Outside the first and last centres the value is held constant.
    view[:, 0, left] = values[:, :1]
    view[:, -1, ~left] = values[:, -1:]
    return out[:, :n]


def lead_envelopes(x: np.ndarray, fs: float) -> tuple[np.ndarray, np.ndarray]:
    """Per-lead normalised QRS envelopes and their local weights, both (n_leads, n).

    Amplitude domain (square root of the integrated squared slope), so a QRS complex of typical
    height is about 1 and a beat of half the usual amplitude is about 0.5.
    """
    q = bandpass(x, fs, QRS_LOW, QRS_HIGH)
    slope = np.diff(q, axis=-1, prepend=q[:, :1]) * np.float32(fs / 100.0)
    env = uniform_filter1d(slope * slope, size=max(1, int(round(INTEGRATION_S * fs))), axis=-1)
    np.sqrt(np.maximum(env, 0, out=env), out=env)
    n = env.shape[-1]
    block = max(1, int(round(BLOCK_S * fs)))
    peaks = _block_reduce(env, block, np.max)
    floors = _block_reduce(env, block, np.median)
    k = min(SCALE_BLOCKS, peaks.shape[-1])
    level = median_filter(peaks, size=(1, k), mode="nearest")
    # Never divide by (almost) nothing: a lead that goes flat for a while must not blow up.
    level = np.maximum(level, 0.1 * np.median(peaks, axis=1, keepdims=True) + 1e-12)
    # Local weight per lead and block: a high floor between beats means noise; block maxima far
    # above the usual QRS level mean artefacts (electrode motion, saturation steps).
    floor_ratio = median_filter(floors / level, size=(1, min(3, k)), mode="nearest")
    max_ratio = peaks / level
    weight = 1.0 / (1.0 + (floor_ratio / NOISE_FLOOR) ** 2)
    weight /= 1.0 + np.maximum(max_ratio / ARTEFACT_RATIO - 1.0, 0.0) ** 2
    weight = np.maximum(weight, 1e-3)
    norm = np.minimum(env * _expand_blocks(1.0 / level, block, n), CLIP)
    return norm.astype(np.float32, copy=False), _expand_blocks(weight, block, n)


def combine(norm: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Weighted mean of the per-lead envelopes: one envelope for all leads."""
    return ((norm * weight).sum(axis=0) / weight.sum(axis=0)).astype(np.float32)


def qrs_envelope(x: np.ndarray, fs: float) -> np.ndarray:
    """Combined, normalised QRS envelope of an (n_leads, n) signal, one value per sample."""
    return combine(*lead_envelopes(x, fs))


def _accept(
    env: np.ndarray, cand: np.ndarray, agree: np.ndarray, clean: np.ndarray, fs: float
) -> np.ndarray:
    """Adaptive-threshold decision over candidate peaks, with T-wave rejection and search-back."""
    h = env[cand]
    # Local reference level of QRS peaks: maxima of 1-s blocks, max over 3 blocks, median over 9.
    block = max(1, int(fs))
    ref = maximum_filter1d(_block_reduce(env[None, :], block, np.max)[0], size=3)
    ref = median_filter(ref, size=min(9, len(ref)), mode="nearest")
    ref = np.interp(cand, (np.arange(len(ref)) + 0.5) * block, ref)
    # Noisier stretches (no clean lead) need a higher threshold.
    thr = ref * (THRESHOLD + NOISE_GAIN * (1.0 - clean))
    refractory = int(REFRACTORY_S * fs)
    t_wave = int(T_WAVE_S * fs)

    beats: list[int] = []
    heights: list[float] = []
    for i, c in enumerate(cand):
        if h[i] < thr[i]:
            continue
        if beats and c - beats[-1] < t_wave:
            if c - beats[-1] < refractory:
                continue
            if h[i] < 0.4 * heights[-1]:
                continue
        beats.append(int(c))
        heights.append(float(h[i]))

    beats_arr = np.asarray(beats, dtype=np.int64)
    if len(beats_arr) < 3:
        return beats_arr
    # Search-back: a gap well over the local RR is searched again with a lower threshold (relative
    # to the beats around it); a low candidate must show in every clean lead (agreement).
    pos = np.searchsorted(cand, beats_arr)
    beat_h = median_filter(h[pos], size=min(9, len(pos)), mode="nearest")
    rr = np.diff(beats_arr)
    local_rr = median_filter(rr, size=min(9, len(rr)), mode="nearest")
    taken = set(beats)
    added: list[int] = []
    for j in np.nonzero(rr > SEARCH_BACK_GAP * local_rr)[0]:
        level = SEARCH_BACK_HEIGHT * min(beat_h[j], beat_h[j + 1])
        gap = _Gap(cand, h, agree, level, local_rr[j], t_wave, taken, added)
        gap.search(beats_arr[j], beats_arr[j + 1])
    if added:
        beats_arr = np.sort(np.concatenate([beats_arr, np.asarray(added, dtype=np.int64)]))
    return beats_arr


class _Gap:
    """Recursive search-back inside one long RR gap."""

    def __init__(self, cand, h, agree, level, rr, min_gap, taken, added):
        self.cand, self.h, self.agree, self.level = cand, h, agree, level
        self.rr, self.min_gap, self.taken, self.added = rr, min_gap, taken, added

    def search(self, lo: int, hi: int) -> None:
        a, b = np.searchsorted(self.cand, [lo + self.min_gap, hi - self.min_gap + 1])
        if b <= a:
            return
        idx = np.arange(a, b)
        ok = idx[(self.h[idx] >= self.level) & (self.agree[idx] >= SEARCH_BACK_AGREEMENT)]
        ok = [i for i in ok if self.cand[i] not in self.taken]
        if not ok:
            return
        c = int(self.cand[max(ok, key=lambda i: self.h[i])])
        self.taken.add(c)
        self.added.append(c)
        if c - lo > SEARCH_BACK_GAP * self.rr:
            self.search(lo, c)
        if hi - c > SEARCH_BACK_GAP * self.rr:
            self.search(c, hi)


def _drop_intruders(beats, env, peaks, weight, fs) -> np.ndarray:
    """Remove weak or single-lead detections squeezed between two beats a normal RR apart.

    A true premature beat is followed by a (partly) compensatory pause, so its two neighbours are
    well over one RR interval apart; noise spikes and artefacts are not, and they usually show in
    one lead only or are much smaller than the beats around them.
    """
    for _ in range(3):
        if len(beats) < 5:
            return beats
        rr = np.diff(beats)
        local_rr = median_filter(rr, size=min(INTRUDER_RR_BEATS, len(rr)), mode="nearest").astype(
            np.float64
        )
        h = env[beats]
        span = beats[2:] - beats[:-2]
        ref_rr = np.minimum(local_rr[:-1], local_rr[1:])
        squeezed = span < INTRUDER_SPAN * ref_rr
        neighbours = 0.5 * (h[:-2] + h[2:])
        weak = h[1:-1] < INTRUDER_HEIGHT * neighbours
        weak |= _agreement(peaks, weight, beats[1:-1]) < INTRUDER_AGREEMENT
        # Where no lead is clean, a squeezed beat must be about as tall as its neighbours.
        noisy = weight[:, beats[1:-1]].max(axis=0) < NOISY_WEIGHT
        weak |= noisy & (h[1:-1] < NOISY_INTRUDER_HEIGHT * neighbours)
        drop = np.nonzero(squeezed & weak)[0] + 1
        if len(drop) == 0:
            return beats
        # Never drop two neighbours in one pass: the survivor decides the next pass.
        drop = drop[np.concatenate([[True], np.diff(drop) > 1])]
        beats = np.delete(beats, drop)
    return beats


def _agreement(peaks: np.ndarray, weight: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Smallest over largest per-lead QRS height at ``idx`` among clean leads (1 if < 2 clean).

    ``peaks`` is the per-lead normalised envelope after a ~100 ms running maximum.
    """
    if peaks.shape[0] < 2 or len(idx) == 0:
        return np.ones(len(idx))
    per_lead = peaks[:, idx]
    usable = weight[:, idx] > USABLE_WEIGHT
    lo_h = np.where(usable, per_lead, np.inf).min(axis=0)
    hi_h = np.where(usable, per_lead, 0.0).max(axis=0)
    agree = lo_h / np.maximum(hi_h, 1e-6)
    return np.where(usable.sum(axis=0) >= 2, agree, 1.0)


def _decimate(x: np.ndarray, fs: float) -> tuple[np.ndarray, int]:
    """Block means of k samples, so the envelope runs at fs / k >= DECIMATE_TO Hz (speed only).

    A block mean is a crude anti-alias filter, but the envelope only needs the 5-20 Hz band.
    """
    k = max(1, int(fs // DECIMATE_TO))
    if k == 1:
        return x, 1
    n = x.shape[-1] // k * k
    return x[:, :n].reshape(x.shape[0], -1, k).mean(axis=2, dtype=np.float32), k


def _refine(x: np.ndarray, fs: float, beats: np.ndarray) -> np.ndarray:
    """Move each beat to its R peak on the lead that shows it best.

    Only short windows around the beats are filtered (a ~12 ms moving average against spikes, and
    the median of a wider window as baseline), which is much cheaper than filtering the whole
    record. Choosing the first major deflection rather than the largest keeps the fiducial on the R
    wave of wide complexes (paced, bundle-branch block) instead of a deep S wave.
    """
    if len(beats) == 0:
        return beats
    half = max(1, int(REFINE_S * fs))
    margin = max(1, int(0.012 * fs))
    wide = max(half + margin, int(BASELINE_S * fs))
    n = x.shape[-1]
    offsets = np.arange(-wide, wide + 1)
    idx_all = np.clip(beats[:, None] + offsets[None, :], 0, n - 1)  # (n_beats, w)
    raw = x[:, idx_all]
    base = np.median(raw, axis=2, keepdims=True)
    core = slice(wide - half, wide + half + 1)
    win = uniform_filter1d(
        raw[:, :, core.start - margin : core.stop + margin], size=margin, axis=-1
    )
    win = win[:, :, margin:-margin] - base  # (n_leads, n_beats, w)
    idx = idx_all[:, core]
    # Lead choice per beat: largest peak-to-peak relative to the lead's typical QRS.
    p2p = win.max(axis=2) - win.min(axis=2)
    typical = np.median(p2p, axis=1, keepdims=True) + 1e-12
    lead = np.argmax(p2p / typical, axis=0)
    rows = np.arange(len(beats))
    chosen = win[lead, rows]
    # The R wave is the first major deflection: take the earlier of the two extrema unless it is
    # less than R_WAVE_FRACTION of the later one (polarity-free, so inverted leads work too).
    i_top, i_bottom = np.argmax(chosen, axis=1), np.argmin(chosen, axis=1)
    v_top, v_bottom = chosen.max(axis=1), -chosen.min(axis=1)
    top_first = i_top < i_bottom
    first = np.where(top_first, v_top, v_bottom)
    second = np.where(top_first, v_bottom, v_top)
    take_first = first >= R_WAVE_FRACTION * second
    pick = np.where(take_first == top_first, i_top, i_bottom)
    return idx[rows, pick]


def refine_on_lead(x: np.ndarray, fs: float, beats: np.ndarray) -> np.ndarray:
    """Move each detected beat to its R wave on one lead ``x`` (1-D), the beat models' lead.

    ``detect_rpeaks`` places each beat on the lead that shows it best, so where two leads differ its
    fiducial jumps between them by up to tens of ms from beat to beat. The beat models were trained
    on windows cut at the annotations, which sit on one lead's R wave; cut elsewhere, normal beats
    look like fusion beats to them (docs/models.md, "Beats the detector finds").
    """
    x = np.asarray(x, dtype=np.float32)
    beats = np.asarray(beats, dtype=np.int64)
    if x.ndim != 1:
        raise SignalError(f"refine_on_lead takes one lead, got shape {x.shape}")
    if len(x) == 0 or np.ptp(x) <= 1e-6 * (1.0 + np.abs(x).max()):
        return beats  # a flat lead has no R wave to move to
    return np.unique(_refine(x[None, :], fs, beats)).astype(np.int64)


def detect_rpeaks(x: np.ndarray, fs: float) -> np.ndarray:
    """Sample indices (sorted int64, at ``fs``) of the R peaks in ``x`` (1-D or (n_leads, n))."""
    fs = check_fs(fs)
    x = as_signal_array(x, fs, min_seconds=MIN_SECONDS)
    if x.ndim == 1:
        x = x[None, :]
    spread = np.ptp(x, axis=-1)
    live = spread > 1e-6 * (1.0 + np.abs(x).max(axis=-1))
    if not live.any():
        raise SignalError("the signal is constant (flat line); no heartbeats can be found")
    # Unit-free from here on (also keeps squared slopes of huge ADC values finite).
    x = x[live] / spread[live, None]
    xw, k = _decimate(x, fs)
    work_fs = fs / k
    norm, weight = lead_envelopes(xw, work_fs)
    env = combine(norm, weight)
    peaks = maximum_filter1d(norm, size=2 * max(1, int(0.05 * work_fs)) + 1, axis=-1)
    cand, _ = sps.find_peaks(env, distance=max(1, int(REFRACTORY_S * work_fs)))
    agree = _agreement(peaks, weight, cand)
    clean = weight[:, cand].max(axis=0)
    beats = _accept(env, cand, agree, clean, work_fs)
    beats = _drop_intruders(beats, env, peaks, weight, work_fs)
    beats = beats * k + (k - 1) // 2
    beats = _refine(x, fs, beats)
    return np.unique(beats).astype(np.int64)
