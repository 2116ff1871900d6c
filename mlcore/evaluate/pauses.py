"""``python -m mlcore.evaluate pauses``: the platform's pause findings on a WFDB database.

Each record goes through the platform's own path (``analyse_span`` over the whole record, then
``find_events``), and each "pause" finding (an R-R interval of ``PAUSE_S`` or more) is checked
against the reference beat annotations: it is false if a reference beat lies inside it (away from
its two ends), i.e. the heart did beat there. Reference pauses are the intervals of ``PAUSE_S`` or
more between consecutive reference beats; one is found if a pause finding overlaps it. Reference
intervals in ventricular flutter or in noise count too, though they are not pauses a clinician
would call (no beats were annotated there), so read the per-record lines.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mlcore.evaluate.episodes import (
    episode_arguments,
    evaluate_records,
    finish,
    percent,
    platform_events,
    split_of,
    totals,
)
from mlcore.evaluate.rpeaks import reference_beats
from mlcore.findings import PAUSE_S
from mlcore.spans import overlap_s

END_S = 0.15  # a reference beat this close to a pause's end is that end's beat
TOTALS = ("found", "false", "reference", "reference_found")


@dataclass
class RecordResult:
    record: str
    found: int  # pause findings
    false: int  # of those, with a reference beat inside
    reference: int  # reference R-R intervals of PAUSE_S or more
    reference_found: int
    false_pauses: list[list[float]]  # [start, end] of each false finding


def pause_findings(record_path: Path) -> np.ndarray:
    """(k, 2) seconds of the record's "pause" findings, as the platform makes them."""
    events, _ = platform_events(record_path)
    return np.array(
        [(e.start_s, e.end_s) for e in events if e.type == "pause"], dtype=np.float64
    ).reshape(-1, 2)


def reference_beats_s(record_path: Path) -> np.ndarray:
    """Seconds of the reference beats (``evaluate rpeaks``' beat symbols), in order."""
    import wfdb

    ann = wfdb.rdann(str(record_path), "atr")
    beats, _ = reference_beats(ann.sample, np.asarray(ann.symbol))
    return np.sort(beats / float(ann.fs or 360.0))


def evaluate_record(record_path: Path) -> RecordResult:
    found = pause_findings(record_path)
    beats = reference_beats_s(record_path)
    inside = [((beats > s + END_S) & (beats < e - END_S)).any() for s, e in found]
    gaps = np.flatnonzero(np.diff(beats) >= PAUSE_S)
    reference = np.stack([beats[gaps], beats[gaps + 1]], axis=1) if len(gaps) else np.zeros((0, 2))
    return RecordResult(
        record=record_path.name,
        found=len(found),
        false=int(sum(inside)),
        reference=len(reference),
        reference_found=sum(overlap_s(found, r[None, :]) > 0 for r in reference),
        false_pauses=found[np.array(inside, dtype=bool)].round(1).tolist(),
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    episode_arguments(parser, "those with pauses found or in the reference")


def run(args: argparse.Namespace) -> int:
    evaluated = evaluate_records(
        args,
        evaluate_record,
        f"{'record':>8} {'split':>5} {'found':>6} {'false':>6} {'ref':>5} {'ref found':>10}  false at",
        lambda r: (
            f"{r.record:>8} {split_of(r.record):>5} {r.found:>6} {r.false:>6} {r.reference:>5} "
            f"{r.reference_found:>10}  {' '.join(f'{s:.1f}' for s, _ in r.false_pauses)}"
        ),
        lambda r: r.found or r.reference,
    )
    if evaluated is None:
        return 2
    results, failed = evaluated
    summary = totals(results, TOTALS)
    for name, t in summary.items():
        print(
            f"{name:>8}: {t['found']:.0f} pauses found, {t['false']:.0f} with a reference beat "
            f"inside (+P {percent(t['found'] - t['false'], t['found'])} %); reference pauses "
            f"{t['reference_found']:.0f}/{t['reference']:.0f} found (Se "
            f"{percent(t['reference_found'], t['reference'])} %)"
        )
    return finish(args, results, failed, {"totals": summary})
