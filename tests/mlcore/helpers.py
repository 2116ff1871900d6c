"""Plain helpers for the core's tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import wfdb


def write_slice(mitdb: Path, folder: Path, record: str, seconds: float) -> wfdb.Annotation:
    """The first ``seconds`` of a MIT-BIH record with its beat and rhythm annotations, written to
    ``folder``."""
    n = int(seconds * 360)
    rec = wfdb.rdrecord(str(mitdb / record), sampto=n)
    ann = wfdb.rdann(str(mitdb / record), "atr", sampto=n)
    wfdb.wrsamp(
        record,
        fs=rec.fs,
        units=rec.units,
        sig_name=rec.sig_name,
        p_signal=rec.p_signal,
        fmt=["16"] * rec.n_sig,
        write_dir=str(folder),
    )
    wfdb.wrann(record, "atr", ann.sample, ann.symbol, aux_note=ann.aux_note, write_dir=str(folder))
    return ann


def synthetic_ecg(seconds: float = 10.0, fs: float = 360.0, seed: int = 0) -> np.ndarray:
    """A beat train in mV: narrow R waves at 75 bpm, a small offset and a little noise."""
    t = np.arange(int(seconds * fs)) / fs
    beats = np.arange(0.3, seconds, 0.8)
    spikes = np.exp(-(((t[:, None] - beats[None, :]) / 0.012) ** 2)).sum(axis=1)
    return spikes - 0.1 + 0.02 * np.random.default_rng(seed).standard_normal(t.size)
