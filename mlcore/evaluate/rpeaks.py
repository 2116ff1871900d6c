"""``python -m mlcore.evaluate rpeaks``: R-peak sensitivity / positive predictivity on a WFDB database.

Scoring follows AAMI EC57 beat-by-beat matching: a detection within 150 ms of a reference beat is a
true positive (one detection per beat). Reference beats are the WFDB beat-annotation symbols (not
rhythm, noise or other non-beat annotations). Ventricular flutter/fibrillation episodes (between the
``[`` and ``]`` annotations) are excluded from scoring, as EC57 does for QRS detection; their flutter
waves (``!``) are therefore not reference beats.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

import numpy as np

from mlcore.errors import SignalError
from mlcore.paths import mitdb_dir
from mlcore.preprocess import resample, resample_indices
from mlcore.rpeaks import detect_rpeaks

BEAT_SYMBOLS = frozenset("NLRBAaJSVrFejnE/fQ?")
MATCH_WINDOW_S = 0.150


@dataclass
class RecordScore:
    record: str
    fs: float
    hours: float
    reference: int
    detected: int
    tp: int
    fn: int
    fp: int
    seconds: float
    offsets_ms: list[float]  # |detection - reference| of the beats found, milliseconds

    @property
    def se(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def ppv(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0


def fiducial_offsets(reference: np.ndarray, detected: np.ndarray, tolerance: int) -> np.ndarray:
    """|nearest detection - reference| in samples, for reference beats with a detection in reach."""
    reference = np.asarray(reference, dtype=np.int64)
    detected = np.sort(np.asarray(detected, dtype=np.int64))
    if len(detected) == 0 or len(reference) == 0:
        return np.zeros(0, dtype=np.int64)
    i = np.clip(np.searchsorted(detected, reference), 1, max(1, len(detected) - 1))
    left = np.abs(reference - detected[i - 1])
    right = np.abs(detected[np.minimum(i, len(detected) - 1)] - reference)
    nearest = np.minimum(left, right)
    return nearest[nearest <= tolerance]


def match_beats(
    reference: np.ndarray, detected: np.ndarray, tolerance: int
) -> tuple[int, int, int]:
    """One-to-one matching of sample indices; returns (tp, fn, fp)."""
    pairs = match_pairs(np.sort(reference), np.sort(detected), tolerance)
    tp = int(np.sum(pairs >= 0))
    return tp, len(reference) - tp, len(detected) - tp


def match_pairs(reference: np.ndarray, detected: np.ndarray, tolerance: int) -> np.ndarray:
    """For each of the sorted ``reference`` indices, the position in the sorted ``detected`` ones of
    its detection, or -1 for a missed beat.

    Each reference beat takes the nearest still-unmatched detection within ``tolerance`` samples.
    """
    reference = np.asarray(reference, dtype=np.int64)
    detected = np.asarray(detected, dtype=np.int64)
    used = np.zeros(len(detected), dtype=bool)
    pairs = np.full(len(reference), -1, dtype=np.int64)
    j = 0
    for i, r in enumerate(reference):
        while j < len(detected) and detected[j] < r - tolerance:
            j += 1
        best, best_dist = -1, tolerance + 1
        k = j
        while k < len(detected) and detected[k] <= r + tolerance:
            dist = abs(int(detected[k]) - int(r))
            if not used[k] and dist < best_dist:
                best, best_dist = k, dist
            k += 1
        if best >= 0:
            used[best] = True
            pairs[i] = best
    return pairs


def reference_beats(samples: np.ndarray, symbols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Reference beat indices and the excluded (start, end) intervals of VF episodes."""
    symbols = np.asarray(symbols).astype(str)
    samples = np.asarray(samples, dtype=np.int64)
    beats = samples[np.isin(symbols, list(BEAT_SYMBOLS))]
    starts = samples[symbols == "["]
    ends = samples[symbols == "]"]
    intervals = []
    for s in starts:
        after = ends[ends > s]
        intervals.append((int(s), int(after[0]) if len(after) else int(samples.max()) + 1))
    return beats, np.asarray(intervals, dtype=np.int64).reshape(-1, 2)


