"""The upload and re-run buttons spend the same per-user budget as the API's uploads and re-runs."""

from django.urls import reverse

from tests.api.helpers import API, token_client
from tests.platform.helpers import upload_file


def two_per_minute(settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100/min", "user": "100/min", "upload": "2/min"},
    }


def test_the_page_and_the_api_share_one_upload_budget(settings, alice, alice_client, ecg_csv):
    two_per_minute(settings)
    first = alice_client.post(
        reverse("upload"), {"files": [upload_file(ecg_csv)], "sampling_rate": 250}
    )
    assert first.status_code == 302  # uploaded
    api = token_client(alice).post(
        f"{API}/recordings/", {"files": [upload_file(ecg_csv)], "sampling_rate": 250}
    )
    assert api.status_code == 201  # the second upload of the budget
    refused = alice_client.post(
        reverse("upload"), {"files": [upload_file(ecg_csv)], "sampling_rate": 250}
    )
    assert refused.status_code == 429
    assert "Too many uploads or re-runs for now: try again in 1 min." in refused.content.decode()
    assert alice.recordings.count() == 2


def test_re_runs_from_the_page_spend_the_budget(settings, alice, alice_client, ecg_csv):
    two_per_minute(settings)
    alice_client.post(reverse("upload"), {"files": [upload_file(ecg_csv)], "sampling_rate": 250})
    recording = alice.recordings.get()
    recording.analyses.update(status="succeeded")
    rerun = reverse("recording_rerun", args=[recording.pk])
    assert alice_client.post(rerun).status_code == 302
    recording.analyses.update(status="succeeded")
    refused = alice_client.post(rerun, follow=True)
    assert "Too many uploads or re-runs for now" in refused.content.decode()
    assert recording.analyses.count() == 2
