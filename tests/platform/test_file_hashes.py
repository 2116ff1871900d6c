"""Every original file keeps the SHA-256 of its bytes, so a researcher can check that a copy is the
file the results came from: on the recording page, in the API and in results.json."""

import hashlib
import importlib

from django.apps import apps
from django.core.files.base import ContentFile
from django.urls import reverse

from recordings.models import Recording
from tests.platform.helpers import analysed_upload, wfdb_slice

backfill = importlib.import_module("recordings.migrations.0005_recordingfile_sha256")


def test_each_file_has_the_hash_of_its_bytes(alice_client, mitdb, tmp_path):
    analysis = analysed_upload(alice_client, wfdb_slice(mitdb, "119", 20, tmp_path))
    recording = analysis.recording
    expected = {
        name: hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
        for name in ("119.hea", "119.dat")
    }
    assert {f.name: f.sha256 for f in recording.files.all()} == expected

    page = alice_client.get(reverse("recording_detail", args=[recording.pk])).content.decode()
    assert f'<code title="{expected["119.dat"]}">{expected["119.dat"][:12]}' in page

    api = alice_client.get(f"/api/v1/recordings/{recording.pk}/").json()
    assert {f["name"]: f["sha256"] for f in api["files"]} == expected
    results = alice_client.get(reverse("analysis_results_json", args=[analysis.pk])).json()
    assert results["recording"]["files"] == [
        {"name": name, "size": (tmp_path / name).stat().st_size, "sha256": digest}
        for name, digest in sorted(expected.items())
    ]


def test_the_migration_hashes_files_stored_before_it(alice):
    recording = Recording.objects.create(
        owner=alice, name="old", format="csv", main_file="a.csv", n_samples=2, duration_s=1
    )
    kept = recording.files.create(name="a.csv", size=4, file=ContentFile(b"1\n2\n", name="a.csv"))
    lost = recording.files.create(name="b.csv", size=4, file=ContentFile(b"3\n4\n", name="b.csv"))
    lost.file.delete(save=False)

    backfill.hash_stored_files(apps, None)

    kept.refresh_from_db()
    lost.refresh_from_db()
    assert kept.sha256 == hashlib.sha256(b"1\n2\n").hexdigest()
    assert lost.sha256 == ""  # missing from storage: left empty, the migration goes on
