"""The one in-memory type every reader returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np


@dataclass(frozen=True)
class Annotations:
    """Reference beat/rhythm annotations: sample indices and their WFDB symbols."""

    samples: np.ndarray  # int64, sorted sample indices
    symbols: np.ndarray  # str, one WFDB symbol per sample index


@dataclass(frozen=True)
class ECGSignal:
    samples: np.ndarray  # float32, shape (n_leads, n_samples)
    fs: float  # sampling rate in Hz
    lead_names: tuple[str, ...]
    units: tuple[str, ...]
    start_time: datetime | None = None
    annotations: Annotations | None = None
    time_origin_s: float = 0.0  # the file's own time of the first sample (a CSV time column's)

    @property
    def n_leads(self) -> int:
        return int(self.samples.shape[0])

    @property
    def n_samples(self) -> int:
        return int(self.samples.shape[1])

    @property
    def duration_s(self) -> float:
        return self.n_samples / self.fs