def drop_excluded(x: np.ndarray, intervals: np.ndarray) -> np.ndarray:
    """The sample indices of ``x`` that lie outside every (start, end) interval."""
    keep = np.ones(len(x), dtype=bool)
    for s, e in intervals:
        keep &= (x < s) | (x > e)
    return x[keep]


def _load(record_path: Path) -> tuple[np.ndarray, float]:
    """Signal (n_leads, n) and sampling rate; through mlcore.readers when it is available."""
    try:
        from mlcore.readers import read_record
    except ImportError:
        read_record = None
    if read_record is not None:
        sig = read_record(record_path.with_suffix(".hea"))
        return sig.samples, float(sig.fs)
    import wfdb

    rec = wfdb.rdrecord(str(record_path))
    return np.nan_to_num(rec.p_signal.T.astype(np.float32)), float(rec.fs)


def evaluate_record(
    record_path: Path,
    fs_out: float | None = None,
    invert: bool = False,
    leads: list[int] | None = None,
) -> RecordScore:
    import wfdb

    x, fs = _load(record_path)
    ann = wfdb.rdann(str(record_path), "atr")
    ref, excluded = reference_beats(ann.sample, np.asarray(ann.symbol))
    if leads is not None:
        if max(leads) >= x.shape[0]:
            raise SignalError(f"{record_path.name} has {x.shape[0]} leads, lead {max(leads)} asked")
        x = x[leads]
    if invert:
        x = -x
    t0 = time.perf_counter()
    if fs_out and fs_out != fs:
        x = resample(x, fs, fs_out)
    detected = detect_rpeaks(x, fs_out or fs)
    seconds = time.perf_counter() - t0
    if fs_out and fs_out != fs:
        ref = resample_indices(ref, fs, fs_out)
        excluded = resample_indices(excluded, fs, fs_out).reshape(-1, 2)
        fs = fs_out
    ref, detected = drop_excluded(ref, excluded), drop_excluded(detected, excluded)
    tolerance = int(round(MATCH_WINDOW_S * fs))
    tp, fn, fp = match_beats(ref, detected, tolerance)
    offsets = fiducial_offsets(ref, detected, tolerance) * (1000.0 / fs)
    return RecordScore(
        record=record_path.name,
        fs=fs,
        hours=x.shape[-1] / fs / 3600.0,
        reference=len(ref),
        detected=len(detected),
        tp=tp,
        fn=fn,
        fp=fp,
        seconds=seconds,
        offsets_ms=offsets.tolist(),
    )


def list_records(data_dir: Path, records: str | None) -> list[Path]:
    if records:
        names = [r.strip() for r in records.split(",") if r.strip()]
    elif (data_dir / "RECORDS").exists():
        names = (data_dir / "RECORDS").read_text().split()
    else:
        names = sorted(p.stem for p in data_dir.glob("*.hea") if p.with_suffix(".atr").exists())
    if not names:
        raise SignalError(f"no annotated WFDB records (.hea with .atr) found in {data_dir}")
    paths = [data_dir / name for name in names]
    missing = [p.name for p in paths if not p.with_suffix(".atr").exists()]
    if missing:
        raise SignalError(f"records without a .hea/.atr pair in {data_dir}: {', '.join(missing)}")
    return paths


def record_paths(args: argparse.Namespace) -> list[Path] | None:
    """The records ``database_arguments`` name (default: every annotated record of mitdb); None,
    after printing why, if there are none."""
    try:
        return list_records(Path(args.data_dir or mitdb_dir()), args.records)
    except SignalError as exc:
        print(f"error: {exc}")
        return None


def each_record(paths: list[Path], evaluate: Callable, failed: list[str]) -> Iterator:
    """``evaluate(path)`` of each record in turn; one that cannot be read is reported, added to
    ``failed`` and skipped."""
    for path in paths:
        try:
            yield evaluate(path)
        except SignalError as exc:
            failed.append(path.name)
            print(f"{path.name:>8} skipped: {exc}", flush=True)


