"""A long R-R gap with QRS-like activity in it may hide a beat: unreadable, not a pause."""

import numpy as np

from mlcore.analyse import Span, analyse_span, stitch
from mlcore.findings import find_events
from mlcore.infer import load_default_models
from mlcore.quality import hidden_beat_gaps
from mlcore.readers import read_span

FS = 360.0


def beats_with_a_gap(noise_in_gap: float) -> tuple[np.ndarray, np.ndarray]:
    """Two leads of narrow spikes at 60 bpm with no beat from 10 to 13 s, and in that gap either
    a quiet baseline (0) or a burst of noise of the given amplitude on the second lead."""
    t = np.arange(int(20 * FS)) / FS
    rpeaks = np.concatenate([np.arange(1.0, 10.5, 1.0), np.arange(13.0, 19.5, 1.0)])
    spikes = np.exp(-(((t[:, None] - rpeaks[None, :]) / 0.01) ** 2)).sum(axis=1)
    rng = np.random.default_rng(0)
    x = np.stack([spikes, 0.5 * spikes]) + 0.01 * rng.standard_normal((2, t.size))
    burst = (t > 11.0) & (t < 12.0)
    x[1, burst] += noise_in_gap * rng.standard_normal(burst.sum())
    return x, np.round(rpeaks * FS).astype(int)


def test_a_quiet_gap_is_a_pause():
    x, rpeaks = beats_with_a_gap(noise_in_gap=0.0)
    assert hidden_beat_gaps(x, FS, rpeaks, 2.0).shape == (0, 2)


def test_noise_in_the_gap_hides_it_apart_from_its_ends():
    x, rpeaks = beats_with_a_gap(noise_in_gap=0.5)
    gaps = hidden_beat_gaps(x, FS, rpeaks, 2.0)
    np.testing.assert_allclose(gaps, [[10.2, 12.8]], atol=0.01)
    assert hidden_beat_gaps(x, FS, rpeaks, 3.5).shape == (0, 2)  # no gap that long


def test_203s_artefact_is_no_longer_a_major_pause(mitdb):
    """MIT-BIH 203 at 1488.5 s: 3.2 s between detected beats, in noise, with three reference
    beats inside; the platform called it a major pause."""
    signal = read_span(mitdb / "203.hea", round(1470 * FS), round(1510 * FS))
    duration = signal.n_samples / signal.fs
    models = load_default_models()
    stitched = stitch(
        [analyse_span(signal, Span(0, 0.0, duration, 0.0, duration), models)],
        float(models.autoencoder.threshold),
    )
    events = find_events(stitched.track, stitched.unreadable, stitched.vf, stitched.hidden)
    gap = (18.0, 22.0)  # 1488-1492 s of the record
    assert not [e for e in events if e.type == "pause" and e.start_s < gap[1] and e.end_s > gap[0]]
    assert any(s < gap[1] and e > gap[0] for s, e in stitched.unreadable)
    (hidden,) = [e for e in events if e.type == "unreadable" and e.start_s < gap[1] < e.end_s + 2]
    assert "beats may be hidden" in hidden.description
