"""Inference: pure functions from a BeatSet (or a beat table) to class probabilities or anomaly scores.

Beats must come from ``mlcore.segment.beat_windows`` run on a signal band-passed at MODEL_FS (see
``mlcore.datasets.model_input``), one call per recording: the difference channels use the recording's
own median beat (``BeatSet.template``). Work is batched under ``torch.inference_mode``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from mlcore.checkpoint import Artefact, load_artefact
from mlcore.errors import SignalError
from mlcore.paths import (
    DEFAULT_AUTOENCODER,
    DEFAULT_CLASSIFIER,
    MODELS_DIR,
    TABLE_AUTOENCODER,
    TABLE_CLASSIFIER,
)
from mlcore.readers.records import BeatTable
from mlcore.segment import BeatSet
from mlcore.tables import (
    BEAT_LENGTH,
    TableResult,
    check_table,
    normalise_rows,
    table_beatset,
)

BATCH = 1024


@dataclass(frozen=True)
class DefaultModels:
    classifier: Artefact  # AAMI N/S/V/F/Q beat classifier
    autoencoder: Artefact  # anomaly score; ``autoencoder.threshold`` flags a beat


@lru_cache(maxsize=1)
def load_default_models() -> DefaultModels:
    """The committed artefacts under models/ (loaded once per process)."""
    return DefaultModels(
        classifier=load_artefact(MODELS_DIR / DEFAULT_CLASSIFIER),
        autoencoder=load_artefact(MODELS_DIR / DEFAULT_AUTOENCODER),
    )


@lru_cache(maxsize=1)
def load_table_models() -> DefaultModels:
    """The committed ECG5000 classifier and autoencoder, for beat tables (loaded once per process)."""
    return DefaultModels(
        classifier=load_artefact(MODELS_DIR / TABLE_CLASSIFIER),
        autoencoder=load_artefact(MODELS_DIR / TABLE_AUTOENCODER),
    )


def model_inputs(model: Artefact, beats: BeatSet, kind: str | None = None) -> np.ndarray:
    """The array the model reads: its leads, then difference channels if its input says so."""
    kind = kind or model.input
    windows, template = beats.windows, beats.template
    if windows.ndim != 3 or windows.shape[2] != model.length:
        raise SignalError(
            f"beat windows must have shape (n, leads, {model.length}), got {windows.shape}"
        )
    if windows.shape[1] < model.n_leads:
        raise SignalError(
            f"model {model.folder.name} needs {model.n_leads} lead(s), the recording has "
            f"{windows.shape[1]}"
        )
    windows, template = windows[:, : model.n_leads], template[: model.n_leads]
    if kind == "beat+diff":
        return np.concatenate([windows, windows - template[None]], axis=1)
    return windows


def _batched(fn, n: int, batch: int) -> list[torch.Tensor]:
    """``fn`` of each batch of ``batch`` items, in order. With N > 1 torch threads, N batches run
    side by side on one thread each: these narrow convolutions split badly across threads within
    one batch, and the results are the same bit for bit (docs/benchmarks.md, "Models")."""
    slices = [slice(i, i + batch) for i in range(0, n, batch)]
    threads = torch.get_num_threads()

    def run(part: slice) -> torch.Tensor:
        with torch.inference_mode():
            return fn(part)

    if threads == 1 or len(slices) == 1:
        return [run(part) for part in slices]
    torch.set_num_threads(1)  # for the batches' threads; the caller's count is put back after
    try:
        with ThreadPoolExecutor(threads) as pool:
            return list(pool.map(run, slices))
    finally:
        torch.set_num_threads(threads)


def classify_beats(model: Artefact, beats: BeatSet, batch_size: int = BATCH) -> np.ndarray:
    """(n, n_classes) softmax probabilities, columns in ``model.classes`` order (AAMI N, S, V, F, Q)."""
    n_classes = len(model.classes)
    if len(beats) == 0:
        return np.zeros((0, n_classes), dtype=np.float32)
    x = torch.from_numpy(np.ascontiguousarray(model_inputs(model, beats), np.float32))
    rr = torch.from_numpy(model.rr_inputs(beats.rr))
    parts = _batched(
        lambda s: torch.softmax(model.model(x[s], rr[s]), dim=1), len(beats), batch_size
    )
    return torch.cat(parts).numpy()


def anomaly_scores(model: Artefact, beats: BeatSet, batch_size: int = BATCH) -> np.ndarray:
    """(n,) mean squared reconstruction error, over its median (``relative_to_recording``) if the
    model's threshold is relative; beats above ``model.threshold`` are anomalous.

    With a relative model, ``beats`` must be one recording's (or one long span of it)."""
    if len(beats) == 0:
        return np.zeros(0, dtype=np.float32)
    x = torch.from_numpy(np.ascontiguousarray(model_inputs(model, beats), np.float32))
    parts = _batched(lambda s: model.model.score(x[s]), len(beats), batch_size)
    errors = torch.cat(parts).numpy()
    return relative_to_recording(errors) if model.relative_scores else errors


