"""A WFDB record with uppercase extensions (REC.HEA naming REC.DAT) is accepted and analysed."""

from django.core.files.uploadedfile import SimpleUploadedFile

from recordings.models import Recording
from tests.api.helpers import API, assert_error
from tests.platform.helpers import run_analysis_inline, wfdb_slice


def uppercase_record(mitdb, tmp_path) -> list[SimpleUploadedFile]:
    header, dat = wfdb_slice(mitdb, "119", 30, tmp_path)
    text = header.read().decode().replace("119.dat", "REC.DAT").replace("119 ", "REC ", 1)
    return [SimpleUploadedFile("REC.HEA", text.encode()), SimpleUploadedFile("REC.DAT", dat.read())]


def test_uppercase_extensions_are_accepted_and_analysed(api_alice, mitdb, tmp_path):
    response = api_alice.post(
        f"{API}/recordings/", {"files": uppercase_record(mitdb, tmp_path)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert response.json()["format"] == "wfdb"
    assert response.json()["duration_s"] == 30
    analysis = Recording.objects.get().analyses.get()
    run_analysis_inline(analysis.pk)
    analysis.refresh_from_db()
    assert analysis.status == "succeeded", analysis.error


def test_messages_keep_the_users_names_and_show_no_server_path(api_alice, mitdb, tmp_path):
    header, _ = uppercase_record(mitdb, tmp_path)
    response = api_alice.post(f"{API}/recordings/", {"files": [header]}, format="multipart")
    message = assert_error(response, 400, "upload_rejected")["message"]
    assert "REC.HEA" in message and "REC.DAT" in message, message
    assert "REC.hea" not in message
    assert "/tmp" not in message and "beatline-upload" not in message
