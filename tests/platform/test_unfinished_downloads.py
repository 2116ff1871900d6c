"""A download of an analysis that has not succeeded is a 409 saying why, not a redirect to a page
(``curl -o beats.csv`` would save HTML) that leaves a message behind; a failed one says why it
failed and that it can be re-run. The report page still goes back to the recording, with why."""

import pytest
from django.urls import reverse

from analysis.models import Analysis, Event
from recordings.models import Recording
from tests.platform.helpers import upload_file

ERROR = "the recording has no readable signal"


@pytest.fixture
def analysis(alice_client, ecg_csv) -> Analysis:
    """A queued analysis (its task is never run here) with one event, for the strip's URL."""
    alice_client.post(reverse("upload"), {"files": [upload_file(ecg_csv)], "sampling_rate": 250})
    analysis = Recording.objects.get().analyses.get()
    Event.objects.create(analysis=analysis, type="pvc", start_s=1, end_s=1, severity=1, score=1)
    return analysis


def downloads(analysis: Analysis) -> dict[str, str]:
    """URL -> the content type of its 409."""
    args = [analysis.pk]
    text = "text/plain; charset=utf-8"
    return {
        reverse("analysis_beats_csv", args=args): text,
        reverse("analysis_events_csv", args=args): text,
        reverse("analysis_report_pdf", args=args): text,
        reverse("event_strip", args=[analysis.pk, analysis.events.get().pk]): text,
        reverse("analysis_results_json", args=args): "application/json",
    }


@pytest.mark.parametrize("state", ["queued", "running", "failed"])
def test_downloads_are_a_409_saying_why(alice_client, analysis, state):
    Analysis.objects.filter(pk=analysis.pk).update(status=state, progress=40, error=ERROR)
    for url, content_type in downloads(analysis).items():
        response = alice_client.get(url)
        assert response.status_code == 409, url
        assert response["Content-Type"] == content_type, url
        text = response.json()["error"] if content_type == "application/json" else response.text
        if state == "failed":
            assert f"Analysis {analysis.pk} failed" in text
            assert "The recording has no readable signal." in text and "re-run" in text
            assert "not ready" not in text
        else:
            assert f"is {state}" in text and "not ready yet" in text
    page = alice_client.get(analysis.recording.get_absolute_url()).content.decode()
    assert "results are not ready" not in page and "so it has no results" not in page


def test_the_report_page_goes_back_to_the_recording_with_one_message(alice_client, analysis):
    Analysis.objects.filter(pk=analysis.pk).update(status="failed", error=ERROR)
    response = alice_client.get(reverse("analysis_report", args=[analysis.pk]), follow=True)
    assert response.redirect_chain[-1][0] == analysis.recording.get_absolute_url()
    assert response.content.decode().count("so it has no results") == 1
    assert "The recording has no readable signal." in response.content.decode()
