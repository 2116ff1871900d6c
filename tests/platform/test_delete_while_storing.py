"""A recording deleted while a worker stores a chunk of its analysis: the deletion waits for the
worker's row and deletes it with the rest, instead of failing on it."""

import threading

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse

from analysis import pipeline
from analysis.models import Analysis, ChunkResult
from recordings.models import Recording


class TinyChunk:
    beat_times_s = np.zeros(3)

    def as_arrays(self) -> dict:
        return {"beat_times_s": self.beat_times_s}


def delete_in_the_admin(owner) -> None:
    admin = Client()
    admin.force_login(User.objects.create_superuser("root", "root@example.org", None))
    page = admin.post(reverse("admin:auth_user_delete", args=[owner.pk]), {"post": "yes"})
    assert page.status_code == 302


@pytest.mark.parametrize("delete", ["one", "queryset", "owner in the admin"])
@pytest.mark.django_db(transaction=True)
def test_deletion_waits_for_a_chunk_being_stored(alice, holter_hour, media_root, delete):
    recording = holter_hour
    analysis = Analysis.objects.create(recording=recording, status="running", n_chunks=2)
    stored, errors = threading.Event(), []

    def hold_the_transaction(sender, **kwargs):
        stored.set()
        threading.Event().wait(2)  # the deletion starts meanwhile (the admin takes a while)

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
        elif delete == "queryset":
            Recording.objects.filter(pk=recording.pk).delete()
        else:
            delete_in_the_admin(alice)
        thread.join(30)
    finally:
        post_save.disconnect(hold_the_transaction, sender=ChunkResult)
    assert not errors
    assert not Recording.objects.exists() and not ChunkResult.objects.exists()
    assert not default_storage.exists(f"{analysis.storage_prefix}/chunk-0000.npz")
