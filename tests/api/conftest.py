"""Fixtures of the REST API tests: token clients for alice and bob, and alice's objects."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from analysis.models import Analysis, Webhook, WebhookDelivery
from recordings.models import Recording
from tests.api.helpers import API, Receiver, token_client
from tests.platform.conftest import (  # noqa: F401  (fixtures shared with the platform tests)
    alice,
    alice_client,
    bob,
    bob_client,
    ecg_csv,
    fresh_throttles,
    media_root,
    record_100,
)
from tests.platform.helpers import run_analysis_inline, wfdb_slice


@pytest.fixture
def receiver() -> Receiver:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def finished(alice, settings) -> Analysis:  # noqa: F811
    """A succeeded analysis of alice's (rows only: webhooks do not read its results)."""
    settings.WEBHOOK_ALLOW_PRIVATE = True
    recording = Recording.objects.create(
        owner=alice,
        name="holter",
        format="csv",
        main_file="h.csv",
        sampling_rate=250,
        n_samples=5000,
        duration_s=20,
    )
    return Analysis.objects.create(recording=recording, status="succeeded", progress=100)


@pytest.fixture
def api_alice(alice) -> APIClient:  # noqa: F811
    return token_client(alice)


@pytest.fixture
def api_bob(bob) -> APIClient:  # noqa: F811
    return token_client(bob)


def slice_119(mitdb, tmp_path, seconds: float = 120) -> list[SimpleUploadedFile]:
    return wfdb_slice(mitdb, "119", seconds, tmp_path)


@dataclass
class Objects:
    """One of each kind of object alice owns, for permission and schema tests."""

    recording: Recording
    analysis: Analysis
    webhook: Webhook
    delivery: WebhookDelivery
    file_name: str


@pytest.fixture
def alices_objects(api_alice, alice, mitdb, tmp_path) -> Objects:  # noqa: F811
    """Alice's uploaded and analysed 120 s of record 119, a webhook and a logged delivery."""
    response = api_alice.post(
        f"{API}/recordings/", {"files": slice_119(mitdb, tmp_path)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    recording = Recording.objects.get(pk=response.json()["id"])
    analysis = recording.analyses.get()
    run_analysis_inline(analysis.pk)
    analysis.refresh_from_db()
    assert analysis.status == "succeeded", analysis.error
    webhook = Webhook.objects.create(owner=alice, url="http://127.0.0.1:9/hook")
    delivery = WebhookDelivery.objects.create(
        webhook=webhook, analysis=analysis, event="analysis.succeeded", payload={"x": 1}
    )
    return Objects(recording, analysis, webhook, delivery, "119.hea")
