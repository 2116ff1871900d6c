"""The analysis run as plain functions; analysis/tasks.py wraps each in a Celery task.

start -> run_chunk (one per chunk, in parallel) -> finalize (by whichever chunk completes the set).
A beat table (UCR rows) is done by start itself, in one step (run_table).
Every step is safe to run twice: a stored chunk is never recomputed, and finalize writes the events
and the final status in one transaction that only one caller can commit.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from analysis.models import INTERNAL_ERROR, Analysis, ChunkResult, Event
from analysis.storage import code_version, model_version, save_arrays, save_file
from mlcore.agreement import reference_agreement
from mlcore.analyse import ChunkResult as Chunk
from mlcore.analyse import (
    Span,
    analyse_span,
    plan_chunks,
    rescale_display,
    stitch,
    stored_scale_uv,
)
from mlcore.datasets import model_lead
from mlcore.envelope import build_levels
from mlcore.errors import SignalError
from mlcore.findings import BeatTrack, find_events, needs_review, summarise, window_table
from mlcore.infer import DefaultModels, analyse_table, load_default_models, load_table_models
from mlcore.readers import read_annotations, read_span, read_ucr
from mlcore.tables import summarise_table
from recordings.models import Recording, delete_stored

log = logging.getLogger(__name__)


def running(analysis_id: int) -> Analysis | None:
    analysis = Analysis.objects.select_related("recording").filter(pk=analysis_id).first()
    if analysis is None:
        log.warning("analysis %s no longer exists; nothing to do", analysis_id)
    elif analysis.status != Analysis.Status.RUNNING:
        log.info("analysis %s is %s, not running; nothing to do", analysis_id, analysis.status)
        return None
    return analysis


def chunk_plan(analysis: Analysis) -> list[Span]:
    return plan_chunks(
        analysis.recording.duration_s, settings.ANALYSIS_CHUNK_S, settings.ANALYSIS_MARGIN_S
    )


def start(analysis_id: int) -> list[int]:
    """Mark the analysis running; return the chunk indices still to analyse."""
    analysis = Analysis.objects.select_related("recording").filter(pk=analysis_id).first()
    if analysis is None or analysis.done:
        return []
    if analysis.recording.is_beat_table:
        run_table(analysis)
        return []
    try:
        models = load_default_models()
    except Exception:
        log.exception("cannot load the models for analysis %s", analysis_id)
        analysis.fail(INTERNAL_ERROR)
        return []
    try:
        analysis.recording.refresh_facts()
    except SignalError as exc:
        analysis.fail(str(exc))
        return []
    plan = chunk_plan(analysis)
    analysis.mark_running(len(plan), model_versions(models) | {"chunks": chunking()})
    stored = set(analysis.chunks.values_list("index", flat=True))
    todo = [span.index for span in plan if span.index not in stored]
    if not todo:
        finalize(analysis_id)
    return todo


def model_versions(models: DefaultModels) -> dict[str, str]:
    """What decides an analysis's results: both artefacts and the mlcore code that runs them."""
    return {
        "classifier": model_version(models.classifier.folder),
        "autoencoder": model_version(models.autoencoder.folder),
        "code": code_version(),
    }


def chunking() -> str:
    """How a recording is cut for the workers, which the results depend on too: each beat's
    anomaly score is judged against the median beat of its chunk."""
    return f"{settings.ANALYSIS_CHUNK_S:g} s, margins {settings.ANALYSIS_MARGIN_S:g} s"


def run_table(analysis: Analysis) -> None:
    """A beat table, in one step: classify and score every row; store the results and the final
    status (no chunks, no events)."""
    try:
        models = load_table_models()
    except Exception:
        log.exception("cannot load the beat-table models for analysis %s", analysis.pk)
        analysis.fail(INTERNAL_ERROR)
        return
    analysis.mark_running(0, model_versions(models))
    began = time.perf_counter()
    try:
        with analysis.recording.local_path() as path:
            table = read_ucr(path)
        result = analyse_table(table, models)
    except SignalError as exc:
        analysis.fail(str(exc))
        return
    except Exception:
        log.exception("beat-table analysis %s failed", analysis.pk)
        analysis.fail(INTERNAL_ERROR)
        return
    arrays = {f"row_{key}": value for key, value in result.as_arrays().items()}
    name = save_arrays(f"{analysis.storage_prefix}/results.npz", row_labels=table.labels, **arrays)
    finished = timezone.now()
    updated = Analysis.objects.filter(pk=analysis.pk, status=Analysis.Status.RUNNING).update(
        status=Analysis.Status.SUCCEEDED,
        progress=100,
        summary=summarise_table(table, result),
        artefacts={"results": name},
        timings={"table_s": round(time.perf_counter() - began, 3)},
        finished=finished,
        updated=finished,
    )
    if updated:
        analysis.announce_finished()
    elif not Analysis.objects.filter(pk=analysis.pk).exists():
        discard(analysis, [name])


