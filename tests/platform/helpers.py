"""Plain helpers for platform tests: upload files as a browser sends them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile


def upload_file(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def make_csv(
    path: Path, seconds: float = 20.0, fs: float = 250.0, time_column: bool = False
) -> Path:
    """A synthetic two-lead ECG-like CSV: narrow spikes at 75 bpm on a little noise."""
    t = np.arange(int(seconds * fs)) / fs
    beat_times = np.arange(0.4, seconds, 0.8)
    spikes = np.exp(-(((t[:, None] - beat_times[None, :]) / 0.012) ** 2)).sum(axis=1)
    rng = np.random.default_rng(0)
    leads = np.stack([spikes, 0.6 * spikes], axis=1) + 0.02 * rng.standard_normal((t.size, 2))
    header = "time,I,II" if time_column else "I,II"
    columns = np.column_stack([t, leads]) if time_column else leads
    np.savetxt(path, columns, delimiter=",", header=header, comments="", fmt="%.5f")
    return path
