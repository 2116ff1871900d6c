"""Uploads over Django's request limits get a page that says so (400), not a bare error page."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from recordings.models import Recording
from tests.platform.helpers import upload_file


def many_files(n: int) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"part{i}.csv", b"1\n2\n") for i in range(n)]


def assert_limit_page(response, fragment: str) -> None:
    assert response.status_code == 400
    page = response.content.decode()
    assert fragment in page, page
    assert "Try again" in page and reverse("upload") in page
    assert "Traceback" not in page


def test_more_files_than_the_limit(alice_client):
    response = alice_client.post(reverse("upload"), {"files": many_files(51)})
    assert_limit_page(response, "at most 50 files")
    assert not Recording.objects.exists()


def test_text_field_over_the_memory_limit(alice_client, settings, ecg_csv):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2**20
    data = {"files": [upload_file(ecg_csv)], "name": "x" * (2**20 + 1), "sampling_rate": "250"}
    response = alice_client.post(reverse("upload"), data)
    assert_limit_page(response, "larger than the 1 MB limit")
    assert not Recording.objects.exists()


def test_limit_page_comes_before_the_csrf_check(alice):
    """A browser's form post is CSRF-checked, which reads the body first: the page still shows."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get(reverse("upload"))  # sets the CSRF cookie, as the browser has it
    token = client.cookies["csrftoken"].value
    data = {"files": many_files(51), "csrfmiddlewaretoken": token}
    response = client.post(reverse("upload"), data)
    assert_limit_page(response, "at most 50 files")
