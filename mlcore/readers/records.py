"""Small frozen types returned by the readers besides ECGSignal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from mlcore.signal import ECGSignal


@dataclass(frozen=True)
class RecordInfo:
    """Cheap metadata of a record, read from its header where the format has one."""

    format: str
    fs: float
    n_samples: int
    n_leads: int
    lead_names: tuple[str, ...]
    units: tuple[str, ...]
    duration_s: float
    start_time: datetime | None
    has_annotations: bool
    # where the file counts its own time from (a CSV time column starting at 300 s): times in
    # Beatline always count from the first sample, so this says what to add to compare
    time_origin_s: float = 0.0


@dataclass(frozen=True)
class Chunk:
    """One slice of a record; ``start`` is the index of its first sample in the whole record.

    Annotation sample indices inside ``signal`` are relative to the chunk start.
    """

    start: int
    signal: ECGSignal


@dataclass(frozen=True)
class BeatTable:
    """UCR-style beats: one labelled, fixed-length beat per row."""

    labels: np.ndarray  # int64, (n,)
    beats: np.ndarray  # float32, (n, length)

    @property
    def n_beats(self) -> int:
        return int(self.beats.shape[0])

    @property
    def length(self) -> int:
        return int(self.beats.shape[1])
