"""``python -m mlcore.evaluate beats``: a beat model on any WFDB database with beat annotations.

Beats are cut at the reference annotation positions (the usual protocol for comparing beat
classifiers, as in de Chazal 2004), through the same path the platform uses: read_record ->
band-pass at MODEL_FS -> beat_windows -> classify_beats / anomaly_scores -> (for AAMI classifiers)
the rhythm rules of ``mlcore.rhythm`` (atrial fibrillation, P waves, QRS), unless
``--no-af-rule``.
For a classifier it prints per-class Se, +P, F1, accuracy and the confusion matrix; for an
autoencoder the normal-vs-abnormal ROC-AUC and the fraction of beats flagged at its threshold.

``--beats detected`` scores a classifier as the platform runs it: on the beats its R-peak detector
finds (``mlcore.rpeaks.detect_rpeaks`` on all leads, then ``refine_on_lead``), matched to the
annotated beats as AAMI EC57 does (``mlcore.evaluate.rpeaks``: within 150 ms, ventricular flutter
episodes left out). An annotated beat with no detection counts against its class's Se, a detection
with no annotated beat against the +P of the class it was given; both appear as "none" in the
confusion matrix.
"""

from __future__ import annotations

import argparse
import json
import shlex
import time
from pathlib import Path

import numpy as np
import torch

from mlcore.agreement import NO_BEAT, detection_report, match_to_reference
from mlcore.checkpoint import load_artefact, write_model_card
from mlcore.datasets import lead_order, model_input, reference_beats
from mlcore.errors import SignalError
from mlcore.evaluate import rpeaks as detection
from mlcore.infer import anomaly_scores, classify_beats, model_inputs
from mlcore.preprocess import resample_indices
from mlcore.rhythm import classify_with_rhythm
from mlcore.rpeaks import detect_rpeaks, refine_on_lead
from mlcore.segment import AAMI_CLASSES, AFTER_S, BEFORE_S, BeatSet, beat_windows
from mlcore.signal import ECGSignal
from mlcore.train.metrics import classification_report, roc_auc


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", required=True, type=Path, help="artefact folder")
    parser.add_argument("--data-dir", required=True, type=Path, help="folder with .hea/.dat/.atr")
    parser.add_argument("--records", required=True, help="comma-separated record names")
    parser.add_argument("--json", type=Path, help="write metrics here; plots go beside it")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (at most 2)")
    parser.add_argument(
        "--no-af-rule",
        action="store_true",
        help="score the classifier's own classes, without the platform's rhythm rules (mlcore.rhythm)",
    )
    parser.add_argument(
        "--beats",
        choices=("annotated", "detected"),
        default="annotated",
        help="cut beats at the annotations (default) or where the platform's detector finds them",
    )


def _read_annotated(path: Path) -> tuple[ECGSignal, np.ndarray, float]:
    """The record (path without extension), refused without beat annotations, and its model input
    (samples at MODEL_FS, sampling rate)."""
    from mlcore.readers import read_record

    signal = read_record(Path(f"{path}.hea"))
    if signal.annotations is None:
        raise SignalError(f"record {path.name} has no beat annotations (.atr)")
    return signal, *model_input(signal)


def annotated_beats(path: Path, n_leads: int) -> tuple[np.ndarray, BeatSet]:
    """Reference labels and beats of one record (path without extension), cut at its annotations."""
    signal, x, fs = _read_annotated(path)
    pos, labels = reference_beats(signal, fs, x.shape[1])
    beats = beat_windows(x[lead_order(signal.lead_names, x.shape[0])[:n_leads]], pos, fs)
    return labels[beats.kept], beats