def relative_to_recording(errors: np.ndarray) -> np.ndarray:
    """Reconstruction errors over their median: each beat against the recording's typical beat.

    An autoencoder's errors differ between recordings by ten times and more (amplitude, noise, how
    close the patient's beats are to the training patients'), so against one fixed threshold the
    ectopic beats of a clean recording can score below the normal beats of a noisy one."""
    if len(errors) == 0:
        return errors
    return (errors / max(float(np.median(errors)), 1e-12)).astype(errors.dtype)


def analyse_table(table: BeatTable, models: DefaultModels) -> TableResult:
    """Every row of a beat table z-normalised, classified and scored (``load_table_models``)."""
    check_table(table)
    beats = table_beatset(normalise_rows(table.beats))
    probs = classify_beats(models.classifier, beats)
    classes = probs.argmax(axis=1)
    return TableResult(
        classes=classes.astype(np.int8),
        confidence=probs[np.arange(len(classes)), classes].astype(np.float32),
        scores=anomaly_scores(models.autoencoder, beats).astype(np.float32),
        threshold=float(models.autoencoder.threshold),
        median=beats.template[0],
    )


def benchmark(folders: list[str], n_beats: int = 100_000, threads: int = 2) -> dict[str, float]:
    """Seconds to run each model over ``n_beats`` real beats on CPU: MIT-BIH record 100's beats
    tiled, or for the ECG5000 models (140-sample rows) the ECG5000 test rows tiled."""
    import time

    torch.set_num_threads(threads)
    timings = {}
    inputs: dict[int, BeatSet] = {}  # by window length: read once, whatever the number of models
    for folder in folders:
        model = load_artefact(folder)
        if model.length not in inputs:
            inputs[model.length] = _benchmark_beats(model.length, n_beats)
        beats = inputs[model.length]
        run = anomaly_scores if model.name == "ae" else classify_beats
        run(model, beats.subset(np.arange(256)))  # warm-up
        started = time.perf_counter()
        run(model, beats)
        timings[folder] = time.perf_counter() - started
    return timings


def _benchmark_beats(length: int, n_beats: int) -> BeatSet:
    from mlcore.datasets import ecg5000, model_input, reference_beats
    from mlcore.paths import mitdb_dir
    from mlcore.readers import read_record
    from mlcore.segment import beat_windows

    if length == BEAT_LENGTH:
        one = table_beatset(ecg5000()[1].windows[:, 0])
    else:
        signal = read_record(mitdb_dir() / "100.hea")
        x, fs = model_input(signal)
        pos, _ = reference_beats(signal, fs, x.shape[1])
        one = beat_windows(x, pos, fs)
    return one.subset(np.resize(np.arange(len(one)), n_beats))


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m mlcore.infer", description="CPU inference benchmark"
    )
    parser.add_argument("--models", default="models/cnn-mitdb,models/ae-mitdb")
    parser.add_argument("--beats", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    results = benchmark(args.models.split(","), args.beats, args.threads)
    for folder, seconds in results.items():
        print(
            f"{folder}: {args.beats} beats in {seconds:.2f} s ({args.beats / seconds:,.0f} beats/s)"
        )
    plural = "" if args.threads == 1 else "s"
    print(f"total: {sum(results.values()):.2f} s on {args.threads} thread{plural}")
