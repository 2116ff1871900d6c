"""The training command: one entry point for every model and dataset."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import torch

from mlcore import datasets
from mlcore.checkpoint import load_artefact, rr_statistics, save_artefact, standardise_rr
from mlcore.datasets import BeatDataset
from mlcore.errors import SignalError
from mlcore.infer import relative_to_recording
from mlcore.models import CLASSIFIERS, ENSEMBLE, MODEL_NAMES, build_model
from mlcore.segment import AFTER_S, BEFORE_S, RR_FEATURES
from mlcore.train.folds import (
    cross_validate,
    fit_fold_ensemble,
    fit_head,
    group_folds,
    out_of_fold_log_probs,
    stratified_folds,
)
from mlcore.train.loop import (
    Arrays,
    Settings,
    fit_autoencoder,
    fit_classifier,
    predict_logits,
    reconstruction_error,
    seed_everything,
)
from mlcore.train.metrics import classification_report, roc_auc

THRESHOLD_RULE = (
    "{q:g}th percentile of the reconstruction error of held-out normal training beats "
    "(validation split), i.e. about {fp:g}% of unseen normal beats are flagged"
)
RELATIVE_RULE = (
    "{q:g}th percentile of the relative score (reconstruction error over the median error of the "
    "record's beats, all classes) of held-out normal training beats (validation split), i.e. "
    "about {fp:g}% of unseen normal beats are flagged"
)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m mlcore.train", description=__doc__)
    p.add_argument("--model", required=True, choices=MODEL_NAMES)
    p.add_argument("--dataset", required=True, choices=("mitdb", "ecg5000"))
    p.add_argument("--out", required=True, type=Path, help="artefact folder to write")
    p.add_argument("--data-dir", type=Path, help="dataset folder (default: mlcore.paths)")
    p.add_argument("--leads", type=int, default=1, help="MIT-BIH leads to use (1 or 2)")
    p.add_argument(
        "--input",
        choices=("beat", "beat+diff"),
        help="input channels: the beat, or the beat then the beat minus the recording's median "
        "beat (default: beat+diff for mitdb, beat for ecg5000)",
    )
    p.add_argument("--val-records", default=",".join(datasets.VALIDATION))
    p.add_argument(
        "--folds",
        type=int,
        help="classifiers: train an ensemble of K members, each early-stopped on one held-out fold "
        "(mitdb: the 5 patient folds of DS1, mlcore.datasets.DS1_FOLDS; ecg5000: K stratified "
        "folds of the 500 training rows); validation metrics are then out of fold",
    )
    p.add_argument(
        "--cross-validate",
        action="store_true",
        help="with --folds: nested cross-validation of the recipe instead of training an artefact; "
        "each fold is predicted by an ensemble fitted on the other folds (written to "
        "OUT/crossval.json)",
    )
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--patience", type=int, default=6)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--weight-power", type=float, default=0.5, help="class weight exponent")
    p.add_argument(
        "--max-class-weight",
        type=float,
        help="cap on a class's weight, in units of the largest class's (default: none)",
    )
    p.add_argument("--max-per-class", type=int, default=8000, help="per-epoch class subsample")
    p.add_argument("--label-smoothing", type=float, default=0.0, help="classifiers")
    p.add_argument("--no-augment", action="store_true")
    p.add_argument(
        "--stretch",
        type=float,
        default=0.0,
        help="mitdb classifiers: stretch training beats in time about the R-peak by up to this fraction",
    )
    p.add_argument("--width", type=int, help="model width (cnn) / hidden size (dnn, lstm)")
    p.add_argument("--latent", type=int, help="ae: bottleneck size (default 16)")
    p.add_argument("--pool", type=int, default=1, help="ae: average-pool the beat by this first")
    p.add_argument("--morphology-dropout", type=float, help="cnn: see mlcore.models.cnn")
    p.add_argument("--threshold-quantile", type=float, default=99.0, help="autoencoder threshold")
    p.add_argument(
        "--relative-score",
        action="store_true",
        help="mitdb ae: score each beat's error over the median error of its recording's beats",
    )
    p.add_argument("--classifier", type=Path, help="combined: classifier artefact folder")
    p.add_argument("--autoencoder", type=Path, help="combined: autoencoder artefact folder")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--threads", type=int, default=1, help="torch threads (1 is fastest on a busy machine)"
    )
    p.add_argument(
        "--reviewed-labels",
        type=Path,
        help="mitdb: add reviewers' labelled beats exported by export_review_labels (training only)",
    )
    p.add_argument(
        "--limit-records", type=int, help="use only the first N training records (tests)"
    )
    return p


def per_record(errors: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each record's errors over that record's median (``relative_to_recording``), as the
    platform scores a recording."""
    out = np.empty_like(errors)
    for group in np.unique(groups):
        mask = groups == group
        out[mask] = relative_to_recording(errors[mask])
    return out


