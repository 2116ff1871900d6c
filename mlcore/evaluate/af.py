"""``python -m mlcore.evaluate af``: the platform's atrial fibrillation findings on a WFDB database.

Each record goes through the platform's own path (``mlcore.analyse.analyse_span`` over the whole
record, then ``mlcore.findings.find_events``), and its "af" findings (suspected atrial
fibrillation of ``AF_MIN_S`` or more) are compared with the reference rhythm annotations: from an
aux note ``(AFIB`` or ``(AFL`` to the next rhythm note, touching episodes merged. Per record it
prints the reference seconds, the seconds found, the seconds flagged outside every reference
episode (false), the episodes of ``AF_MIN_S`` or more found (overlapped by a finding; shorter ones
cannot be, but count in the seconds) and the reference rhythms in effect where a finding reaches
outside an episode (what was taken for atrial fibrillation).

The beat classifier was trained on DS1, so on those records the findings are not a test; the
totals are printed for DS1, DS2 and the rest separately.
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
    reference_episodes,
    rhythm_notes,
    rhythms_in,
    split_of,
    totals,
)
from mlcore.rhythm import AF_MIN_S
from mlcore.spans import merge_spans, overlap_s

AF_RHYTHMS = ("(AFIB", "(AFL")
TOTALS = ("reference_s", "found_s", "false_s", "episodes", "episodes_found", "hours")


@dataclass
class RecordResult:
    record: str
    hours: float
    reference_s: float
    found_s: float
    false_s: float
    episodes: int  # reference episodes of AF_MIN_S or more
    episodes_found: int  # of those, overlapped by a finding
    findings: list[list[float]]  # [start, end] of each "af" finding
    false_rhythms: list[str]


def af_findings(record_path: Path) -> tuple[np.ndarray, float]:
    """(k, 2) seconds of the record's "af" findings, as the platform makes them, and its length."""
    events, duration = platform_events(record_path)
    spans = [(e.start_s, e.end_s) for e in events if e.type == "af"]
    return np.array(spans, dtype=np.float64).reshape(-1, 2), duration


def evaluate_record(record_path: Path) -> RecordResult:
    found_spans, duration = af_findings(record_path)
    times, labels = rhythm_notes(record_path)
    ref = reference_episodes(times, labels, duration, AF_RHYTHMS)
    ref = np.array(merge_spans(ref), dtype=np.float64).reshape(-1, 2)
    found = overlap_s(found_spans, ref)
    flagged = float((found_spans[:, 1] - found_spans[:, 0]).sum())
    outside = [s for s in found_spans if overlap_s(s[None, :], ref) < s[1] - s[0]]
    long = ref[ref[:, 1] - ref[:, 0] >= AF_MIN_S]
    return RecordResult(
        record=record_path.name,
        hours=duration / 3600.0,
        reference_s=float((ref[:, 1] - ref[:, 0]).sum()),
        found_s=found,
        false_s=flagged - found,
        episodes=len(long),
        episodes_found=sum(overlap_s(found_spans, e[None, :]) > 0 for e in long),
        findings=found_spans.round(1).tolist(),
        false_rhythms=sorted(
            {r for s in outside for r in rhythms_in(times, labels, *s) if r not in AF_RHYTHMS}
        ),
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    episode_arguments(parser, "those with AF or findings")


def run(args: argparse.Namespace) -> int:
    header = f"{'record':>8} {'split':>5} {'ref s':>7} {'found s':>8} {'found %':>8} {'false s':>8}"
    evaluated = evaluate_records(
        args,
        evaluate_record,
        f"{header} {'episodes':>9}  rhythm where false",
        lambda r: (
            f"{r.record:>8} {split_of(r.record):>5} {r.reference_s:>7.1f} {r.found_s:>8.1f} "
            f"{percent(r.found_s, r.reference_s):>8} {r.false_s:>8.1f} "
            f"{r.episodes_found:>4}/{r.episodes:<4}  {' '.join(r.false_rhythms)}"
        ),
        lambda r: r.reference_s or r.false_s,
    )
    if evaluated is None:
        return 2
    results, failed = evaluated
    summary = totals(results, TOTALS)
    for name, t in summary.items():
        flagged = t["found_s"] + t["false_s"]
        print(
            f"{name:>8}: {t['hours']:.2f} h, AF {t['reference_s']:.0f} s, found "
            f"{percent(t['found_s'], t['reference_s'])} % (duration Se), of the flagged seconds "
            f"{percent(t['found_s'], flagged)} % AF (duration +P), false {t['false_s']:.0f} s "
            f"({t['false_s'] / t['hours']:.0f} s per hour), episodes of {AF_MIN_S:.0f} s or more "
            f"{t['episodes_found']:.0f}/{t['episodes']:.0f}"
        )
    return finish(args, results, failed, {"totals": summary})
