"""File names that do not fit the filesystem (over 255 bytes in UTF-8) never cause a 500."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from recordings.models import Recording
from tests.api.helpers import API, assert_error
from tests.platform.helpers import run_analysis_inline, upload_file, wfdb_slice

LONG_STEM = "心" * 120  # 360 bytes in UTF-8, 120 characters


def upload(client, files, **fields):
    return client.post(f"{API}/recordings/", {"files": files, **fields}, format="multipart")


def test_long_csv_name_is_shortened_keeping_its_extension(api_alice, ecg_csv):
    response = upload(api_alice, [upload_file(ecg_csv, LONG_STEM + ".csv")], sampling_rate=250)
    assert response.status_code == 201, response.content
    (stored,) = response.json()["files"]
    assert stored["name"].endswith(".csv") and stored["name"].startswith("心" * 80)
    assert len(stored["name"].encode()) <= 255
    recording = Recording.objects.get()
    run_analysis_inline(recording.latest_analysis.pk)
    assert recording.analyses.get().status == "succeeded"


def test_long_name_inside_a_zip(api_alice, ecg_csv):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("é" * 200 + ".csv", ecg_csv.read_bytes())
    response = upload(
        api_alice, [SimpleUploadedFile("z.zip", buffer.getvalue())], sampling_rate=250
    )
    assert response.status_code == 201, response.content
    assert response.json()["files"][0]["name"].endswith(".csv")


def test_long_name_inside_a_zip_names_the_real_problem(api_alice, ecg_csv):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("é" * 200 + ".csv", b"not numbers\nat all\n")
    response = upload(
        api_alice, [SimpleUploadedFile("z.zip", buffer.getvalue())], sampling_rate=250
    )
    message = assert_error(response, 400, "upload_rejected")["message"]
    assert "corrupt" not in message
    assert "é" * 200 + ".csv" in message  # the user's own name, not the shortened one


def test_wfdb_record_with_a_long_name_is_rejected_clearly(api_alice, mitdb, tmp_path):
    header, dat = wfdb_slice(mitdb, "119", 10, tmp_path)
    files = [upload_file(tmp_path / "119.hea"), SimpleUploadedFile(LONG_STEM + ".dat", dat.read())]
    message = assert_error(upload(api_alice, files), 400, "upload_rejected")["message"]
    assert "longer than 255 bytes" in message and LONG_STEM + ".dat" in message
    assert not Recording.objects.exists()
