"""Text a user controls (lead names, notes, searches, file names) never breaks a page: no 500."""

import pytest
from django.urls import reverse

from analysis import review
from analysis.models import Analysis, ReviewCase
from tests.api.helpers import API, token_client
from tests.platform.helpers import analysed_upload, wfdb_slice
from tests.platform.review_helpers import make_case


@pytest.fixture
def analysis(alice_client, mitdb, tmp_path) -> Analysis:
    return analysed_upload(alice_client, wfdb_slice(mitdb, "119", 20, tmp_path))


def test_a_lead_name_with_dollar_signs_is_drawn_as_text(alice_client, analysis):
    """matplotlib reads $...$ as a formula, and a malformed one raised while drawing."""
    analysis.recording.lead_names = ["$\\foo{$", "V1"]
    analysis.recording.save()
    event = analysis.events.first()
    strip = alice_client.get(reverse("event_strip", args=[analysis.pk, event.pk]))
    assert strip.status_code == 200 and strip.content[:4] == b"\x89PNG"
    pdf = alice_client.get(reverse("analysis_report_pdf", args=[analysis.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_nul_characters_in_review_text_and_file_names(alice, alice_client, rita, rita_client):
    """PostgreSQL cannot store or even search for NUL: they are dropped from free text, and a
    file name with one is simply not found."""
    case = make_case(alice, [("pvc", 10.0, 10.0, 1)])
    assert review.claim(case.pk, rita)
    client = rita_client
    assert client.get(reverse("review_queue"), {"q": "hol\x00ter"}).status_code == 200
    event = case.analysis.events.get()
    decide = reverse("review_decide", args=[case.pk, event.pk])
    assert client.post(decide, {"decision": "confirm", "note": "a\x00b"}).status_code == 302
    assert case.decisions.get().note == "ab"
    conclude = reverse("review_conclude", args=[case.pk])
    assert client.post(conclude, {"conclusion": "sinus\x00", "notes": "x\x00"}).status_code == 302
    case = ReviewCase.objects.get(pk=case.pk)
    assert (case.conclusion, case.notes) == ("sinus", "x")

    recording = case.analysis.recording
    page = alice_client.get(reverse("recording_file", args=[recording.pk, "a\x00b"]))
    assert page.status_code == 404
    api = token_client(alice).get(f"{API}/recordings/{recording.pk}/files/a%00b")
    assert api.status_code == 404


def test_a_new_token_is_not_kept_in_a_cookie(alice_client):
    answer = alice_client.post(reverse("account_token_create"))
    assert answer.status_code == 302
    assert "messages" not in answer.cookies  # the message that shows it lives in the session
    assert alice_client.get(answer.url).status_code == 200