def detected_beats(path: Path, n_leads: int) -> tuple[np.ndarray, np.ndarray, BeatSet]:
    """One record's beats where the platform's detector finds them, matched to its annotations.

    Returns the reference label of each detected beat (NO_BEAT where no annotated beat lies within
    the EC57 window), the labels of the annotated beats no detection matched, and the beats.
    """
    signal, x, fs = _read_annotated(path)
    _, flutter = detection.reference_beats(signal.annotations.samples, signal.annotations.symbols)
    flutter = resample_indices(flutter, signal.fs, fs).reshape(-1, 2)
    x = x[lead_order(signal.lead_names, x.shape[0])]
    found = refine_on_lead(x[0], fs, detect_rpeaks(x, fs))  # as mlcore.analyse does
    beats = beat_windows(x[:n_leads], detection.drop_excluded(found, flutter), fs)
    pos, labels = reference_beats(signal, fs, x.shape[1])
    before, after = round(BEFORE_S * fs), round(AFTER_S * fs)
    scored = np.isin(pos, detection.drop_excluded(pos, flutter))
    scored &= (pos >= before) & (pos + after <= x.shape[1])  # a window fits, as in beat_windows
    pos, labels = pos[scored], labels[scored]
    tolerance = round(detection.MATCH_WINDOW_S * fs)
    return *match_to_reference(beats.samples, pos, labels, tolerance), beats


def record_predictions(
    model, path: Path, af_rule: bool = False, detected: bool = False
) -> tuple[np.ndarray, np.ndarray, BeatSet]:
    """Reference labels and model outputs for one record: anomaly scores, or class indices (with the
    rhythm rules of ``mlcore.rhythm`` when ``af_rule``; AAMI classifiers only). With ``detected``
    (classifiers only) the beats are the detector's, and missed beats are predicted NO_BEAT."""
    missed = np.zeros(0, dtype=np.int64)
    if detected:
        labels, missed, beats = detected_beats(path, model.n_leads)
    else:
        labels, beats = annotated_beats(path, model.n_leads)
    if model.name == "ae":
        return labels, anomaly_scores(model, beats), beats
    probs = classify_beats(model, beats)
    if af_rule:
        classes, _ = classify_with_rhythm(probs, beats)
    else:
        classes = probs.argmax(axis=1)
    predicted = np.concatenate([classes, np.full(len(missed), NO_BEAT)])
    return np.concatenate([labels, missed]), predicted, beats


def print_report(report: dict, classes: tuple[str, ...]) -> None:
    print(f"{'class':>5} {'n':>7} {'Se%':>6} {'+P%':>6} {'F1%':>6}")
    for name, m in report["per_class"].items():
        print(
            f"{name:>5} {m['support']:>7} {100 * m['se']:6.1f} {100 * m['ppv']:6.1f} "
            f"{100 * m['f1']:6.1f}"
        )
    print(f"accuracy {100 * report['accuracy']:.2f}%  macro-F1 {100 * report['macro_f1']:.2f}%")
    print("confusion (rows reference, columns predicted): " + " ".join(classes))
    for name, row in zip(classes, report["confusion"], strict=True):
        print(f"{name:>5} " + " ".join(f"{v:>7}" for v in row))


