"""Training datasets: MIT-BIH beats (AAMI classes, de Chazal inter-patient split) and ECG5000.

MIT-BIH beats are cut at the reference annotation positions (the usual protocol for the inter-patient
benchmark) from the band-passed signal at MODEL_FS. Built record datasets are cached as .npz under
``var/cache/`` (git-ignored).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mlcore.errors import SignalError
from mlcore.paths import REPO_ROOT, ecg5000_dir, mitdb_dir
from mlcore.segment import AAMI_CLASSES, AFTER_S, BEFORE_S, aami_class, beat_windows

# de Chazal et al. 2004 inter-patient split; paced records 102, 104, 107, 217 are excluded.
DS1 = (
    "101 106 108 109 112 114 115 116 118 119 122 124 201 203 205 207 208 209 215 220 223 230"
).split()
DS2 = (
    "100 103 105 111 113 117 121 123 200 202 210 212 213 214 219 221 222 228 231 232 233 234"
).split()
PACED = ("102", "104", "107", "217")
# DS1 records held out (whole patients) for early stopping and threshold choice; DS2 is never used
# for training decisions. Chosen to contain S and V beats while leaving most S beats (209) for training.
VALIDATION = ("118", "124", "207", "223")
# DS1 in five patient folds for cross-validated ensembles (``--folds 5``), each with S and V beats
# where DS1 allows it (S beats are mostly in 118, 201, 207, 209, 220 and 223).
DS1_FOLDS = (
    ("101", "106", "118", "201"),
    ("108", "109", "207", "209"),
    ("112", "114", "124", "203", "220"),
    ("115", "116", "208", "223"),
    ("119", "122", "205", "215", "230"),
)

CACHE_DIR = REPO_ROOT / "var" / "cache"
ECG5000_CLASSES = ("normal", "R-on-T", "PVC", "SP-EB", "UB")  # labels 1-5 of the archive


@dataclass(frozen=True)
class BeatDataset:
    """Beats with integer labels; ``groups`` names the record/patient each beat came from."""

    windows: np.ndarray  # float32 (n, n_leads, length)
    rr: np.ndarray  # float32 (n, k); k = 0 for ECG5000
    diff: np.ndarray  # float32 (n, n_leads, length): beat minus its record's median beat
    labels: np.ndarray  # int64 (n,), index into classes
    groups: np.ndarray  # str (n,)
    classes: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    def subset(self, mask: np.ndarray) -> BeatDataset:
        return BeatDataset(
            self.windows[mask],
            self.rr[mask],
            self.diff[mask],
            self.labels[mask],
            self.groups[mask],
            self.classes,
        )

    def inputs(self, kind: str) -> np.ndarray:
        """Model input: "beat" (windows) or "beat+diff" (windows then difference channels)."""
        if kind == "beat":
            return self.windows
        return np.concatenate([self.windows, self.diff], axis=1)

    def class_counts(self) -> np.ndarray:
        return np.bincount(self.labels, minlength=len(self.classes))


def concat(parts: list[BeatDataset]) -> BeatDataset:
    return BeatDataset(
        np.concatenate([p.windows for p in parts]),
        np.concatenate([p.rr for p in parts]),
        np.concatenate([p.diff for p in parts]),
        np.concatenate([p.labels for p in parts]),
        np.concatenate([p.groups for p in parts]),
        parts[0].classes,
    )


def model_input(signal):
    """Band-pass at MODEL_FS, as every beat model expects: returns (samples, fs)."""
    from mlcore.preprocess import MODEL_FS, bandpass, resample

    x = np.asarray(signal.samples, dtype=np.float32)
    fs = float(signal.fs)
    if fs != MODEL_FS:
        x = resample(x, fs, MODEL_FS)
        fs = MODEL_FS
    x = bandpass(x, fs).astype(np.float32)
    return x, fs


# The beat models are trained on MIT-BIH's modified lead II (MLII, the first lead of every record but
# 102, 104 and 114); of the standard leads, lead II is the one closest to it. Names are compared
# without case, spaces and an "ECG"/"Lead" prefix.
MODEL_LEADS = ("MLII", "ML2", "II")


def model_lead(lead_names: Sequence[str]) -> int:
    """Index of the lead the beat models read first: MLII or lead II by name, else a lead named
    just ECG or EKG (``ECG``, ``ECG1``: its lead is unknown, but it is an ECG), else the first."""
    plain = [_plain_lead_name(name) for name in lead_names]
    for wanted in MODEL_LEADS:
        if wanted in plain:
            return plain.index(wanted)
    for i, name in enumerate(lead_names):
        if is_unnamed_ecg(name):
            return i
    return 0


def is_model_lead(name: str) -> bool:
    """Whether ``name`` is MLII or lead II, the leads the beat models were trained on."""
    return _plain_lead_name(name) in MODEL_LEADS


def placement_unknown(name: str) -> bool:
    """A lead named just ECG or EKG, or by its position as the readers name an unlabelled column
    or channel (``lead1``): it may be lead II or any other."""
    return is_unnamed_ecg(name) or re.fullmatch(r"lead\d+", str(name).strip().lower()) is not None


def is_unnamed_ecg(name: str) -> bool:
    """A lead named just ECG or EKG (``ECG``, ``ECG1``): an ECG lead whose placement is not given."""
    return re.fullmatch(r"(ECG|EKG)\d*", re.sub(r"[^A-Z0-9]", "", str(name).upper())) is not None


def lead_order(lead_names: Sequence[str], n_leads: int) -> list[int]:
    """Lead indices as the beat models read them: ``model_lead`` first, the others in order."""
    first = model_lead(lead_names[:n_leads])
    return [first, *(i for i in range(n_leads) if i != first)]


def _plain_lead_name(name: str) -> str:
    name = re.sub(r"[^A-Z0-9]", "", str(name).upper())
    for prefix in ("ECG", "EKG", "LEAD"):
        name = name.removeprefix(prefix)
    return name


def reference_beats(signal, fs: float, n_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """Sample indices (at ``fs``) and AAMI label indices of the annotated beats of a signal."""
    if signal.annotations is None:
        raise SignalError("the recording has no beat annotations")
    ann = signal.annotations
    symbols = np.asarray(ann.symbols).astype(str)
    classes = [aami_class(s) for s in symbols]
    is_beat = np.array([c is not None for c in classes], dtype=bool)
    scale = fs / float(signal.fs)
    pos = np.round(np.asarray(ann.samples, dtype=np.float64)[is_beat] * scale).astype(np.int64)
    pos, first = np.unique(np.clip(pos, 0, n_samples - 1), return_index=True)
    labels = np.array([AAMI_CLASSES.index(c) for c in classes if c is not None], dtype=np.int64)
    return pos, labels[first]


def record_beats(path: Path, leads: int = 2) -> BeatDataset:
    """All AAMI-labelled beats of one annotated WFDB record (path without extension)."""
    from mlcore.readers import read_record

    signal = read_record(Path(f"{path}.hea"))
    if signal.annotations is None:
        raise SignalError(f"record {path.name} has no beat annotations")
    if signal.n_leads < leads:
        raise SignalError(f"record {path.name} has {signal.n_leads} leads, {leads} needed")
    x, fs = model_input(signal)
    x = x[lead_order(signal.lead_names, x.shape[0])[:leads]]
    pos, labels = reference_beats(signal, fs, x.shape[1])
    beats = beat_windows(x, pos, fs)
    return BeatDataset(
        windows=beats.windows,
        rr=beats.rr,
        diff=beats.with_difference()[:, leads:],
        labels=labels[beats.kept],
        groups=np.full(len(beats), path.name, dtype=object).astype(str),
        classes=AAMI_CLASSES,
    )


def _cache_key(record: str, leads: int, data: Path) -> str:
    text = f"{record}|{leads}|{BEFORE_S}|{AFTER_S}|v4|{data}"
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def _save_cache(path: Path, part: BeatDataset) -> None:
    """Write under a temporary name, then rename: a training job running beside this one never
    reads a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.stem}.{os.getpid()}.partial.npz")
    np.savez(
        partial,
        windows=part.windows,
        rr=part.rr,
        diff=part.diff,
        labels=part.labels,
        groups=part.groups,
    )
    os.replace(partial, path)


