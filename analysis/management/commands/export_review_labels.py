"""Export the reviewers' labels of closed cases as a training set (format: mlcore/labels.py)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from analysis import timeline
from analysis.models import EventReview, ReviewCase
from mlcore import labels
from mlcore.readers import read_record
from mlcore.segment import AAMI_CLASSES


class Command(BaseCommand):
    help = (
        "Write labels.csv (one row per reviewed event of every closed review case) and, unless "
        "--no-signals, one WFDB record per analysis (.hea/.dat, .qrs all beats, .atr reviewed "
        "beats) into OUT. The format is documented in mlcore/labels.py."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("out", type=Path, help="folder to write (created if missing)")
        parser.add_argument("--no-signals", action="store_true", help="labels.csv only")

    def handle(self, *args, out: Path, no_signals: bool, **options) -> None:
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out} is a file; give a folder to write the labels into.")
        out.mkdir(parents=True, exist_ok=True)
        cases = ReviewCase.objects.filter(status=ReviewCase.Status.CLOSED).select_related(
            "analysis__recording"
        )
        n_rows = n_beats = n_records = 0
        with open(out / "labels.csv", "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=labels.CSV_COLUMNS)
            writer.writeheader()
            for case in cases.order_by("id"):
                try:
                    rows, labelled = case_labels(case)
                except Exception as exc:  # e.g. its results file is gone; export the others
                    self.stderr.write(f"skipped analysis {case.analysis_id}: {exc}")
                    continue
                writer.writerows(rows)
                n_rows += len(rows)
                n_beats += len(labelled)
                if labelled and not no_signals:
                    try:
                        write_signal(case, labelled, out)
                        n_records += 1
                    except Exception as exc:  # one unreadable recording must not stop the export
                        self.stderr.write(
                            f"skipped the signal of analysis {case.analysis_id}: {exc}"
                        )
        self.stdout.write(
            f"{n_rows} reviewed events, {n_beats} labelled beats, {n_records} records -> {out}"
        )


def record_name(case: ReviewCase) -> str:
    return f"a{case.analysis_id}"


def case_labels(case: ReviewCase) -> tuple[list[dict], dict[int, str]]:
    """The CSV rows of a case and its labelled beats (beat index -> AAMI class)."""
    decisions = list(
        EventReview.objects.filter(case=case)
        .select_related("event", "reviewer")
        .order_by("event__start_s", "event_id")
    )
    if not decisions:
        return [], {}
    arrays = timeline.results(case.analysis)
    times, classes = arrays["beat_times_s"], arrays["beat_classes"]
    rows, labelled = [], {}
    for d in decisions:
        event = d.event
        cls = labels.reviewed_class(event.type, d.decision, d.new_type, d.new_class)
        index = (
            labels.flagged_beats(event.type, event.start_s, event.end_s, times, classes)
            if cls in AAMI_CLASSES
            else []
        )
        labelled.update(dict.fromkeys((int(i) for i in index), cls))
        rows.append(
            {
                "record": record_name(case),
                "analysis": case.analysis_id,
                "recording": case.analysis.recording.name,
                "event": event.pk,
                "start_s": round(event.start_s, 4),
                "end_s": round(event.end_s, 4),
                "event_type": event.type,
                "decision": d.decision,
                "label_type": "" if d.decision == "reject" else (d.new_type or event.type),
                "aami_class": cls,
                "beats_labelled": len(index),
                "reviewer": d.reviewer.get_username(),
                "reviewed_at": d.updated.isoformat(),
            }
        )
    return rows, labelled


def write_signal(case: ReviewCase, labelled: dict[int, str], out: Path) -> None:
    recording = case.analysis.recording
    with recording.local_path() as path:
        signal = read_record(path, fs=recording.sampling_rate)
    times = timeline.results(case.analysis)["beat_times_s"]
    labels.write_record(out, record_name(case), signal, times, labelled)