def _median(values) -> float:
    return _percentile(values, 50)


def _percentile(values, q: float) -> float:
    values = np.asarray(values, dtype=float)
    return float(np.percentile(values, q)) if len(values) else float("nan")


def database_arguments(parser: argparse.ArgumentParser) -> None:
    """--data-dir, --records and --json, for the commands that go over a WFDB database's records
    (``list_records``)."""
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="WFDB database (default: mitdb)"
    )
    parser.add_argument("--records", default=None, help="comma-separated record names")
    parser.add_argument("--json", type=Path, default=None, help="write per-record results here")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    database_arguments(parser)
    parser.add_argument(
        "--resample-to", type=float, default=None, help="resample records to this rate first (Hz)"
    )
    parser.add_argument(
        "--leads", default=None, help="comma-separated lead indices to use (default: all)"
    )
    parser.add_argument(
        "--invert", action="store_true", help="negate every lead first (checks polarity handling)"
    )


def run(args: argparse.Namespace) -> int:
    paths = record_paths(args)
    if paths is None:
        return 2
    leads = [int(i) for i in args.leads.split(",")] if args.leads else None
    scores, failed = [], []
    print(
        f"{'record':>8} {'fs':>6} {'ref':>6} {'TP':>6} {'FN':>5} {'FP':>5} {'Se%':>7} {'+P%':>7} "
        f"{'|dt| ms median':>14}"
    )
    evaluate = partial(evaluate_record, fs_out=args.resample_to, invert=args.invert, leads=leads)
    for s in each_record(paths, evaluate, failed):
        scores.append(s)
        print(
            f"{s.record:>8} {s.fs:>6g} {s.reference:>6} {s.tp:>6} {s.fn:>5} {s.fp:>5} "
            f"{100 * s.se:>7.2f} {100 * s.ppv:>7.2f} {_median(s.offsets_ms):>14.1f}",
            flush=True,
        )
    if not scores:
        print("error: no record could be evaluated")
        return 2
    tp, fn, fp = (sum(getattr(s, k) for s in scores) for k in ("tp", "fn", "fp"))
    hours = sum(s.hours for s in scores)
    seconds = sum(s.seconds for s in scores)
    se = tp / (tp + fn) if tp + fn else 1.0
    ppv = tp / (tp + fp) if tp + fp else 1.0
    print(
        f"{'total':>8} {'':>6} {tp + fn:>6} {tp:>6} {fn:>5} {fp:>5} {100 * se:>7.2f} {100 * ppv:>7.2f}"
    )
    print(
        f"records: {len(scores)}, signal: {hours:.2f} h, detection: {seconds / hours:.2f} s per hour"
    )
    offsets = np.concatenate([np.asarray(s.offsets_ms, dtype=float) for s in scores])
    over_50 = 100 * float(np.mean(offsets > 50)) if len(offsets) else 0.0
    print(
        f"R-peak position vs reference: median |dt| {_median(offsets):.1f} ms, "
        f"90th percentile {_percentile(offsets, 90):.1f} ms, {over_50:.1f} % of beats over 50 ms"
    )
    if failed:
        print(f"skipped (unreadable): {', '.join(failed)}")
    if args.json:
        rows = [
            {k: v for k, v in asdict(s).items() if k != "offsets_ms"}
            | {"se": s.se, "ppv": s.ppv, "offset_ms_median": _median(s.offsets_ms)}
            for s in scores
        ]
        total = {
            "tp": tp,
            "fn": fn,
            "fp": fp,
            "se": se,
            "ppv": ppv,
            "hours": hours,
            "seconds_per_hour": seconds / hours,
            "offset_ms_median": _median(offsets),
            "offset_ms_p90": _percentile(offsets, 90),
            "offset_over_50ms_percent": over_50,
        }
        result = {"records": rows, "total": total, "skipped": failed}
        args.json.write_text(json.dumps(result, indent=2))
    return 1 if failed else 0
