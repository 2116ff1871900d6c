import io
import zipfile

from django.urls import reverse

from analysis.models import Analysis
from recordings.models import Recording
from tests.platform.helpers import upload_file


def test_wfdb_upload_stores_files_and_queues_an_analysis(alice_client, alice, record_100, mitdb):
    response = alice_client.post(reverse("upload"), {"name": "Record 100", "files": record_100})
    recording = Recording.objects.get(owner=alice)
    assert response.status_code == 302
    assert response.url == recording.get_absolute_url()
    assert recording.format == "wfdb"
    assert recording.main_file == "100.hea"
    assert recording.sampling_rate == 360
    assert recording.lead_names == ["MLII", "V5"]
    assert recording.n_samples == 650_000
    assert abs(recording.duration_s - 1805.56) < 0.01
    assert sorted(f.name for f in recording.files.all()) == ["100.atr", "100.dat", "100.hea"]
    assert recording.files.get(name="100.dat").file.read() == (mitdb / "100.dat").read_bytes()
    assert Analysis.objects.get(recording=recording).status == "queued"


def test_wfdb_upload_as_zip(alice_client, alice, mitdb):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for ext in ("hea", "dat"):
            archive.write(mitdb / f"100.{ext}", f"record/100.{ext}")
    buffer.seek(0)
    buffer.name = "100.zip"
    response = alice_client.post(reverse("upload"), {"files": [buffer]})
    assert response.status_code == 302
    recording = Recording.objects.get(owner=alice)
    assert recording.name == "100"
    assert sorted(f.name for f in recording.files.all()) == ["100.dat", "100.hea"]


def test_csv_upload_with_sampling_rate_from_the_form(alice_client, alice, ecg_csv):
    response = alice_client.post(
        reverse("upload"), {"files": [upload_file(ecg_csv)], "sampling_rate": "250"}
    )
    assert response.status_code == 302
    recording = Recording.objects.get(owner=alice)
    assert recording.format == "csv"
    assert recording.sampling_rate == 250
    assert recording.lead_names == ["I", "II"]
    assert recording.n_samples == 5000


def test_dashboard_lists_only_own_recordings_with_status(alice_client, bob_client, record_100):
    alice_client.post(reverse("upload"), {"name": "Alice's ECG", "files": record_100})
    assert "Alice&#x27;s ECG" in alice_client.get(reverse("dashboard")).content.decode()
    page = bob_client.get(reverse("dashboard")).content.decode()
    assert "Alice" not in page
    assert "No recordings yet" in page
