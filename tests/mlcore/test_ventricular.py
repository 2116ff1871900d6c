"""VF/VFL spans on synthetic leads and on slices of MIT-BIH 207 (ventricular flutter) and 100."""

import numpy as np
import pytest
import wfdb

from mlcore.preprocess import bandpass, resample
from mlcore.ventricular import MIN_SPAN_S, vf_spans, vf_windows

FS = 360.0


def _time(seconds: float, fs: float = FS) -> np.ndarray:
    return np.arange(int(seconds * fs)) / fs


def _beats(bpm: float, seconds: float = 60.0, fs: float = FS) -> np.ndarray:
    """Gaussian QRS (with a small S wave) and T wave at a fixed rate, in mV."""
    t = _time(seconds, fs)
    x = np.zeros_like(t)
    for tb in np.arange(0.5, seconds, 60.0 / bpm):
        x += 1.2 * np.exp(-(((t - tb) / 0.012) ** 2))
        x -= 0.2 * np.exp(-(((t - tb - 0.03) / 0.015) ** 2))
        x += 0.3 * np.exp(-(((t - tb - 0.25) / 0.05) ** 2))
    return x.astype(np.float32)


def _flutter_in_beats(f0: float = 4.5, start: float = 20.0, stop: float = 40.0, fs: float = FS):
    """Normal beats at 75 /min with a sinusoid-like flutter (slowly wandering phase) in between."""
    t = _time(60.0, fs)
    wave = 0.8 * np.sin(2 * np.pi * f0 * t + 0.3 * np.sin(2 * np.pi * 0.2 * t))
    return np.where((t >= start) & (t < stop), wave, _beats(75, fs=fs)).astype(np.float32)


@pytest.mark.parametrize("f0", [4.0, 5.0])
def test_sinusoid_like_flutter_is_found_with_its_span(f0):
    spans = vf_spans(_flutter_in_beats(f0), FS)
    assert spans.shape == (1, 2) and spans.dtype == np.float64
    start, stop = spans[0]
    assert abs(start - 20.0) <= 3.0 and abs(stop - 40.0) <= 3.0


def test_flutter_is_found_at_another_sampling_rate():
    x = resample(_flutter_in_beats(4.5), FS, 250.0)
    spans = vf_spans(x, 250.0)
    assert len(spans) == 1
    assert abs(spans[0, 0] - 20.0) <= 3.0 and abs(spans[0, 1] - 40.0) <= 3.0


def test_flutter_burst_shorter_than_minimum_is_not_a_span():
    spans = vf_spans(_flutter_in_beats(4.5, start=20.0, stop=22.0), FS)
    assert len(spans) == 0
    assert MIN_SPAN_S >= 4.0


@pytest.mark.parametrize("bpm", [60, 80, 100, 150])
def test_regular_beats_are_not_flagged(bpm):
    x = _beats(bpm)
    assert not vf_windows(x, FS).vf_like.any()
    assert vf_spans(x, FS).shape == (0, 2)


@pytest.mark.parametrize("level", [0.0, 1.5])
def test_flat_line_is_not_flagged(level):
    x = np.full(int(60 * FS), level, dtype=np.float32)
    assert len(vf_spans(x, FS)) == 0


def test_broadband_noise_is_not_flagged():
    rng = np.random.default_rng(0)
    white = rng.normal(0.0, 0.3, int(60 * FS)).astype(np.float32)
    muscle = bandpass(rng.normal(0.0, 1.0, int(60 * FS)).astype(np.float32), FS, 10.0, 100.0)
    beats_in_motion = _beats(75) + 2.0 * bandpass(white, FS, 1.0, 5.0)
    for x in (white, muscle, beats_in_motion):
        assert len(vf_spans(x, FS)) == 0


def test_square_wave_is_periodic_but_not_flutter():
    # A 4 Hz square wave passes the VF filter (low leakage) but its harmonics fail the spectrum test.
    t = _time(30.0)
    x = (0.5 * np.sign(np.sin(2 * np.pi * 4.0 * t))).astype(np.float32)
    w = vf_windows(x, FS)
    assert (w.leakage < 0.406).all()
    assert len(vf_spans(x, FS)) == 0


def test_short_lead_has_no_spans():
    assert vf_spans(np.zeros(int(2 * FS), dtype=np.float32), FS).shape == (0, 2)


def _lead(mitdb, record: str, start_s: float, stop_s: float) -> np.ndarray:
    rec = wfdb.rdrecord(str(mitdb / record), sampfrom=int(start_s * FS), sampto=int(stop_s * FS))
    return bandpass(rec.p_signal[:, 0].astype(np.float32), FS)  # MLII, as model_input gives it


def test_ventricular_flutter_of_record_207_is_found(mitdb):
    # Reference: (VFL from 1540.9 s to (IVR at 1639.3 s; the slice starts at 1500 s.
    spans = vf_spans(_lead(mitdb, "207", 1500.0, 1680.0), FS) + 1500.0
    assert len(spans) >= 1
    lo = np.maximum(spans[:, 0], 1540.9)
    hi = np.minimum(spans[:, 1], 1639.3)
    found = np.clip(hi - lo, 0, None).sum()
    assert found >= 0.5 * (1639.3 - 1540.9)
    assert spans[:, 0].min() >= 1540.9 - 3.0 and spans[:, 1].max() <= 1639.3 + 3.0


def test_normal_record_100_is_not_flagged(mitdb):
    assert len(vf_spans(_lead(mitdb, "100", 0.0, 120.0), FS)) == 0


def test_evaluation_reads_the_reference_episodes_of_207(mitdb):
    from mlcore.evaluate.episodes import reference_episodes, rhythm_notes
    from mlcore.spans import overlap_s

    times, labels = rhythm_notes(mitdb / "207")
    ref = reference_episodes(times, labels, 1805.6, ("(VFL", "(VF"))
    assert ref.shape == (6, 2)
    assert ref[0].round(1).tolist() == [40.8, 51.1] and ref[-1].round(1).tolist() == [
        1540.9,
        1639.3,
    ]
    assert overlap_s(ref, np.array([[0.0, 45.0], [1600.0, 1700.0]])) == pytest.approx(43.5, abs=0.1)
