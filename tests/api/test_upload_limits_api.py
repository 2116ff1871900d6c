"""API uploads over Django's request limits answer 400 `upload_rejected`, never 500."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from recordings.models import Recording
from tests.api.helpers import API, assert_error
from tests.platform.helpers import upload_file


def test_more_files_than_the_limit(api_alice):
    files = [SimpleUploadedFile(f"part{i}.csv", b"1\n2\n") for i in range(51)]
    response = api_alice.post(f"{API}/recordings/", {"files": files}, format="multipart")
    assert "at most 50 files" in assert_error(response, 400, "upload_rejected")["message"]
    assert not Recording.objects.exists()


def test_text_field_over_the_memory_limit(api_alice, settings, ecg_csv):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2**20
    data = {"files": [upload_file(ecg_csv)], "name": "x" * (2**20 + 1), "sampling_rate": 250}
    response = api_alice.post(f"{API}/recordings/", data, format="multipart")
    error = assert_error(response, 400, "upload_rejected")
    assert "larger than the 1 MB limit" in error["message"]
    assert not Recording.objects.exists()


def test_session_upload_over_the_limit(alice):
    """A session client's CSRF check reads the body during authentication: same answer."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get(reverse("upload"))  # sets the CSRF cookie; the check then reads the body
    files = [SimpleUploadedFile(f"part{i}.csv", b"1\n2\n") for i in range(51)]
    token = client.cookies["csrftoken"].value
    response = client.post(f"{API}/recordings/", {"files": files}, HTTP_X_CSRFTOKEN=token)
    assert_error(response, 400, "upload_rejected")
