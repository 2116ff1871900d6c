"""Rhythm episodes of a WFDB database's reference annotations, the platform's findings on a record,
and the per-record loop and totals by split (shared by ``evaluate vf``, ``af`` and ``pauses``)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import numpy as np

from mlcore.datasets import DS1, DS2
from mlcore.evaluate.rpeaks import database_arguments, each_record, record_paths
from mlcore.findings import Finding


def rhythm_notes(record_path: Path) -> tuple[np.ndarray, list[str]]:
    """Times (s) and labels of the rhythm aux notes, e.g. ``(N``, ``(VFL``."""
    import wfdb

    ann = wfdb.rdann(str(record_path), "atr")
    fs = float(ann.fs or 360.0)
    times, labels = [], []
    for sample, note in zip(ann.sample, ann.aux_note, strict=True):
        note = note.strip("\x00 ")
        if note.startswith("("):
            times.append(sample / fs)
            labels.append(note)
    return np.asarray(times, dtype=np.float64), labels


def reference_episodes(
    times: np.ndarray, labels: list[str], duration_s: float, rhythms: tuple[str, ...]
) -> np.ndarray:
    """(k, 2) seconds of the episodes of ``rhythms`` (e.g. ``("(VFL", "(VF")``), each from its
    rhythm note to the next one."""
    ends = np.append(times[1:], duration_s)
    keep = np.isin(labels, rhythms) if labels else np.zeros(0, dtype=bool)
    return np.stack([times[keep], ends[keep]], axis=1) if keep.any() else np.zeros((0, 2))


def rhythms_in(times: np.ndarray, labels: list[str], start: float, stop: float) -> list[str]:
    """The rhythm labels in effect anywhere in [start, stop)."""
    if not labels:
        return []
    first = max(0, int(np.searchsorted(times, start, side="right")) - 1)
    last = int(np.searchsorted(times, stop, side="left"))
    return sorted(set(labels[first:last]) or {labels[first]})


def percent(part: float, whole: float) -> str:
    """``part`` as a percentage of ``whole`` to one decimal, "-" when there is no whole."""
    return f"{100 * part / whole:.1f}" if whole else "-"


def episode_arguments(parser: argparse.ArgumentParser, printed: str) -> None:
    """``database_arguments`` and ``--all``: every record printed, not only ``printed``."""
    database_arguments(parser)
    parser.add_argument(
        "--all",
        action="store_true",
        help=f"print every record (default: every record given with --records, else {printed})",
    )


def evaluate_records(
    args: argparse.Namespace,
    evaluate: Callable,
    header: str,
    line: Callable[[object], str],
    shown: Callable[[object], bool],
) -> tuple[list, list[str]] | None:
    """``evaluate`` each record ``args`` names, printing ``line`` of those ``shown`` (every one
    with --all or --records) under ``header``. The results and the records that could not be read;
    None, after saying why, if there was no record or none could be read."""
    paths = record_paths(args)
    if paths is None:
        return None
    print(header)
    results, failed = [], []
    for result in each_record(paths, evaluate, failed):
        results.append(result)
        if args.all or args.records or shown(result):
            print(line(result), flush=True)
    if not results:
        print("error: no record could be evaluated")
        return None
    return results, failed


def finish(args: argparse.Namespace, results: list, failed: list[str], totals: dict) -> int:
    """Name the skipped records, write the --json file; the exit code (1 if any was skipped)."""
    if failed:
        print(f"skipped (unreadable): {', '.join(failed)}")
    if args.json:
        body = {"records": [asdict(r) for r in results], **totals, "skipped": failed}
        args.json.write_text(json.dumps(body, indent=2))
    return 1 if failed else 0


def platform_events(record_path: Path) -> tuple[list[Finding], float]:
    """The record's findings as the platform makes them (one span: the whole record), and its
    length in seconds. Imports torch, so only the commands that run the models pay for it."""
    from mlcore.analyse import Span, analyse_span, stitch
    from mlcore.findings import find_events
    from mlcore.infer import load_default_models
    from mlcore.readers import read_record

    signal = read_record(record_path.with_suffix(".hea"))
    duration = signal.n_samples / signal.fs
    models = load_default_models()
    chunk = analyse_span(signal, Span(0, 0.0, duration, 0.0, duration), models)
    stitched = stitch([chunk], float(models.autoencoder.threshold))
    return find_events(stitched.track, stitched.unreadable, stitched.vf, stitched.hidden), duration


def split_of(record: str) -> str:
    return "DS1" if record in DS1 else "DS2" if record in DS2 else "other"


def totals(results: list, keys: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """The sums of the results' ``keys`` over each split's records, and over all."""
    groups = {"all": results}
    for split in ("DS1", "DS2", "other"):
        groups[split] = [r for r in results if split_of(r.record) == split]
    return {
        name: {k: float(sum(getattr(r, k) for r in group)) for k in keys}
        for name, group in groups.items()
        if group
    }
