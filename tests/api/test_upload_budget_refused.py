"""Only accepted uploads and re-runs spend the upload budget: a refused upload (400) or re-run
(409) gives its place back, in the API as on the pages. The place is taken before the upload is
checked, so uploads still in progress hold theirs."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from analysis.models import ALREADY_RUNNING
from ecgsite.api import BadRequest, BudgetSpent, upload_budget
from tests.api.helpers import API, assert_error
from tests.platform.helpers import upload_file

SPENT = "Too many uploads or re-runs for now: try again in 1 min."


@pytest.fixture
def two_per_minute(settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100/min", "user": "100/min", "upload": "2/min"},
    }


def junk() -> SimpleUploadedFile:
    return SimpleUploadedFile("junk.csv", b"\x00\xff" * 100)


def test_refused_api_uploads_do_not_spend_it(two_per_minute, api_alice, alice, ecg_csv):
    url = f"{API}/recordings/"
    for _ in range(3):
        assert_error(api_alice.post(url, {"files": []}, format="multipart"), 400, "invalid")
        refused = api_alice.post(url, {"files": [junk()]}, format="multipart")
        assert_error(refused, 400, "upload_rejected")
    for _ in range(2):
        good = {"files": [upload_file(ecg_csv)], "sampling_rate": 250}
        assert api_alice.post(url, good, format="multipart").status_code == 201
    good = {"files": [upload_file(ecg_csv)], "sampling_rate": 250}
    spent = assert_error(api_alice.post(url, good, format="multipart"), 429, "throttled")
    assert spent["message"] == SPENT
    assert alice.recordings.count() == 2


def test_refused_api_re_runs_do_not_spend_it(two_per_minute, api_alice, alice, ecg_csv):
    upload = {"files": [upload_file(ecg_csv)], "sampling_rate": 250}
    assert api_alice.post(f"{API}/recordings/", upload, format="multipart").status_code == 201
    recording = alice.recordings.get()
    url = f"{API}/recordings/{recording.pk}/analyses/"
    for _ in range(3):
        assert_error(api_alice.post(url), 409, "analysis_running")
    recording.analyses.update(status="succeeded")
    assert api_alice.post(url).status_code == 202
    recording.analyses.update(status="succeeded")
    assert assert_error(api_alice.post(url), 429, "throttled")["message"] == SPENT
    assert recording.analyses.count() == 2


def test_refused_uploads_and_re_runs_on_the_pages_do_not_spend_it(
    two_per_minute, alice_client, alice, ecg_csv
):
    for _ in range(3):
        assert alice_client.post(reverse("upload"), {"files": [junk()]}).status_code == 400
    good = {"files": [upload_file(ecg_csv)], "sampling_rate": 250}
    assert alice_client.post(reverse("upload"), good).status_code == 302
    recording = alice.recordings.get()
    rerun = reverse("recording_rerun", args=[recording.pk])
    for _ in range(3):
        assert ALREADY_RUNNING in alice_client.post(rerun, follow=True).text
    recording.analyses.update(status="succeeded")
    assert "A new analysis is queued" in alice_client.post(rerun, follow=True).text
    good = {"files": [upload_file(ecg_csv)], "sampling_rate": 250}
    spent = alice_client.post(reverse("upload"), good)
    assert spent.status_code == 429 and SPENT in spent.text
    assert alice.recordings.count() == 1 and recording.analyses.count() == 2


def test_uploads_in_progress_hold_their_place(two_per_minute, alice):
    request = RequestFactory().post("/")
    request.user = alice
    with pytest.raises(BadRequest):  # refused: its place is given back
        with upload_budget(request):
            raise BadRequest("not an ECG", code="upload_rejected")
    with upload_budget(request), upload_budget(request):  # two at once, still being checked
        with pytest.raises(BudgetSpent) as spent:
            with upload_budget(request):
                pass
    assert spent.value.message == SPENT
    with pytest.raises(BudgetSpent):  # the two accepted ones keep theirs
        with upload_budget(request):
            pass
