"""``python -m mlcore.evaluate vf``: the VF/VFL detector (``mlcore.ventricular``) on a WFDB database.

The reference episodes are the rhythm annotations: from an aux note ``(VFL`` or ``(VF`` to the
next rhythm note (or the end of the record). The detector reads the lead the platform gives the
beat models (``model_input``, then the first lead of ``lead_order``). Per record it prints the
reference seconds, the reference seconds found, the flagged seconds outside every reference episode
(false positives; "far" counts only those more than ``BORDER_S`` from an episode, leaving out
window-length smearing at its borders), the episodes found (overlapped by a flagged span) and the rhythms other than VF/VFL in
effect at the flagged spans that reach outside an episode.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mlcore.datasets import lead_order, model_input
from mlcore.evaluate.episodes import (
    episode_arguments,
    evaluate_records,
    finish,
    percent,
    reference_episodes,
    rhythm_notes,
    rhythms_in,
)
from mlcore.spans import merge_spans, overlap_s
from mlcore.ventricular import vf_spans

VF_RHYTHMS = ("(VFL", "(VF")
BORDER_S = 3.0


@dataclass
class RecordResult:
    record: str
    hours: float
    reference_s: float
    found_s: float
    fp_s: float
    fp_far_s: float
    episodes: int  # reference episodes
    episodes_found: int  # of those, overlapped by a flagged span
    seconds: float  # detector run time
    spans: list[list[float]]
    fp_rhythms: list[str]


def evaluate_record(record_path: Path) -> RecordResult:
    from mlcore.readers import read_record

    signal = read_record(record_path.with_suffix(".hea"))
    x, fs = model_input(signal)
    lead = x[lead_order(signal.lead_names, x.shape[0])[0]]
    duration = lead.shape[0] / fs
    times, labels = rhythm_notes(record_path)
    ref = reference_episodes(times, labels, duration, VF_RHYTHMS)
    t0 = time.perf_counter()
    spans = vf_spans(lead, fs)
    seconds = time.perf_counter() - t0
    found = overlap_s(spans, ref)
    flagged = float((spans[:, 1] - spans[:, 0]).sum())
    widened = np.stack([ref[:, 0] - BORDER_S, ref[:, 1] + BORDER_S], axis=1)  # sorted, as ref
    hit = [overlap_s(spans, e[None, :]) > 0 for e in ref]
    outside = [s for s in spans if overlap_s(s[None, :], ref) < s[1] - s[0]]
    fp_rhythms = sorted(
        {r for s in outside for r in rhythms_in(times, labels, *s) if r not in VF_RHYTHMS}
    )
    return RecordResult(
        record=record_path.name,
        hours=duration / 3600.0,
        reference_s=float((ref[:, 1] - ref[:, 0]).sum()),
        found_s=found,
        fp_s=flagged - found,
        fp_far_s=flagged - overlap_s(spans, np.array(merge_spans(widened)).reshape(-1, 2)),
        episodes=len(ref),
        episodes_found=int(sum(hit)),
        seconds=seconds,
        spans=spans.round(1).tolist(),
        fp_rhythms=fp_rhythms,
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    episode_arguments(parser, "those with VF or flags")


def run(args: argparse.Namespace) -> int:
    evaluated = evaluate_records(
        args,
        evaluate_record,
        f"{'record':>8} {'ref s':>7} {'found s':>8} {'found %':>8} {'FP s':>6} {'FP far':>7} "
        f"{'episodes':>9}  rhythm at FP",
        lambda r: (
            f"{r.record:>8} {r.reference_s:>7.1f} {r.found_s:>8.1f} "
            f"{percent(r.found_s, r.reference_s):>8} {r.fp_s:>6.1f} {r.fp_far_s:>7.1f} "
            f"{r.episodes_found:>4}/{r.episodes:<4}  {' '.join(r.fp_rhythms)}"
        ),
        lambda r: r.reference_s or r.fp_s,
    )
    if evaluated is None:
        return 2
    results, failed = evaluated
    total = {
        k: sum(getattr(r, k) for r in results)
        for k in (
            "hours",
            "reference_s",
            "found_s",
            "fp_s",
            "fp_far_s",
            "episodes",
            "episodes_found",
        )
    }
    seconds = sum(r.seconds for r in results)
    pct = percent(total["found_s"], total["reference_s"])
    print(
        f"{'total':>8} {total['reference_s']:>7.1f} {total['found_s']:>8.1f} {pct:>8} "
        f"{total['fp_s']:>6.1f} {total['fp_far_s']:>7.1f} "
        f"{total['episodes_found']:>4}/{total['episodes']:<4}"
    )
    with_fp = [r.record for r in results if r.fp_s > 0]
    print(
        f"records: {len(results)}, signal: {total['hours']:.2f} h, records with FP: "
        f"{len(with_fp)} ({', '.join(with_fp) or 'none'}), FP per hour: "
        f"{total['fp_s'] / total['hours']:.2f} s, detector: {seconds / total['hours']:.2f} s per hour"
    )
    return finish(
        args, results, failed, {"total": total | {"seconds_per_hour": seconds / total["hours"]}}
    )
