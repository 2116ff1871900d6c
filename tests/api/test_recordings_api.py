"""Recordings over the API: multipart uploads (WFDB, CSV, zip), lists, filters, files, delete."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from analysis.models import Analysis
from recordings.models import Recording
from tests.api.helpers import API, assert_error
from tests.platform.helpers import upload_file, wfdb_slice


def upload(client, files, **fields):
    return client.post(f"{API}/recordings/", {"files": files, **fields}, format="multipart")


def test_wfdb_upload_creates_recording_and_queues_analysis(api_alice, alice, mitdb, tmp_path):
    files = wfdb_slice(mitdb, "119", 30, tmp_path)
    response = upload(api_alice, files, name="Holter 1")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Holter 1"
    assert body["format"] == "wfdb"
    assert body["lead_names"] == ["MLII", "V1"]
    assert body["duration_s"] == 30
    assert body["status"] == "queued"
    assert {f["name"] for f in body["files"]} == {"119.hea", "119.dat"}
    recording = Recording.objects.get(owner=alice)
    assert body["latest_analysis"] == recording.analyses.get().pk

    download = api_alice.get(f"{API}/recordings/{body['id']}/files/119.dat")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == (tmp_path / "119.dat").read_bytes()
    assert body["files"][0]["url"].startswith(f"http://testserver{API}/recordings/")  # absolute
    assert api_alice.get(body["files"][0]["url"]).status_code == 200


def test_csv_and_zip_uploads(api_alice, ecg_csv, mitdb, tmp_path):
    csv = upload(api_alice, [upload_file(ecg_csv)], sampling_rate=250)
    assert csv.status_code == 201, csv.content
    assert csv.json()["format"] == "csv"
    assert csv.json()["sampling_rate"] == 250
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for ext in ("hea", "dat", "atr"):
            archive.write(mitdb / f"100.{ext}", f"record/100.{ext}")
    zipped = upload(api_alice, [SimpleUploadedFile("100.zip", buffer.getvalue())])
    assert zipped.status_code == 201, zipped.content
    assert {f["name"] for f in zipped.json()["files"]} == {"100.hea", "100.dat", "100.atr"}
    assert Analysis.objects.count() == 2


def test_bad_uploads_get_clear_errors_and_store_nothing(api_alice, mitdb, tmp_path):
    header_only = upload(api_alice, [upload_file(mitdb / "100.hea")])
    error = assert_error(header_only, 400, "upload_rejected")
    assert "100.dat" in error["message"]
    unknown = upload(api_alice, [SimpleUploadedFile("notes.docx", b"hello")])
    assert "Unknown file type" in assert_error(unknown, 400, "upload_rejected")["message"]
    missing = api_alice.post(f"{API}/recordings/", {"name": "x"}, format="multipart")
    assert assert_error(missing, 400, "invalid")["details"]["files"]
    bad_rate = upload(api_alice, [SimpleUploadedFile("a.csv", b"1\n2\n")], sampling_rate="fast")
    assert "sampling_rate" in assert_error(bad_rate, 400, "invalid")["details"]
    as_json = api_alice.post(f"{API}/recordings/", {"files": []}, format="json")
    assert_error(as_json, 415, "unsupported_media_type")
    assert Recording.objects.count() == 0


def test_list_paginates_and_filters(api_alice, alice, ecg_csv):
    for i in range(3):
        assert upload(api_alice, [upload_file(ecg_csv)], name=f"csv {i}", sampling_rate=250)
    first = Recording.objects.order_by("id").first()
    Analysis.objects.filter(recording=first).update(status="failed")
    page = api_alice.get(f"{API}/recordings/", {"page_size": 2}).json()
    assert page["count"] == 3
    assert [r["name"] for r in page["results"]] == ["csv 2", "csv 1"]  # newest first
    assert api_alice.get(page["next"]).json()["results"][0]["name"] == "csv 0"
    assert api_alice.get(f"{API}/recordings/", {"status": "failed"}).json()["count"] == 1
    assert api_alice.get(f"{API}/recordings/", {"status": "queued"}).json()["count"] == 2
    assert api_alice.get(f"{API}/recordings/", {"q": "CSV 1"}).json()["count"] == 1
    assert api_alice.get(f"{API}/recordings/", {"format": "edf"}).json()["count"] == 0
    assert (
        api_alice.get(f"{API}/recordings/", {"created_after": "2999-01-01T00:00Z"}).json()["count"]
        == 0
    )
    assert_error(api_alice.get(f"{API}/recordings/", {"status": "lost"}), 400, "invalid")
    assert_error(api_alice.get(f"{API}/recordings/", {"page": 9}), 404, "not_found")


def test_rerun_keeps_history_and_delete_removes_everything(
    api_alice, ecg_csv, django_capture_on_commit_callbacks
):
    rec = upload(api_alice, [upload_file(ecg_csv)], sampling_rate=250).json()
    Analysis.objects.filter(pk=rec["latest_analysis"]).update(status="succeeded")  # not running
    rerun = api_alice.post(f"{API}/recordings/{rec['id']}/analyses/")
    assert rerun.status_code == 202
    assert rerun.json()["status"] == "queued"
    history = api_alice.get(f"{API}/recordings/{rec['id']}/analyses/").json()
    assert [a["id"] for a in history["results"]] == [rerun.json()["id"], rec["latest_analysis"]]
    assert (
        api_alice.get(f"{API}/recordings/{rec['id']}/").json()["latest_analysis"]
        == (rerun.json()["id"])
    )
    stored = Recording.objects.get().files.get().file
    with django_capture_on_commit_callbacks(execute=True):  # files go once the delete commits
        assert api_alice.delete(f"{API}/recordings/{rec['id']}/").status_code == 204
    assert not Recording.objects.exists() and not Analysis.objects.exists()
    assert not stored.storage.exists(stored.name)
    assert_error(api_alice.get(f"{API}/recordings/{rec['id']}/"), 404, "not_found")