def stretch_centre(args, window: dict) -> int:
    """The R-peak's sample in the training windows, about which ``--stretch`` stretches them."""
    if not args.stretch:
        return 0
    if args.dataset != "mitdb" or args.model not in CLASSIFIERS:
        raise SystemExit("--stretch is for mitdb classifiers (windows centred on the R-peak)")
    return round(window["before_s"] * window["fs"])


def load_splits(args) -> tuple[BeatDataset, BeatDataset | None, np.ndarray | None, dict, dict]:
    """Training beats, validation beats (or, with --folds, None and the fold of each training
    beat), the split description and the input description."""
    if args.folds and args.dataset == "mitdb" and args.folds != len(datasets.DS1_FOLDS):
        raise SystemExit(f"mitdb --folds must be {len(datasets.DS1_FOLDS)} (DS1_FOLDS)")
    if args.dataset == "mitdb":
        val_records = () if args.folds else tuple(r for r in args.val_records.split(",") if r)
        if outside := sorted(set(val_records) - set(datasets.DS1)):
            raise SystemExit(f"--val-records must be DS1 records, not {','.join(outside)}")
        train_records = tuple(r for r in datasets.DS1 if r not in val_records)
        if args.limit_records:
            train_records = train_records[: args.limit_records]
        train = datasets.mitdb_beats(train_records, data_dir=args.data_dir, leads=args.leads)
        val = None
        if val_records:
            val = datasets.mitdb_beats(val_records, data_dir=args.data_dir, leads=args.leads)
        added = 0
        if args.reviewed_labels:
            from mlcore.labels import append_reviewed

            train, added = append_reviewed(train, args.reviewed_labels, args.leads)
        split = {
            "protocol": "de Chazal 2004 inter-patient: train on DS1, test on DS2 (not used in training; docs/models.md says how it was used)",
            "train records": train_records,
            "validation records (held-out DS1 patients)": val_records
            or "out of fold: " + " | ".join(" ".join(f) for f in datasets.DS1_FOLDS),
            "test records (DS2)": datasets.DS2,
            "excluded (paced)": datasets.PACED,
        }
        if args.reviewed_labels:
            split["reviewed beats added to training"] = f"{added} from {args.reviewed_labels}"
        window = {
            "fs": 360.0,
            "before_s": BEFORE_S,
            "after_s": AFTER_S,
            "length": int(train.windows.shape[2]),
            "leads": args.leads,
        }
        folds = group_folds(train.groups, datasets.DS1_FOLDS) if args.folds else None
        return train, val, folds, split, window
    full, _ = datasets.ecg5000(args.data_dir)
    window = {"fs": "n/a (UCR, 140 samples per beat)", "length": 140, "leads": 1}
    protocol = "UCR published split: 500 train / 4500 test (the test rows are not used in training)"
    if args.folds:
        split = {
            "protocol": protocol,
            "validation": f"out of fold: {args.folds} stratified folds of the 500 training rows",
        }
        return full, None, stratified_folds(full.labels, args.folds, args.seed), split, window
    val_mask = ecg5000_validation(full.labels, args.seed)
    split = {
        "protocol": protocol,
        "validation": "stratified random 20% of the 500 training rows (one patient: chf07)",
    }
    return full.subset(~val_mask), full.subset(val_mask), None, split, window


