"""``python -m mlcore.evaluate crossval``: the rhythm rule on nested cross-validation predictions.

``python -m mlcore.train ... --folds 5 --cross-validate --out DIR`` writes, for every training beat,
the log-probabilities of an ensemble that never saw its patient (``DIR/crossval-predictions.npz``).
This command applies ``mlcore.rhythm.classify_with_rhythm`` to them, record by record, and prints
the classifier alone against the classifier with the rule. It is how the rule's steps were judged on
DS1 without touching DS2 (docs/models.md, "Rhythm rule").
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from mlcore import datasets
from mlcore.evaluate.beats import annotated_beats
from mlcore.rhythm import classify_with_rhythm
from mlcore.segment import AAMI_CLASSES
from mlcore.train.metrics import classification_report

CRITERION = ("N", "S", "V")  # the mean F1 every MIT-BIH choice is made on


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--predictions", required=True, type=Path, help="--cross-validate OUT")
    parser.add_argument("--data-dir", required=True, type=Path, help="folder with .hea/.dat/.atr")
    parser.add_argument(
        "--records",
        default=",".join(datasets.DS1),
        help="the training records, in training order (default: DS1)",
    )


def with_rule(
    log_probs: np.ndarray, labels: np.ndarray, records: list[str], data_dir: Path
) -> np.ndarray:
    """Classes after the rhythm rule, applied to each record's beats in turn."""
    classes, start = [], 0
    for record in records:
        reference, beats = annotated_beats(data_dir / record, 1)
        stop = start + len(beats)
        if stop > len(labels) or not np.array_equal(labels[start:stop], reference):
            raise SystemExit(f"the predictions do not line up with record {record}'s beats")
        classes.append(classify_with_rhythm(np.exp(log_probs[start:stop]), beats)[0])
        start = stop
    if start != len(labels):
        raise SystemExit(f"{len(labels) - start} predictions are left over after the records")
    return np.concatenate(classes)


def summary(labels: np.ndarray, classes: np.ndarray) -> str:
    per_class = classification_report(labels, classes, AAMI_CLASSES)["per_class"]
    mean_f1 = np.mean([per_class[name]["f1"] for name in CRITERION])
    s, v = per_class["S"], per_class["V"]
    return (
        f"mean F1 (N, S, V) {mean_f1:.3f}  SVEB Se {100 * s['se']:.1f} +P {100 * s['ppv']:.1f}"
        f"  VEB Se {100 * v['se']:.1f} +P {100 * v['ppv']:.1f}"
    )


def run(args: argparse.Namespace) -> int:
    path = args.predictions / "crossval-predictions.npz"
    if not path.exists():
        raise SystemExit(
            f"{path} does not exist: run python -m mlcore.train ... --cross-validate first"
        )
    saved = np.load(path)
    log_probs, labels = saved["log_probs"], saved["labels"]
    records = [r for r in args.records.split(",") if r]
    print(f"classifier alone:      {summary(labels, log_probs.argmax(axis=1))}")
    print(
        f"with the rhythm rule:  {summary(labels, with_rule(log_probs, labels, records, args.data_dir))}"
    )
    return 0