def mitdb_beats(
    records: tuple[str, ...] | list[str],
    *,
    data_dir: Path | None = None,
    leads: int = 2,
    cache: bool = True,
) -> BeatDataset:
    """Beats of the given MIT-BIH (or any annotated WFDB) records, cached per record under var/cache."""
    data = Path(data_dir) if data_dir is not None else mitdb_dir()
    parts = []
    for record in records:
        cached = CACHE_DIR / f"beats-{record}-{_cache_key(record, leads, data)}.npz"
        if cache and cached.exists():
            z = np.load(cached)
            parts.append(
                BeatDataset(
                    z["windows"],
                    z["rr"],
                    z["diff"],
                    z["labels"],
                    z["groups"].astype(str),
                    AAMI_CLASSES,
                )
            )
            continue
        part = record_beats(data / record, leads=leads)
        if cache:
            _save_cache(cached, part)
        parts.append(part)
    if not parts:
        raise SignalError("no records given")
    return concat(parts)


def ecg5000(data_dir: Path | None = None) -> tuple[BeatDataset, BeatDataset]:
    """ECG5000 (train 500, test 4500, as published); labels 0-4 for classes 1-5 (0 = normal).

    Windows are (n, 1, 140), already z-normalised by the archive; groups are "train"/"test".
    """
    from mlcore.readers import read_ucr

    data = Path(data_dir) if data_dir is not None else ecg5000_dir()
    out = []
    for split in ("TRAIN", "TEST"):
        table = read_ucr(data / f"ECG5000_{split}.tsv")
        labels = np.asarray(table.labels, dtype=np.int64) - 1
        if labels.min() < 0 or labels.max() > 4:
            raise SignalError(
                f"ECG5000 labels must be 1-5, found {labels.min() + 1}-{labels.max() + 1}"
            )
        beats = np.asarray(table.beats, dtype=np.float32)[:, None, :]
        out.append(
            BeatDataset(
                beats,
                np.zeros((len(labels), 0), dtype=np.float32),
                beats - np.median(beats, axis=0, keepdims=True),
                labels,
                np.full(len(labels), split.lower()),
                ECG5000_CLASSES,
            )
        )
    return out[0], out[1]
