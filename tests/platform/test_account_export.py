"""Download all your data: one zip of every recording's originals and questionnaire and every
succeeded analysis's downloads, byte for byte as the recording page gives them; yours only."""

from __future__ import annotations

import io
import json
import zipfile

from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from recordings.models import Questionnaire, Recording
from tests.platform.helpers import analysed_upload, upload_file, wfdb_slice
from tests.platform.review_helpers import make_case


def download(client) -> zipfile.ZipFile:
    response = client.get(reverse("account_export"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="beatline-')
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    return archive


def test_the_zip_holds_originals_questionnaire_and_results(
    alice_client, alice, bob, mitdb, tmp_path
):
    analysis = analysed_upload(alice_client, wfdb_slice(mitdb, "119", 60, tmp_path))
    recording = analysis.recording
    Questionnaire.objects.create(recording=recording, age=61, medication="bisoprolol")
    make_case(bob, name="bobs-holter")

    archive = download(alice_client)
    base = f"{recording.pk}-{recording.name}"
    listing = json.loads(archive.read("account.json"))
    assert listing["username"] == "alice"
    assert [r["folder"] for r in listing["recordings"]] == [base]
    assert listing["recordings"][0]["analyses"] == [
        {"id": analysis.pk, "status": "succeeded", "created": analysis.created.isoformat()}
    ]
    for item in recording.files.all():
        with item.file.open("rb") as original:
            assert archive.read(f"{base}/files/{item.name}") == original.read()
    assert json.loads(archive.read(f"{base}/questionnaire.json"))["medication"] == "bisoprolol"
    page = {
        "results.json": reverse("analysis_results_json", args=[analysis.pk]),
        "beats.csv": reverse("analysis_beats_csv", args=[analysis.pk]),
        "events.csv": reverse("analysis_events_csv", args=[analysis.pk]),
    }
    for name, url in page.items():
        response = alice_client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert archive.read(f"{base}/analysis-{analysis.pk}/{name}") == body, name
    assert "README.txt" in archive.namelist()
    assert {info.date_time[0] for info in archive.infolist()} == {timezone.localtime().year}
    assert not any("bobs-holter" in name for name in archive.namelist())


def test_a_beat_table_gives_its_rows_and_a_lost_file_is_said(
    alice_client, alice, ecg5000, tmp_path
):
    rows = tmp_path / "beats.tsv"
    rows.write_text("\n".join((ecg5000 / "ECG5000_TEST.tsv").read_text().splitlines()[:20]) + "\n")
    table = analysed_upload(alice_client, [upload_file(rows)])
    unread = Recording.objects.create(
        owner=alice,
        name="lost",
        format="csv",
        main_file="lost.csv",
        sampling_rate=250,
        n_samples=2500,
        duration_s=10,
    )
    lost = unread.files.create(name="lost.csv", file="recordings/lost.csv", size=3)
    assert not default_storage.exists(lost.file.name)

    names = download(alice_client).namelist()
    base = f"{table.recording.pk}-{table.recording.name}"
    assert f"{base}/analysis-{table.pk}/rows.csv" in names
    assert f"{base}/questionnaire.json" not in names  # never answered
    assert f"{unread.pk}-lost/files/lost.csv.missing.txt" in names


def test_an_account_with_nothing_still_gets_a_zip(alice_client):
    archive = download(alice_client)
    assert json.loads(archive.read("account.json"))["recordings"] == []


def test_the_account_page_offers_it(alice_client):
    assert reverse("account_export") in alice_client.get(reverse("account")).text