def ecg5000_validation(labels: np.ndarray, seed: int) -> np.ndarray:
    """Mask of a stratified random 20% of the ECG5000 training rows (the validation split)."""
    rng = np.random.default_rng(seed)
    mask = np.zeros(len(labels), dtype=bool)
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        mask[rng.choice(members, int(round(0.2 * len(members))), replace=False)] = True
    return mask


def member_folds(args, clf, val: BeatDataset) -> np.ndarray:
    """For each validation example, the member of the ``clf`` ensemble that held it out."""
    if args.dataset == "mitdb":
        return group_folds(val.groups, datasets.DS1_FOLDS)
    full, _ = datasets.ecg5000(args.data_dir)
    folds = stratified_folds(full.labels, len(clf.model.members), clf.config["training"]["seed"])
    return folds[ecg5000_validation(full.labels, args.seed)]


def val_score(classes: tuple[str, ...]):
    """Mean F1 over classes with at least max(5, 0.5% of the split) validation examples.

    Rarer classes (MIT-BIH F and Q in the held-out records) make the score too noisy to stop on.
    """

    def score(y_true: np.ndarray, logits: np.ndarray) -> float:
        report = classification_report(y_true, logits.argmax(1), classes)
        least = max(5, 0.005 * len(y_true))
        f1 = [m["f1"] for m in report["per_class"].values() if m["support"] >= least]
        return float(np.mean(f1))

    return score


def report_cross_validation(args, argv, recipe: tuple, classes: tuple[str, ...]) -> int:
    """Nested cross-validation of the ``fit_fold_ensemble`` recipe (its arguments): print per-class
    Se / +P and write OUT/crossval.json."""
    started = time.perf_counter()
    logits = cross_validate(*recipe)
    _, data, folds, *_ = recipe
    predicted = folds >= 0
    y, log_probs = data.y[predicted], logits[predicted]
    report = classification_report(y, log_probs.argmax(1), classes)
    report = {
        "command": "python -m mlcore.train " + shlex.join(argv),
        "split": f"nested cross-validation over {int(folds.max()) + 1} folds",
        "time_s": round(time.perf_counter() - started, 1),
        **report,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "crossval.json").write_text(json.dumps(report, indent=2) + "\n")
    np.savez_compressed(
        args.out / "crossval-predictions.npz",
        log_probs=log_probs,
        labels=y,
        folds=folds[predicted],
    )
    print(f"nested cross-validation, accuracy {100 * report['accuracy']:.2f}%")
    print_per_class(report)
    return 0