def run_chunk(analysis_id: int, index: int) -> None:
    """Analyse one chunk (unless it is stored already); finalize when it was the last one."""
    analysis = running(analysis_id)
    if analysis is None:
        return
    if not analysis.chunks.filter(index=index).exists():
        began = time.perf_counter()
        try:
            result = compute_chunk(analysis, chunk_plan(analysis)[index])
        except SignalError as exc:
            analysis.fail(str(exc))
            return
        except Exception:
            log.exception("analysis %s chunk %s failed", analysis_id, index)
            analysis.fail(INTERNAL_ERROR)
            return
        store_chunk(analysis, index, result, time.perf_counter() - began)
    done = analysis.chunks.count()
    analysis.set_progress(5 + 85 * done // max(analysis.n_chunks, 1))
    if done >= analysis.n_chunks:
        finalize(analysis_id)


def compute_chunk(analysis: Analysis, span: Span) -> Chunk:
    recording = analysis.recording
    fs = recording.sampling_rate
    with recording.local_path() as path:
        signal = read_span(path, round(span.read_start_s * fs), round(span.read_stop_s * fs), fs=fs)
    return analyse_span(signal, span, load_default_models())


def store_chunk(analysis: Analysis, index: int, result: Chunk, seconds: float) -> None:
    name = save_arrays(
        f"{analysis.storage_prefix}/chunk-{index:04d}.npz",
        seconds=np.array(seconds),
        **result.as_arrays(),
    )
    try:
        with transaction.atomic():
            # Locked, so that a deletion of the recording waits for this row (RecordingQuerySet).
            if Analysis.objects.select_for_update().filter(pk=analysis.pk).first() is None:
                discard(analysis, [name])
                return
            ChunkResult.objects.create(
                analysis=analysis, index=index, file=name, n_beats=len(result.beat_times_s)
            )
    except IntegrityError:
        # Another delivery of the same chunk stored it first; keep theirs.
        if not ChunkResult.objects.filter(analysis=analysis, index=index, file=name).exists():
            default_storage.delete(name)


def discard(analysis: Analysis, names: list[str]) -> None:
    """Result files saved for an analysis that was deleted meanwhile (with its recording's
    files and folders): these belong to no one. Their folders go too, once empty."""
    delete_stored(names, [analysis.storage_prefix, analysis.recording.results_folder])


def load_chunk(row: ChunkResult) -> tuple[Chunk, float]:
    with default_storage.open(row.file, "rb") as fh, np.load(fh) as arrays:
        return Chunk.from_arrays(arrays), float(arrays["seconds"])


def finalize(analysis_id: int) -> None:
    """Stitch the chunks; store events, summary, artefacts and the final status, once."""
    analysis = running(analysis_id)
    if analysis is None:
        return
    rows = list(analysis.chunks.all())
    if len(rows) < analysis.n_chunks:
        return
    began = time.perf_counter()
    try:
        findings, summary, artefacts, chunk_seconds = stitch_results(analysis, rows)
    except Exception:
        # Failed, not left running: a re-run is possible at once, and retrying would fail alike.
        log.exception("analysis %s failed while stitching its chunks", analysis_id)
        analysis.fail(INTERNAL_ERROR)
        return
    timings = {
        "chunks_s": round(chunk_seconds, 3),
        "finalize_s": round(time.perf_counter() - began, 3),
    }
    with transaction.atomic():
        Analysis.objects.select_for_update().filter(pk=analysis_id).first()
        Event.objects.filter(analysis_id=analysis_id).delete()
        Event.objects.bulk_create(
            Event(analysis_id=analysis_id, **finding.as_dict()) for finding in findings
        )
        finished = timezone.now()
        timings["total_s"] = round((finished - analysis.started).total_seconds(), 3)
        updated = Analysis.objects.filter(pk=analysis_id, status=Analysis.Status.RUNNING).update(
            status=Analysis.Status.SUCCEEDED,
            progress=100,
            summary=summary,
            flagged=needs_review(findings),
            artefacts=artefacts,
            timings=timings,
            finished=finished,
            updated=finished,
        )
        if not updated:
            transaction.set_rollback(True)  # someone else finished it meanwhile, or it is gone
    if not updated:
        if not Analysis.objects.filter(pk=analysis_id).exists():
            discard(analysis, [artefacts["results"], *artefacts["envelope"]])
        return
    delete_chunk_files(rows)  # their arrays now live in the results and envelope files
    analysis.announce_finished()


def stitch_results(analysis: Analysis, rows: list[ChunkResult]) -> tuple[list, dict, dict, float]:
    """The findings, summary and stored artefacts of the analysis's chunks, and the seconds the
    chunks took."""
    threshold = float(load_default_models().autoencoder.threshold)
    with tempfile.TemporaryDirectory(prefix="beatline-finalize-") as tmp:
        chunks, display, chunk_seconds = load_chunks(rows, Path(tmp))
        stitched = stitch(chunks, threshold)
        track = stitched.track
        findings = find_events(track, stitched.unreadable, stitched.vf, stitched.hidden)
        summary = summarise(track, stitched.unreadable, analysis.recording.duration_s, stitched.vf)
        summary["classified_lead"] = classified_lead(analysis.recording.lead_names)
        summary["anomaly_threshold"] = threshold
        summary["reference_agreement"] = agreement_with_file(analysis.recording, track)
        artefacts = write_artefacts(analysis, track, chunks, display, Path(tmp))
        del display
    return findings, summary, artefacts, chunk_seconds


def agreement_with_file(recording: Recording, track: BeatTrack) -> dict | None:
    """The beats found against the file's own beat annotations (a WFDB .atr), if it has any."""
    with recording.local_path() as path:
        annotations = read_annotations(path)  # read at upload, so it reads (or is None)
    if annotations is None:
        return None
    return reference_agreement(
        track.times_s, track.classes, annotations, recording.sampling_rate, recording.duration_s
    )


def classified_lead(lead_names: list[str]) -> str:
    """Name of the lead the beat models read (``mlcore.datasets.model_lead``)."""
    if not lead_names:
        return ""
    return str(lead_names[model_lead(lead_names)])


def stored_display_scale(row: ChunkResult) -> int:
    """µV per display step of a stored chunk, read before its arrays are (``np.load`` of an .npz
    reads only the arrays asked for)."""
    with default_storage.open(row.file, "rb") as fh, np.load(fh) as arrays:
        return stored_scale_uv(arrays)


def load_chunks(rows: list[ChunkResult], folder: Path) -> tuple[list[Chunk], np.ndarray, float]:
    """Per-beat arrays of every chunk, and their display samples streamed into one .npy on disk,
    all in the coarsest scale any chunk needed (each chunk's ``display_scale_uv`` says it).

    A 24-hour recording's display signal is ~125 MB; it is never held in memory twice.
    """
    scale = max(stored_display_scale(row) for row in rows)
    chunks, seconds, n_rows, leads = [], 0.0, 0, 0
    raw = folder / "display.raw"
    with open(raw, "wb") as out:
        for row in rows:
            chunk, spent = load_chunk(row)
            display = rescale_display(chunk.display, chunk.display_scale_uv, scale)
            out.write(np.ascontiguousarray(display).tobytes())
            n_rows, leads = n_rows + len(display), display.shape[1]
            chunks.append(replace(chunk, display=display[:0], display_scale_uv=scale))
            seconds += spent
    path = folder / "envelope-0.npy"
    with open(path, "wb") as out, open(raw, "rb") as src:
        header = {"descr": np.lib.format.dtype_to_descr(np.dtype(np.int16)), "fortran_order": False}
        np.lib.format.write_array_header_1_0(out, {**header, "shape": (n_rows, leads)})
        shutil.copyfileobj(src, out)
    raw.unlink()
    return chunks, np.load(path, mmap_mode="r"), seconds


def write_artefacts(analysis: Analysis, track, chunks: list[Chunk], display, folder: Path) -> dict:
    """Per-beat and per-window arrays (one .npz) and the envelope levels (one .npy each)."""
    prefix = analysis.storage_prefix
    windows = window_table(track, analysis.recording.duration_s)
    results = save_arrays(
        f"{prefix}/results.npz",
        **{f"beat_{key}": value for key, value in beats_arrays(track, chunks).items()},
        **{f"window_{key}": value for key, value in windows.items()},
    )
    levels = []
    for k, level in enumerate(build_levels(display)):
        path = folder / f"envelope-{k}.npy"
        if k:
            np.save(path, level)
        with open(path, "rb") as fh:
            levels.append(save_file(f"{prefix}/envelope-{k}.npy", File(fh)))
    return {
        "results": results,
        "envelope": levels,
        "envelope_fs": chunks[0].fs,
        "leads": analysis.recording.lead_names,
        "envelope_scale_uv": chunks[0].display_scale_uv,
        "n_samples": int(display.shape[0]),
    }


def beats_arrays(track, chunks: list[Chunk]) -> dict[str, np.ndarray]:
    return {
        "times_s": track.times_s,
        "classes": track.classes.astype(np.int8),
        "confidence": np.concatenate([c.confidence for c in chunks]),
        "scores": track.scores,
    }


def delete_chunk_files(rows: list[ChunkResult]) -> None:
    for row in rows:
        default_storage.delete(row.file)


def recover_stuck(now=None) -> list[tuple[int, str]]:
    """Re-queue analyses with no sign of life past the timeout; fail them after too many attempts."""
    actions = []
    for analysis in Analysis.objects.exclude(status__in=["succeeded", "failed"]).select_related(
        "recording"
    ):
        if not analysis.is_stuck(now):
            continue
        if analysis.attempts >= settings.ANALYSIS_MAX_ATTEMPTS:
            analysis.fail(
                f"The analysis stopped responding {analysis.attempts} times and was given up; "
                "re-run it, or contact support if it keeps failing."
            )
            actions.append((analysis.pk, "failed"))
        else:
            analysis.requeue()
            actions.append((analysis.pk, "requeued"))
    return actions
