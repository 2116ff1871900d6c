"""``python -m mlcore.evaluate ecg5000``: a classifier or autoencoder on the published ECG5000 test set.

Prints accuracy, macro-F1 and the confusion matrix for a classifier, and the normal-vs-abnormal
ROC-AUC (score: reconstruction error for the autoencoder, 1 - P(normal) for a classifier).
"""

from __future__ import annotations

import argparse
import json
import shlex
import time
from pathlib import Path

import numpy as np
import torch

from mlcore.checkpoint import load_artefact, write_model_card
from mlcore.datasets import ecg5000
from mlcore.evaluate.beats import plot_confusion, plot_reconstructions, plot_roc, print_report
from mlcore.infer import anomaly_scores, classify_beats, model_inputs
from mlcore.tables import table_beatset
from mlcore.train.metrics import classification_report, roc_auc


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", required=True, type=Path, help="artefact folder")
    parser.add_argument("--data-dir", required=True, type=Path, help="folder with ECG5000_TEST.tsv")
    parser.add_argument("--json", type=Path, help="write metrics here; plots go beside it")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (at most 2)")


def run(args: argparse.Namespace) -> int:
    torch.set_num_threads(max(1, min(args.threads, 2)))
    model = load_artefact(args.model)
    _, test = ecg5000(args.data_dir)
    beats = table_beatset(test.windows[:, 0])
    started = time.perf_counter()
    y = test.labels
    abnormal = y != 0
    if model.name == "ae":
        scores = anomaly_scores(model, beats)
        report = {"n": len(y), "roc_auc_normal_vs_abnormal": roc_auc(abnormal, scores)}
        if model.threshold is not None:
            flagged = scores > model.threshold
            report["threshold"] = model.threshold
            report["flagged_normal_fraction"] = float(flagged[~abnormal].mean())
            report["flagged_abnormal_fraction"] = float(flagged[abnormal].mean())
            pred = flagged.astype(np.int64)
            report["binary_accuracy"] = float((pred == abnormal).mean())
        for key, value in report.items():
            print(f"{key}: {value:.4f}" if isinstance(value, float) else f"{key}: {value}")
    else:
        probs = classify_beats(model, beats)
        scores = 1.0 - probs[:, 0]
        report = classification_report(y, probs.argmax(axis=1), model.classes)
        report["roc_auc_normal_vs_abnormal"] = roc_auc(abnormal, scores)
        print_report(report, model.classes)
        print(f"normal-vs-abnormal ROC-AUC {report['roc_auc_normal_vs_abnormal']:.4f}")
    elapsed = time.perf_counter() - started
    parts = ["--model", str(args.model), "--data-dir", str(args.data_dir)]
    if args.json:
        parts += ["--json", str(args.json)]
    command = "python -m mlcore.evaluate ecg5000 " + shlex.join(parts)
    report = {"model": str(args.model), "seconds": round(elapsed, 2), "command": command, **report}
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        stem = args.json.with_suffix("")
        title = f"{model.folder.name} on ECG5000 test"
        plot_roc(abnormal, scores, Path(f"{stem}-roc.png"), title)
        if model.name == "ae":
            picks = [int(np.flatnonzero(y == c)[0]) for c in range(5) if (y == c).any()]
            plot_reconstructions(
                model,
                model_inputs(model, beats.subset(np.array(picks))),
                [test.classes[y[i]] for i in picks],
                Path(f"{stem}-recon.png"),
            )
        else:
            plot_confusion(
                np.asarray(report["confusion"]), model.classes, Path(f"{stem}-confusion.png"), title
            )
        if args.json.parent.resolve() == model.folder.resolve() and args.json.stem.startswith(
            "eval-"
        ):
            write_model_card(model.folder)
        print(f"wrote {args.json}")
    return 0
