"""A file name sent in Latin-1 rather than UTF-8, which Django cannot parse, gets a message that
says so and what to do, on the upload page and in the API; nothing is stored."""

from __future__ import annotations

from django.urls import reverse

from recordings.models import Recording
from tests.api.helpers import API, assert_error

BOUNDARY = "----beatline"


def latin1_named_upload(csv: bytes) -> bytes:
    """A multipart body whose file name, "café.csv", is in Latin-1 bytes."""
    return (
        f"--{BOUNDARY}\r\n".encode()
        + b'Content-Disposition: form-data; name="sampling_rate"\r\n\r\n250\r\n'
        + f"--{BOUNDARY}\r\n".encode()
        + b'Content-Disposition: form-data; name="files"; filename="caf\xe9.csv"\r\n'
        + b"Content-Type: text/csv\r\n\r\n"
        + csv
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def test_the_page_and_the_api_say_to_rename_the_file(alice_client, api_alice, ecg_csv):
    body = latin1_named_upload(ecg_csv.read_bytes())
    content_type = f"multipart/form-data; boundary={BOUNDARY}"
    page = alice_client.post(reverse("upload"), body, content_type=content_type)
    assert page.status_code == 400
    assert "A file name that is not UTF-8" in page.text and "rename the file" in page.text
    api = api_alice.generic("POST", f"{API}/recordings/", body, content_type=content_type)
    error = assert_error(api, 400, "parse_error")
    assert "A file name that is not UTF-8" in error["message"]
    assert not Recording.objects.exists()
