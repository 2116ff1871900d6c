"""DELETE over the API removes the recording's files, its analyses' result files and their folders,
as deleting from the page does."""

from recordings.models import Recording
from tests.api.helpers import API
from tests.platform.helpers import run_analysis_inline, upload_file


def test_api_delete_leaves_no_file_of_the_recording(
    api_alice, ecg_csv, media_root, django_capture_on_commit_callbacks
):
    body = api_alice.post(
        f"{API}/recordings/", {"files": [upload_file(ecg_csv)], "sampling_rate": 250}
    ).json()
    run_analysis_inline(body["latest_analysis"])
    recording = Recording.objects.get()
    analysis = recording.analyses.get()
    assert analysis.status == "succeeded", analysis.error
    results = media_root / "analyses" / str(recording.owner_id) / str(recording.uid)
    originals = media_root / "recordings" / str(recording.owner_id) / str(recording.uid)
    assert (results / str(analysis.pk) / "results.npz").is_file()
    assert list(results.rglob("envelope-*.npy")) and (originals / "holter.csv").is_file()

    with django_capture_on_commit_callbacks(execute=True):
        response = api_alice.delete(f"{API}/recordings/{recording.pk}/")
    assert response.status_code == 204
    assert not Recording.objects.exists()
    assert not results.exists() and not originals.exists()
    assert [p for p in media_root.rglob("*") if p.is_file()] == []
