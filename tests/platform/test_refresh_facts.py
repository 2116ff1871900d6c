"""An analysis re-reads the recording's header first, so it names the leads it really reads."""

import pytest
from django.urls import reverse

from analysis.models import Analysis
from recordings.models import Recording
from tests.platform.helpers import make_csv, run_analysis_inline, upload_file


@pytest.fixture
def recording(alice_client, tmp_path) -> Recording:
    """A two-lead CSV (I, II), stored as an older reader would have described it."""
    response = alice_client.post(
        reverse("upload"),
        {"files": [upload_file(make_csv(tmp_path / "two.csv"))], "sampling_rate": 250},
    )
    assert response.status_code == 302
    recording = Recording.objects.get()
    Recording.objects.filter(pk=recording.pk).update(lead_names=["I", "II", "RESP"], n_samples=7)
    recording.refresh_from_db()
    return recording


def test_analysis_refreshes_the_stored_facts(recording):
    analysis = recording.analyses.get()
    run_analysis_inline(analysis.pk)
    analysis.refresh_from_db()
    recording.refresh_from_db()
    assert analysis.status == "succeeded", analysis.error
    assert recording.lead_names == ["I", "II"]
    assert recording.n_samples == 5000
    assert analysis.lead_names == ["I", "II"]


def test_timeline_names_the_leads_its_analysis_read(recording, alice_client):
    analysis = recording.analyses.get()
    run_analysis_inline(analysis.pk)
    # A later reader change: the stored analysis keeps the names of the leads it read.
    Recording.objects.filter(pk=recording.pk).update(lead_names=["MLII"])
    data = alice_client.get(reverse("analysis_envelope", args=[analysis.pk])).json()
    assert data["leads"] == ["I", "II"]
    assert len(data["min"]) == 2


def test_older_analyses_fall_back_to_the_recordings_names(recording):
    analysis = recording.analyses.get()
    Analysis.objects.filter(pk=analysis.pk).update(artefacts={"results": "x.npz"})
    analysis.refresh_from_db()
    assert analysis.lead_names == ["I", "II", "RESP"]


def test_a_file_that_no_longer_reads_fails_with_the_readers_message(recording):
    stored = recording.files.get()
    with open(stored.file.path, "w") as fh:
        fh.write("I,II\n")  # a header row, no samples
    analysis = recording.analyses.get()
    run_analysis_inline(analysis.pk)
    analysis.refresh_from_db()
    assert analysis.status == "failed"
    assert "internal error" not in analysis.error
    assert analysis.error
