"""The analysis pipeline's plain functions, called the way the Celery tasks call them."""

import numpy as np
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from analysis import pipeline
from analysis.models import Analysis, ChunkResult, Event
from recordings.models import Recording
from tests.platform.helpers import run_analysis_inline, upload_file, wfdb_slice


@pytest.fixture
def analysis_119(alice_client, alice, mitdb, tmp_path) -> Analysis:
    """Three minutes of MIT-BIH 119 (ventricular bigeminy), uploaded and queued."""
    files = wfdb_slice(mitdb, "119", 180, tmp_path)
    response = alice_client.post(reverse("upload"), {"files": files})
    assert response.status_code == 302
    return Analysis.objects.get(recording__owner=alice)


def test_succeeds_with_summary_events_and_artefacts(analysis_119):
    run_analysis_inline(analysis_119.pk)
    analysis_119.refresh_from_db()
    assert analysis_119.status == "succeeded", analysis_119.error
    assert analysis_119.progress == 100
    summary = analysis_119.summary
    assert 180 < summary["beats"] < 260
    assert summary["beats_by_class"]["V"] > 20  # bigeminy: every other beat is a PVC
    assert 0 < summary["abnormal_beats_pct"] < 60
    assert summary["hr_min_bpm"] <= summary["hr_mean_bpm"] <= summary["hr_max_bpm"]
    assert summary["readable_pct"] > 90
    assert summary["classified_lead"] == "MLII"
    types = set(analysis_119.events.values_list("type", flat=True))
    assert types & {"bigeminy", "pvc", "v_couplet"}
    assert set(analysis_119.model_versions) == {"classifier", "autoencoder", "code", "chunks"}
    assert analysis_119.model_versions["chunks"] == "1800 s, margins 60 s"
    assert analysis_119.model_versions["classifier"].startswith("cnn-mitdb@")
    assert analysis_119.timings["total_s"] > 0
    for name in [analysis_119.artefacts["results"], *analysis_119.artefacts["envelope"]]:
        assert default_storage.exists(name)
    assert not any(default_storage.exists(chunk.file) for chunk in analysis_119.chunks.all())


def test_chunked_run_finds_the_same_beats(analysis_119, settings, alice_client):
    run_analysis_inline(analysis_119.pk)
    whole = pipeline_beats(analysis_119)
    settings.ANALYSIS_CHUNK_S = 50  # four chunks, three borders
    rerun = Analysis.start(analysis_119.recording)
    run_analysis_inline(rerun.pk)
    rerun.refresh_from_db()
    assert rerun.n_chunks == 4
    assert rerun.model_versions["chunks"] == "50 s, margins 60 s"  # a run to compare says so
    chunked = pipeline_beats(rerun)
    # No beat doubled or lost at the borders. Positions may move by a few samples: the detector
    # weighs leads over the signal it is given, and a chunk is shorter than the whole.
    assert len(chunked) == len(whole)
    np.testing.assert_allclose(chunked, whole, atol=0.05)


def pipeline_beats(analysis: Analysis) -> np.ndarray:
    from analysis.timeline import results

    analysis.refresh_from_db()
    return results(analysis)["beat_times_s"]


def test_redelivered_chunk_and_finalize_change_nothing(analysis_119):
    run_analysis_inline(analysis_119.pk)
    analysis_119.refresh_from_db()
    events = list(analysis_119.events.values_list("type", "start_s"))
    finished = analysis_119.finished
    pipeline.run_chunk(analysis_119.pk, 0)
    pipeline.finalize(analysis_119.pk)
    pipeline.start(analysis_119.pk)
    analysis_119.refresh_from_db()
    assert analysis_119.finished == finished
    assert ChunkResult.objects.filter(analysis=analysis_119).count() == analysis_119.n_chunks
    assert list(analysis_119.events.values_list("type", "start_s")) == events


