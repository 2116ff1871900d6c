"""Every bad upload gets a clear message on the page, a 400, and stores nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recordings.models import Recording, RecordingFile
from tests.platform.helpers import upload_file


def post_upload(client, files, **data):
    return client.post(reverse("upload"), {"files": files, **data})


def page_errors(response) -> str:
    form = response.context["form"]
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@pytest.fixture
def existing(alice_client, alice, ecg_csv) -> Recording:
    """A recording Alice already has: no failed upload may touch it."""
    post_upload(alice_client, [upload_file(ecg_csv)], sampling_rate="250")
    return Recording.objects.get(owner=alice)


def assert_rejected(response, *fragments: str) -> None:
    assert response.status_code == 400
    message = page_errors(response)
    for fragment in fragments:
        assert fragment.lower() in message.lower(), message
    assert "Upload and analyse" in response.content.decode()  # the form is there to retry


def assert_nothing_new_stored(existing: Recording, media_root) -> None:
    assert list(Recording.objects.all()) == [existing]
    assert RecordingFile.objects.count() == existing.files.count() == 1
    stored = [p for p in media_root.rglob("*") if p.is_file()]
    assert [p.name for p in stored] == ["holter.csv"]


def test_empty_file(alice_client, existing, media_root):
    response = post_upload(alice_client, [SimpleUploadedFile("100.hea", b"")])
    assert_rejected(response, "empty")
    assert_nothing_new_stored(existing, media_root)


def test_header_without_its_dat(alice_client, existing, media_root, mitdb):
    response = post_upload(alice_client, [upload_file(mitdb / "100.hea")])
    assert_rejected(response, "100.dat")
    assert_nothing_new_stored(existing, media_root)


def test_truncated_dat(alice_client, existing, media_root, mitdb):
    truncated = SimpleUploadedFile("100.dat", (mitdb / "100.dat").read_bytes()[:100_000])
    response = post_upload(alice_client, [upload_file(mitdb / "100.hea"), truncated])
    assert_rejected(response, "100.dat")
    assert_nothing_new_stored(existing, media_root)


def test_csv_with_text_in_numeric_columns(alice_client, existing, media_root):
    bad = SimpleUploadedFile("bad.csv", b"I,II\n0.1,0.2\n0.3,oops\n0.5,0.6\n" * 50)
    response = post_upload(alice_client, [bad], sampling_rate="250")
    assert_rejected(response, "bad.csv")
    assert_nothing_new_stored(existing, media_root)


def test_csv_without_time_column_or_sampling_rate(alice_client, existing, media_root, ecg_csv):
    response = post_upload(alice_client, [upload_file(ecg_csv)])
    assert_rejected(response, "sampling rate")
    assert_nothing_new_stored(existing, media_root)


def test_unknown_file_type(alice_client, existing, media_root):
    response = post_upload(alice_client, [SimpleUploadedFile("scan.pdf", b"%PDF-1.4 not an ecg")])
    assert_rejected(response, "unknown file type", "scan.pdf")
    assert_nothing_new_stored(existing, media_root)


def test_file_over_the_size_limit(alice_client, existing, media_root, settings, ecg_csv):
    settings.UPLOAD_MAX_BYTES = 1024
    response = post_upload(alice_client, [upload_file(ecg_csv)], sampling_rate="250")
    assert_rejected(response, "limit")
    assert_nothing_new_stored(existing, media_root)


def test_corrupt_zip(alice_client, existing, media_root):
    response = post_upload(alice_client, [SimpleUploadedFile("record.zip", b"PK\x03\x04garbage")])
    assert_rejected(response, "record.zip")
    assert_nothing_new_stored(existing, media_root)


def test_no_file_at_all(alice_client, existing, media_root):
    response = alice_client.post(reverse("upload"), {"name": "nothing"})
    assert response.status_code == 400
    assert "choose at least one file" in page_errors(response).lower()
    assert_nothing_new_stored(existing, media_root)
