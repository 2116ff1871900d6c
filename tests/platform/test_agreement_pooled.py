"""Agreement with the files' beat annotations across recordings: each annotated recording's
latest succeeded analysis, and all of them pooled; page and API; the user's own only."""

from __future__ import annotations

import numpy as np
from django.urls import reverse

from analysis.models import Analysis
from mlcore.agreement import agreement_summary
from recordings.models import Recording
from tests.api.helpers import API, token_client


def matrix(n: int, v: int, v_as_n: int = 0) -> np.ndarray:
    cm = np.zeros((6, 6), dtype=np.int64)
    cm[0, 0], cm[2, 2], cm[2, 0] = n, v, v_as_n
    return cm


def scored(owner, name: str, cm: np.ndarray | None, fmt: str = "wfdb", **fields) -> Analysis:
    recording = Recording.objects.create(
        owner=owner,
        name=name,
        format=fmt,
        main_file=f"{name}.hea",
        sampling_rate=360,
        n_samples=3600,
        duration_s=10,
    )
    return made(recording, cm, **fields)


def made(recording: Recording, cm: np.ndarray | None, **fields) -> Analysis:
    summary = {"reference_agreement": agreement_summary(cm) if cm is not None else None}
    fields = {"status": "succeeded", "model_versions": {"classifier": "cnn-mitdb@abc"}} | fields
    return Analysis.objects.create(recording=recording, summary=summary, **fields)


def test_latest_succeeded_analyses_are_pooled(alice, bob, alice_client):
    first = scored(alice, "200", matrix(90, 8, 2), status="succeeded")
    made(first.recording, matrix(1, 1))  # a later re-run is the one that counts
    made(first.recording, None, status="failed")  # failed: passed over
    latest = first.recording.analyses.filter(status="succeeded").order_by("-id").first()
    scored(alice, "119", matrix(50, 40))
    scored(alice, "plain", None)  # a WFDB record without annotations
    scored(alice, "holter", matrix(1000, 0), fmt="csv")  # CSV carries no annotations
    scored(bob, "bobs", matrix(7, 7))

    body = token_client(alice).get(f"{API}/recordings/agreement/").json()
    assert [r["name"] for r in body["recordings"]] == ["119", "200"]
    assert body["recordings"][1]["analysis"] == latest.pk
    assert body["recordings"][1]["classifier"] == "cnn-mitdb@abc"
    pooled = body["pooled"]
    assert pooled["annotated_beats"] == 50 + 40 + 1 + 1
    assert pooled["per_class"]["V"] == {"annotated": 41, "se": 1.0, "ppv": 1.0}

    page = alice_client.get(reverse("agreement")).text
    assert "All 2 recordings pooled" in page and "92 annotated beats" in page
    assert "bobs" not in page and "holter" not in page


def test_nothing_annotated_says_how_to_get_it(alice_client, alice):
    scored(alice, "plain", None)
    page = alice_client.get(reverse("agreement")).text
    assert "None of your analysed recordings carries beat annotations" in page
    assert token_client(alice).get(f"{API}/recordings/agreement/").json() == {
        "recordings": [],
        "pooled": None,
    }


def test_different_models_are_pointed_out(alice_client, alice):
    scored(alice, "a", matrix(5, 5))
    scored(alice, "b", matrix(5, 5), model_versions={"classifier": "cnn-mitdb@new"})
    assert "analysed with different models" in alice_client.get(reverse("agreement")).text
