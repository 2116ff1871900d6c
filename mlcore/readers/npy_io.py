"""NumPy .npy arrays: (leads, samples), (samples, leads) or one lead; memory-mapped."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mlcore.errors import CorruptRecordError, InvalidSignalError, MissingSamplingRateError
from mlcore.readers.records import RecordInfo
from mlcore.readers.source import signal_at
from mlcore.readers.validate import check_fs, check_shape
from mlcore.signal import ECGSignal

MAX_LEADS = 64  # more "leads" than this means the array is not an ECG in either orientation


class NpyArraySource:
    def __init__(self, path: Path, fs: float | None):
        self.path = path
        try:
            arr = np.load(path, mmap_mode="r", allow_pickle=False)
        except Exception as exc:
            raise CorruptRecordError(f"{path.name} is not a valid .npy array file: {exc}") from exc
        if not isinstance(arr, np.ndarray):
            raise CorruptRecordError(f"{path.name} is not a single .npy array.")
        if arr.dtype.names is not None or not (
            np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
        ):
            raise InvalidSignalError(
                f"{path.name} holds {arr.dtype} values; ECG samples must be integers or floats."
            )
        if arr.ndim == 1:
            arr = arr[np.newaxis, :]
        elif arr.ndim == 2:
            if arr.shape[0] > arr.shape[1]:  # (samples, leads): leads are the short axis
                arr = arr.T
        else:
            raise InvalidSignalError(
                f"{path.name} holds an array of shape {arr.shape}; expected one lead (n,) or "
                "leads x samples."
            )
        if arr.shape[0] > MAX_LEADS:
            raise InvalidSignalError(
                f"{path.name} holds an array of shape {arr.shape}, with too many rows and "
                "columns to be leads x samples of an ECG."
            )
        if fs is None:
            raise MissingSamplingRateError(
                f"{path.name} carries no sampling rate: please give the sampling rate in Hz."
            )
        fs_value = check_fs(fs, source=path.name)
        n_leads, n_samples = arr.shape
        check_shape(n_leads, n_samples, fs_value, source=path.name)
        self.array = arr
        self.info = RecordInfo(
            format="npy",
            fs=fs_value,
            n_samples=int(n_samples),
            n_leads=int(n_leads),
            lead_names=tuple(f"lead{i + 1}" for i in range(n_leads)),
            units=("mV",) * n_leads,
            duration_s=n_samples / fs_value,
            start_time=None,
            has_annotations=False,
        )

    def read(self, start: int, stop: int) -> ECGSignal:
        try:
            with np.errstate(over="ignore"):  # beyond float32 becomes inf, rejected by validate
                samples = np.array(self.array[:, start:stop], dtype=np.float32, order="C")
        except (OSError, ValueError) as exc:
            raise CorruptRecordError(f"{self.path.name} cannot be read: {exc}") from exc
        return signal_at(self.info, samples, start, None)
