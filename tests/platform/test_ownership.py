"""One user can never see, download or delete another user's recording."""

import pytest
from django.urls import reverse

from recordings.models import Recording
from tests.platform.helpers import upload_file


@pytest.fixture
def alices_recording(alice_client, alice, ecg_csv) -> Recording:
    alice_client.post(reverse("upload"), {"files": [upload_file(ecg_csv)], "sampling_rate": "250"})
    return Recording.objects.get(owner=alice)


def test_owner_sees_downloads_and_deletes(
    alice_client, alices_recording, ecg_csv, django_capture_on_commit_callbacks
):
    detail = alice_client.get(reverse("recording_detail", args=[alices_recording.pk]))
    assert detail.status_code == 200
    download = alice_client.get(reverse("recording_file", args=[alices_recording.pk, "holter.csv"]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == ecg_csv.read_bytes()
    # Saved, never rendered: an uploaded .html or .svg cannot run on the site's origin.
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment")
    stored = alices_recording.files.get().file.path
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("recording_delete", args=[alices_recording.pk]))
    assert response.status_code == 302
    assert not Recording.objects.filter(pk=alices_recording.pk).exists()
    assert not __import__("os").path.exists(stored)


@pytest.mark.parametrize(
    "method,name,args",
    [
        ("get", "recording_detail", []),
        ("get", "recording_file", ["holter.csv"]),
        ("get", "recording_delete", []),
        ("post", "recording_delete", []),
    ],
)
def test_other_user_gets_404(bob_client, alices_recording, method, name, args):
    url = reverse(name, args=[alices_recording.pk, *args])
    assert getattr(bob_client, method)(url).status_code == 404
    assert Recording.objects.filter(pk=alices_recording.pk).exists()
    assert alices_recording.files.get().file.storage.exists(alices_recording.files.get().file.name)


def test_anonymous_is_sent_to_login(client, alices_recording):
    response = client.get(reverse("recording_detail", args=[alices_recording.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
