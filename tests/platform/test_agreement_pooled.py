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


def stored_before_none(summary: dict) -> dict:
    """``summary`` as analyses stored it before a ratio of nothing was None: 0.0."""
    for m in summary["per_class"].values():
        m["se"], m["ppv"] = m["se"] or 0.0, m["ppv"] or 0.0
    return summary


def test_ratios_of_nothing_are_null_and_shown_as_a_dash(alice, alice_client):
    # Three V beats, all called N: V's Se is a real 0, its +P (nothing called V) undefined.
    old = scored(alice, "old", None)
    old.summary = {"reference_agreement": stored_before_none(agreement_summary(matrix(10, 0, 3)))}
    old.save()
    scored(alice, "new", matrix(5, 0, 1))

    body = token_client(alice).get(f"{API}/recordings/agreement/").json()
    assert [r["name"] for r in body["recordings"]] == ["new", "old"]
    assert body["recordings"][0]["agreement"]["per_class"]["V"]["ppv"] is None
    assert body["pooled"]["per_class"]["V"] == {"annotated": 4, "se": 0.0, "ppv": None}
    assert body["pooled"]["per_class"]["F"] == {"annotated": 0, "se": None, "ppv": None}

    page = alice_client.get(reverse("agreement")).text
    assert "<tr><td>V</td><td>4</td><td>0.000</td><td>-</td></tr>" in page  # pooled
    assert "<tr><td>F</td><td>0</td><td>-</td><td>-</td></tr>" in page
    table = page[page.index('class="list recordings-agreement"') :]
    for name in ("new", "old"):  # V Se / +P, then S's
        row = table[table.index(f">{name}</a>") :].split("</tr>")[0]
        assert [c.split("</td>")[0] for c in row.split("<td>")[-2:]] == ["0.000 / -", "- / -"]

    detail = alice_client.get(reverse("recording_detail", args=[old.recording_id])).text
    assert "<tr><td>V</td><td>3</td><td>0.000</td><td>-</td></tr>" in detail
    assert "<tr><td>S</td><td>0</td><td>-</td><td>-</td></tr>" in detail
