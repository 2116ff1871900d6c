"""Signal-quality flags on a real MIT-BIH slice and on deliberately damaged copies."""

import numpy as np
import pytest
import wfdb

from mlcore.errors import SignalError
from mlcore.quality import organised_spans, signal_quality

FS = 360.0


@pytest.fixture(scope="module")
def clean(mitdb):
    rec = wfdb.rdrecord(str(mitdb / "100"), sampto=int(60 * FS))
    return rec.p_signal.T.astype(np.float32)


def test_clean_record_is_readable(clean):
    q = signal_quality(clean, FS, window_s=5.0)
    assert q.n_windows == 12
    assert q.sqi.shape == q.flat.shape == q.noisy.shape == q.saturated.shape == (2, 12)
    assert q.readable.all()
    assert not (q.flat.any() or q.saturated.any() or q.noisy.any())
    assert np.all((q.sqi >= 0) & (q.sqi <= 1))


def test_partial_last_window_is_aligned_to_the_end(clean):
    x = clean[:, : int(12.5 * FS)]
    q = signal_quality(x, FS, window_s=5.0)
    assert q.starts.tolist() == [0, int(5 * FS), x.shape[1] - int(5 * FS)]
    assert q.readable.all()


def test_flat_lead_is_flagged_and_other_lead_keeps_window_readable(clean):
    x = clean.copy()
    x[1, int(10 * FS) : int(30 * FS)] = x[1, int(10 * FS)]
    q = signal_quality(x, FS)
    assert q.flat[1, 2:6].all()
    assert not q.flat[0].any()
    assert q.sqi[1, 2:6].max() == 0.0
    assert q.readable.all()


def test_clipping_is_flagged_as_saturation(clean):
    x = clean.copy()
    seg = slice(int(20 * FS), int(25 * FS))
    # Gain jumps 20x for 5 s: the amplifier output sits on its +-2 mV rails.
    x[0, seg] = np.clip((x[0, seg] - np.median(x[0])) * 20.0, -2.0, 2.0)
    q = signal_quality(x, FS)
    assert q.saturated[0, 4]
    assert not q.saturated[0, :4].any()
    assert not q.saturated[1].any()


def test_heavy_noise_makes_windows_unreadable(clean):
    rng = np.random.default_rng(1)
    x = clean.copy()
    seg = slice(int(30 * FS), int(40 * FS))
    x[:, seg] += rng.normal(0, 1.0, (2, seg.stop - seg.start)).astype(np.float32)
    q = signal_quality(x, FS)
    assert q.noisy[:, 6:8].all()
    assert not q.readable[6:8].any()
    assert q.readable[:6].all() and q.readable[8:].all()


@pytest.mark.parametrize(
    ("x", "fs", "message"),
    [
        (np.full(3600, np.nan), FS, "NaN"),
        (np.ones(10), FS, "too short"),
        (np.ones(3600), 0.0, "sampling rate"),
    ],
)
def test_bad_input_raises_signal_error(x, fs, message):
    with pytest.raises(SignalError, match=message):
        signal_quality(x, fs)


def test_bad_window_raises_signal_error(clean):
    with pytest.raises(SignalError, match="window"):
        signal_quality(clean, FS, window_s=0.0)


def test_fast_regular_beats_are_a_rhythm_and_irregular_detections_are_not():
    vt = 10.0 + 0.33 * np.arange(7)  # 182 bpm, regular
    [(start, stop)] = organised_spans(vt)
    assert start == pytest.approx(9.9) and stop == pytest.approx(vt[-1] + 0.1)
    assert organised_spans(10.0 + 0.33 * np.arange(3)) == []  # three beats: too few
    assert organised_spans(10.0 + 0.85 * np.arange(20)) == []  # 71 bpm: not a tachycardia
    noise = 10.0 + np.cumsum([0.2, 0.35, 0.55, 0.3, 0.5, 0.42] * 7)  # detections in noise
    assert organised_spans(noise) == []