def test_chunk_delivered_twice_while_running_is_stored_once(analysis_119, settings):
    settings.ANALYSIS_CHUNK_S = 60
    todo = pipeline.start(analysis_119.pk)
    assert todo == [0, 1, 2]
    pipeline.run_chunk(analysis_119.pk, 1)
    pipeline.run_chunk(analysis_119.pk, 1)
    assert ChunkResult.objects.filter(analysis=analysis_119).count() == 1
    for index in (0, 2, 2):
        pipeline.run_chunk(analysis_119.pk, index)
    analysis_119.refresh_from_db()
    assert analysis_119.status == "succeeded"
    keys = list(Event.objects.filter(analysis=analysis_119).values_list("type", "start_s"))
    assert len(keys) == len(set(keys)) > 0


def test_reanalysis_keeps_the_earlier_one(analysis_119):
    run_analysis_inline(analysis_119.pk)
    first_events = analysis_119.events.count()
    second = Analysis.start(analysis_119.recording)
    run_analysis_inline(second.pk)
    assert analysis_119.recording.analyses.count() == 2
    assert analysis_119.events.count() == first_events
    assert second.events.count() == first_events


def test_unreadable_stored_file_fails_with_a_message(alice_client, alice, ecg_csv):
    alice_client.post(reverse("upload"), {"files": [upload_file(ecg_csv)], "sampling_rate": "250"})
    analysis = Analysis.objects.get(recording__owner=alice)
    stored = analysis.recording.files.get()
    with open(stored.file.path, "w") as fh:
        fh.write("I,II\n0.1,0.2\nnot,numbers\n")
    run_analysis_inline(analysis.pk)
    analysis.refresh_from_db()
    assert analysis.status == "failed"
    assert "holter.csv" in analysis.error


def test_missing_analysis_is_ignored(db):
    assert pipeline.start(987654) == []
    pipeline.run_chunk(987654, 0)
    assert not Analysis.objects.exists()


def test_a_recording_deleted_while_finalizing_leaves_no_files(
    analysis_119, monkeypatch, media_root, django_capture_on_commit_callbacks
):
    written = pipeline.write_artefacts

    def write_then_delete(analysis, *args):
        artefacts = written(analysis, *args)  # the owner deletes the recording meanwhile
        with django_capture_on_commit_callbacks(execute=True):
            analysis.recording.delete()
        return artefacts

    monkeypatch.setattr(pipeline, "write_artefacts", write_then_delete)
    run_analysis_inline(analysis_119.pk)
    assert not Analysis.objects.filter(pk=analysis_119.pk).exists()
    assert [p for p in media_root.rglob("*") if p.is_file()] == []


def test_a_recording_deleted_while_a_chunk_ran_leaves_no_files(
    analysis_119, monkeypatch, media_root, django_capture_on_commit_callbacks
):
    computed = pipeline.compute_chunk

    def compute_then_delete(analysis, span):
        result = computed(analysis, span)  # the owner deletes the recording meanwhile
        with django_capture_on_commit_callbacks(execute=True):
            Recording.objects.filter(pk=analysis.recording_id).delete()
        return result

    monkeypatch.setattr(pipeline, "compute_chunk", compute_then_delete)
    uid = str(analysis_119.recording.uid)
    run_analysis_inline(analysis_119.pk)
    assert not ChunkResult.objects.exists()
    assert [p for p in media_root.rglob("*") if p.is_file() or uid in p.parts] == []


def test_a_crash_while_stitching_fails_the_analysis_at_once(analysis_119, monkeypatch):
    def crash(*args):
        raise ValueError("Object arrays cannot be loaded when allow_pickle=False")

    monkeypatch.setattr(pipeline, "stitch", crash)
    run_analysis_inline(analysis_119.pk)
    analysis_119.refresh_from_db()
    assert analysis_119.status == "failed"
    assert analysis_119.error == pipeline.INTERNAL_ERROR
    assert not Analysis.is_running(analysis_119.recording)  # so a re-run is not refused