def plot_confusion(cm: np.ndarray, classes: tuple[str, ...], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cm = np.asarray(cm)
    rows = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(4.5, 4))
    ax.imshow(rows, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(classes)):
        for j in range(len(classes)):
            colour = "white" if rows[i, j] > 0.5 else "black"
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=8, color=colour)
    ax.set_xticks(range(len(classes)), classes)
    ax.set_yticks(range(len(classes)), classes)
    ax.set_xlabel("predicted")
    ax.set_ylabel("reference")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_roc(positive: np.ndarray, scores: np.ndarray, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mlcore.train.metrics import roc_curve

    fpr, tpr = roc_curve(positive, scores)
    fig, ax = plt.subplots(figsize=(4, 4))
    ax.plot(fpr, tpr)
    ax.plot([0, 1], [0, 1], "k:", lw=0.8)
    ax.set_xlabel("false-positive rate")
    ax.set_ylabel("true-positive rate")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_reconstructions(model, x: np.ndarray, labels: list[str], path: Path) -> None:
    """Up to six beats with the autoencoder's reconstruction and error."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with torch.inference_mode():
        xt = torch.from_numpy(np.ascontiguousarray(x, np.float32))
        recon = model.model(xt).numpy()
        x = model.model.target(xt).numpy()
        err = model.model.score(xt).numpy()
    fig, axes = plt.subplots(1, len(x), figsize=(2.6 * len(x), 2.4), squeeze=False)
    for ax, beat, rec, e, label in zip(axes[0], x, recon, err, labels, strict=True):
        ax.plot(beat[0], lw=1, label="beat")
        ax.plot(rec[0], lw=1, label="reconstruction")
        flag = " > thr" if model.threshold is not None and e > model.threshold else ""
        ax.set_title(f"{label}: err {e:.3f}{flag}", fontsize=8)
        ax.set_xticks([])
    axes[0][0].legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def anomaly_report(labels: np.ndarray, scores: np.ndarray, threshold: float | None) -> dict:
    abnormal = labels != 0
    report = {"n": int(len(labels)), "roc_auc_normal_vs_abnormal": roc_auc(abnormal, scores)}
    if threshold is not None:
        flagged = scores > threshold
        report["threshold"] = threshold
        report["flagged_normal_fraction"] = (
            float(flagged[~abnormal].mean()) if (~abnormal).any() else 0.0
        )
        for i, name in enumerate(AAMI_CLASSES):
            if (labels == i).any():
                report[f"flagged_{name}_fraction"] = float(flagged[labels == i].mean())
    return report


def run(args: argparse.Namespace) -> int:
    torch.set_num_threads(max(1, min(args.threads, 2)))
    model = load_artefact(args.model)
    records = [r for r in args.records.split(",") if r]
    af_rule = not args.no_af_rule and tuple(model.classes) == AAMI_CLASSES
    detected = args.beats == "detected"
    shown = (*model.classes, "none") if detected else model.classes  # confusion rows and columns
    if detected and (model.name == "ae" or tuple(model.classes) != AAMI_CLASSES):
        raise SystemExit("error: --beats detected scores AAMI beat classifiers only")
    started = time.perf_counter()
    labels, outputs, examples = [], [], []
    for record in records:
        y, out, beats = record_predictions(model, args.data_dir / record, af_rule, detected)
        labels.append(y)
        outputs.append(out)
        examples.append((y, beats))
    y = np.concatenate(labels)
    out = np.concatenate(outputs)
    elapsed = time.perf_counter() - started
    parts = [
        "--model",
        str(args.model),
        "--data-dir",
        str(args.data_dir),
        "--records",
        args.records,
    ]
    if args.json:
        parts += ["--json", str(args.json)]
    if args.no_af_rule:
        parts.append("--no-af-rule")
    if detected:
        parts += ["--beats", "detected"]
    command = "python -m mlcore.evaluate beats " + shlex.join(parts)
    if model.name == "ae":
        report = anomaly_report(y, out, model.threshold)
        for key, value in report.items():
            print(f"{key}: {value:.4g}" if isinstance(value, float) else f"{key}: {value}")
    else:
        if detected:
            report = detection_report(y, out, model.classes)
        else:
            report = classification_report(y, out, model.classes)
        report["af_rule"] = af_rule
        print_report(report, shown)
        if detected:
            missed, extra = report["missed_beats"], report["false_detections"]
            print(f"missed beats {missed}  false detections {extra}")
    report = {
        "data_dir": str(args.data_dir),
        "records": records,
        "model": str(args.model),
        "seconds": round(elapsed, 1),
        "beats": args.beats,
        "command": command,
        **report,
    }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        stem = args.json.with_suffix("")
        if model.name == "ae":
            plot_roc(y != 0, out, Path(f"{stem}-roc.png"), f"{model.folder.name}: N vs abnormal")
            picks = _examples(examples)
            if picks:
                x = np.concatenate(
                    [model_inputs(model, b.subset(np.array([i]))) for b, i, _ in picks]
                )
                plot_reconstructions(model, x, [n for _, _, n in picks], Path(f"{stem}-recon.png"))
        else:
            plot_confusion(
                np.asarray(report["confusion"]),
                shown,
                Path(f"{stem}-confusion.png"),
                f"{model.folder.name} on {len(records)} records",
            )
        if args.json.parent.resolve() == model.folder.resolve() and args.json.stem.startswith(
            "eval-"
        ):
            write_model_card(model.folder)
        print(f"wrote {args.json}")
    return 0


def _examples(examples) -> list[tuple]:
    """One beat of each AAMI class present (first record that has it), for the reconstruction plot."""
    picks = []
    for c, name in enumerate(AAMI_CLASSES):
        for y, beats in examples:
            hits = np.flatnonzero(y == c)
            if len(hits):
                picks.append((beats, int(hits[len(hits) // 2]), name))
                break
    return picks
