"""A recording deleted while a worker stores a chunk of its analysis: the deletion waits for the
worker's row and deletes it with the rest, instead of failing on it."""

import threading

import numpy as np
import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models.signals import post_save

from analysis import pipeline
from analysis.models import Analysis, ChunkResult
from recordings.models import Recording
from tests.platform.review_helpers import make_case


class TinyChunk:
    beat_times_s = np.zeros(3)

    def as_arrays(self) -> dict:
        return {"beat_times_s": self.beat_times_s}


@pytest.mark.parametrize("delete", ["one", "queryset"])
@pytest.mark.django_db(transaction=True)
def test_deletion_waits_for_a_chunk_being_stored(alice, media_root, delete):
    recording = make_case(alice).analysis.recording
    analysis = Analysis.objects.create(recording=recording, status="running", n_chunks=2)
    stored, errors = threading.Event(), []

    def hold_the_transaction(sender, **kwargs):
        stored.set()
        threading.Event().wait(0.5)  # the deletion starts meanwhile

    def worker():
        try:
            pipeline.store_chunk(Analysis.objects.get(pk=analysis.pk), 0, TinyChunk(), 1.0)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    post_save.connect(hold_the_transaction, sender=ChunkResult)
    try:
        thread = threading.Thread(target=worker)
        thread.start()
        assert stored.wait(10)
        if delete == "one":
            Recording.objects.get(pk=recording.pk).delete()
        else:
            Recording.objects.filter(pk=recording.pk).delete()
        thread.join(30)
    finally:
        post_save.disconnect(hold_the_transaction, sender=ChunkResult)
    assert not errors
    assert not Recording.objects.exists() and not ChunkResult.objects.exists()
    assert not default_storage.exists(f"{analysis.storage_prefix}/chunk-0000.npz")