def print_per_class(metrics: dict) -> None:
    for name, m in metrics.get("per_class", {}).items():
        print(f"  {name}: Se {100 * m['se']:.1f}  +P {100 * m['ppv']:.1f}  n={m['support']}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser().parse_args(argv)
    torch.set_num_threads(max(1, min(args.threads, 2)))
    seed_everything(args.seed)
    started = time.perf_counter()
    if args.folds and args.model not in CLASSIFIERS:
        raise SystemExit("--folds trains classifiers only (cnn, dnn, lstm, transformer)")
    if args.relative_score and (args.model, args.dataset) != ("ae", "mitdb"):
        raise SystemExit(
            "--relative-score is for --model ae --dataset mitdb (rows are not recordings)"
        )
    if args.cross_validate and not args.folds:
        raise SystemExit("--cross-validate needs --folds")
    try:
        train, val, folds, split, window = load_splits(args)
    except SignalError as exc:  # missing or unreadable data: say which, without a traceback
        raise SystemExit(f"error: {exc}") from None
    classes = train.classes
    held_out = f"{args.folds} folds" if folds is not None else f"val {val.class_counts().tolist()}"
    print(f"train {len(train)} beats {train.class_counts().tolist()}, {held_out}")
    rr_mean, rr_std = rr_statistics(train.rr)
    settings = Settings(
        epochs=args.epochs,
        patience=args.patience,
        batch_size=args.batch_size,
        lr=args.lr,
        weight_decay=args.weight_decay,
        weight_power=args.weight_power,
        max_weight=args.max_class_weight,
        augment=not args.no_augment,
        max_per_class=args.max_per_class,
        seed=args.seed,
        label_smoothing=args.label_smoothing,
        stretch=args.stretch,
        stretch_centre=stretch_centre(args, window),
    )
    kind = args.input or ("beat+diff" if args.dataset == "mitdb" else "beat")
    if args.model == "combined":
        kind = load_artefact(args.classifier).config["input"]
    window["input"] = kind
    tr = Arrays(train.inputs(kind), standardise_rr(train.rr, rr_mean, rr_std), train.labels)
    va = None  # with --folds each member holds out its own fold
    if val is not None:
        va = Arrays(val.inputs(kind), standardise_rr(val.rr, rr_mean, rr_std), val.labels)
    n_leads, length, n_rr = tr.x.shape[1], tr.x.shape[2], tr.rr.shape[1]
    threshold = None
    description = ""
    if args.model in CLASSIFIERS:
        params = {"n_leads": n_leads, "length": length, "n_rr": n_rr, "n_classes": len(classes)}
        if args.width:
            params["width" if args.model == "cnn" else "hidden"] = args.width
        if args.morphology_dropout is not None and args.model == "cnn":
            params["morphology_dropout"] = args.morphology_dropout
        description = f"{args.model} beat classifier ({', '.join(classes)})."
        if folds is None:
            model = build_model(args.model, **params)
            history = fit_classifier(model, tr, va, len(classes), settings, val_score(classes))
            logits, y_val = predict_logits(model, va.x, va.rr), va.y
        else:
            # The same arguments train the artefact or measure it by nested cross-validation.
            recipe = (
                lambda: build_model(args.model, **params),
                tr,
                folds,
                len(classes),
                settings,
                val_score(classes),
            )
            if args.cross_validate:
                return report_cross_validation(args, argv, recipe, classes)
            model, history, logits = fit_fold_ensemble(*recipe)
            logits, y_val = logits[folds >= 0], tr.y[folds >= 0]
            params = {"member": args.model, "params": params, "n_members": len(model.members)}
            description = (
                f"Ensemble of {len(model.members)} {args.model} beat classifiers "
                f"({', '.join(classes)}), each trained with one fold held out for early stopping; "
                "their probabilities are averaged."
            )
        metrics = classification_report(y_val, logits.argmax(1), classes)
    elif args.model == "ae":
        params = {"n_leads": n_leads, "length": length}
        if args.latent:
            params["latent"] = args.latent
        if args.width:
            params["width"] = args.width
        if args.pool > 1:
            params["pool"] = args.pool
        model = build_model("ae", **params)
        normal = 0  # N for MIT-BIH, class 1 for ECG5000
        history = fit_autoencoder(model, tr.x[tr.y == normal], va.x[va.y == normal], settings)
        scores = reconstruction_error(model, va.x)
        if args.relative_score:
            scores = per_record(scores, val.groups)
        q = args.threshold_quantile
        value = float(np.percentile(scores[va.y == normal], q))
        rule = RELATIVE_RULE if args.relative_score else THRESHOLD_RULE
        threshold = {
            "threshold": value,
            "rule": rule.format(q=q, fp=round(100 - q, 3)),
            "quantile": q,
            "relative": args.relative_score,
        }
        flagged = scores > value
        abnormal = va.y != normal
        metrics = {
            "roc_auc_normal_vs_abnormal": roc_auc(abnormal, scores),
            "flagged_normal_fraction": float(flagged[~abnormal].mean()),
            "flagged_abnormal_fraction": float(flagged[abnormal].mean()) if abnormal.any() else 0.0,
            "val_normal_mean_error": float(scores[~abnormal].mean()),
        }
        score = (
            "error over the median error of the recording's beats"
            if args.relative_score
            else "error"
        )
        description = (
            "Convolutional autoencoder trained on normal beats only; the mean squared reconstruction "
            f"{score} is the anomaly score, compared with the threshold below."
        )
    else:
        if not (args.classifier and args.autoencoder):
            raise SystemExit("--model combined needs --classifier DIR and --autoencoder DIR")
        clf, ae = load_artefact(args.classifier), load_artefact(args.autoencoder)
        if (clf.input, clf.n_leads) != (ae.input, ae.n_leads):
            raise SystemExit("classifier and autoencoder must read the same input and leads")
        params = {
            "classifier_name": clf.name,
            "classifier": clf.config["params"],
            "autoencoder": ae.config["params"],
            "n_classes": len(classes),
        }
        model = build_model("combined", **params)
        model.classifier.load_state_dict(clf.model.state_dict())
        model.autoencoder.load_state_dict(ae.model.state_dict())
        rr_mean, rr_std = clf.rr_mean, clf.rr_std
        va = Arrays(va.x, standardise_rr(val.rr, rr_mean, rr_std), val.labels)
        # The head is fitted on the autoencoder's held-out split, where the classifier's outputs must
        # be held out too: an ensemble's own training beats are near-perfect and teach the head
        # nothing, so each beat takes the log-probabilities of the member that never saw it.
        if clf.name == ENSEMBLE:
            members = member_folds(args, clf, val)
            logits = out_of_fold_log_probs(clf.model, va.x, va.rr, members, len(classes))
        else:
            logits = predict_logits(clf.model, va.x, va.rr)
        score = np.log(reconstruction_error(ae.model, va.x) + 1e-6)[:, None]
        history = fit_head(
            model.head, np.concatenate([logits, score], axis=1), va.y, settings.weight_power
        )
        metrics = classification_report(va.y, predict_logits(model, va.x, va.rr).argmax(1), classes)
        description = (
            f"Combined model: {clf.name} classifier ({args.classifier}) and autoencoder "
            f"({args.autoencoder}) frozen; a linear head on the classifier's output and the log "
            "reconstruction error, fitted on the autoencoder's validation split with out-of-fold "
            "classifier outputs there (its metrics below are therefore optimistic)."
        )
    elapsed = time.perf_counter() - started
    config = {
        "model": ENSEMBLE if folds is not None else args.model,
        "params": params,
        "description": description,
        "dataset": args.dataset,
        "classes": list(classes),
        "split": split,
        "window": window,
        "input": kind,
        "preprocessing": "band-pass 0.5-40 Hz (zero phase) at 360 Hz; per-record R-peak amplitude "
        "scaling and per-window median removal (mlcore.segment.beat_windows)"
        if args.dataset == "mitdb"
        else "as published (each series z-normalised by the archive)",
        "rr_features": list(RR_FEATURES) if n_rr else [],
        "training": {
            **settings.__dict__,
            "epochs_run": [len(h) for h in history] if folds is not None else len(history),
        },
        "history": history,
        "n_parameters": int(sum(p.numel() for p in model.parameters())),
        "train_time_s": round(elapsed, 1),
        "threads": torch.get_num_threads(),
        "command": "python -m mlcore.train " + shlex.join(argv),
    }
    metrics = {"split": "validation" if folds is None else "out of fold", **metrics}
    save_artefact(args.out, model, config, rr_mean, rr_std, metrics, threshold)
    print(f"wrote {args.out} in {elapsed:.0f} s")
    summary = {k: v for k, v in metrics.items() if isinstance(v, float)}
    print(summary)
    print_per_class(metrics)
    return 0
