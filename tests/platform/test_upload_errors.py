"""Every bad upload gets a clear message on the page, a 400, and stores nothing."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recordings.models import Recording, RecordingFile
from tests.platform.helpers import make_csv, upload_file, wfdb_slice


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


def test_zip_of_too_many_files(alice_client, existing, media_root, mitdb, tmp_path):
    """Each file of an archive is stored: 20,000 one-byte members would be 20,000 files."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for upload in wfdb_slice(mitdb, "100", 10, tmp_path):
            z.writestr(upload.name, upload.read())
        for i in range(60):
            z.writestr(f"x{i}.txt", b"x")
    response = post_upload(alice_client, [SimpleUploadedFile("many.zip", archive.getvalue())])
    assert_rejected(response, "many.zip holds 62 files; a recording has at most 50")
    assert_nothing_new_stored(existing, media_root)


def test_no_file_at_all(alice_client, existing, media_root):
    response = alice_client.post(reverse("upload"), {"name": "nothing"})
    assert response.status_code == 400
    assert "choose at least one file" in page_errors(response).lower()
    assert_nothing_new_stored(existing, media_root)


@pytest.mark.parametrize("suffix", ["dat", "atr"])
def test_wfdb_file_without_its_header_names_the_header(
    alice_client, existing, media_root, mitdb, suffix
):
    response = post_upload(alice_client, [upload_file(mitdb / f"100.{suffix}")])
    assert_rejected(response, f"100.{suffix} is part of a WFDB record", "header 100.hea is missing")
    assert "unknown file type" not in page_errors(response).lower()
    assert_nothing_new_stored(existing, media_root)


def test_dat_and_atr_without_their_header(alice_client, existing, media_root, mitdb):
    files = [upload_file(mitdb / "100.dat"), upload_file(mitdb / "100.atr")]
    assert_rejected(post_upload(alice_client, files), "header 100.hea is missing")
    assert_nothing_new_stored(existing, media_root)


def test_uppercase_dat_beside_the_header_naming_it_in_lowercase(alice_client, mitdb, tmp_path):
    header, dat = wfdb_slice(mitdb, "119", 30, tmp_path)
    dat.name = "119.DAT"  # the header names 119.dat
    response = post_upload(alice_client, [header, dat])
    assert response.status_code == 302, page_errors(response)
    recording = Recording.objects.get()
    assert recording.duration_s == 30
    assert sorted(f.name for f in recording.files.all()) == ["119.dat", "119.hea"]


def test_a_dat_matching_only_by_case_twice_is_not_guessed(alice_client, mitdb, tmp_path):
    header, dat = wfdb_slice(mitdb, "119", 30, tmp_path)
    other = SimpleUploadedFile("119.Dat", dat.read())
    dat.seek(0)
    dat.name = "119.DAT"
    response = post_upload(alice_client, [header, dat, other])
    assert_rejected(response, "119.dat, which is missing")


@pytest.mark.parametrize(("given", "message"), [("500", "you gave 500 Hz"), ("180", "180 Hz")])
def test_sampling_rate_other_than_the_wfdb_files_own(
    alice_client, existing, media_root, mitdb, tmp_path, given, message
):
    response = post_upload(
        alice_client, wfdb_slice(mitdb, "119", 30, tmp_path), sampling_rate=given
    )
    assert_rejected(response, "119.hea says its sampling rate is 360 Hz", message)
    assert_rejected(response, "leave the sampling rate empty to use the file's rate")
    assert_nothing_new_stored(existing, media_root)


def test_sampling_rate_other_than_the_csv_time_columns(
    alice_client, existing, media_root, tmp_path
):
    path = make_csv(tmp_path / "timed.csv", time_column=True)
    response = post_upload(alice_client, [upload_file(path)], sampling_rate="360")
    assert_rejected(response, "timed.csv says its sampling rate is 250 Hz, but you gave 360 Hz")
    assert_nothing_new_stored(existing, media_root)


@pytest.mark.parametrize("given", ["360", "361", ""])
def test_sampling_rate_matching_the_files_own_is_accepted(alice_client, mitdb, tmp_path, given):
    response = post_upload(
        alice_client, wfdb_slice(mitdb, "119", 30, tmp_path), sampling_rate=given
    )
    assert response.status_code == 302, page_errors(response)
    assert Recording.objects.get().sampling_rate == 360


def test_files_beside_a_wfdb_record_that_are_not_part_of_it(
    alice_client, existing, media_root, mitdb, tmp_path, ecg_csv
):
    header, dat = wfdb_slice(mitdb, "119", 30, tmp_path)
    notes = SimpleUploadedFile("notes.pdf", b"%PDF-1.4 notes")
    response = post_upload(alice_client, [header, dat, notes, upload_file(ecg_csv)])
    assert_rejected(
        response,
        "holter.csv, notes.pdf are not part of the WFDB record 119 (its header names 119.dat)",
        "upload other files on their own",
    )
    assert_nothing_new_stored(existing, media_root)
