"""The review conclusion is on the owner's report everywhere: the page, the API report and the PDF."""

from __future__ import annotations

import base64
import re
import zlib

from django.contrib.auth.models import User
from django.urls import reverse

from analysis import review
from analysis.models import ReviewCase
from tests.api.helpers import API
from tests.platform.review_helpers import make_reviewer

CONCLUSION = "Sinus rhythm with a real 3 s pause; see a cardiologist."


def pdf_text(content: bytes) -> str:
    """The text drawn in a reportlab PDF: its page streams (ASCII85, then Flate), decoded."""
    streams = re.findall(rb"/ASCII85Decode /FlateDecode.*?stream\r?\n(.*?)endstream", content, re.S)
    return "\n".join(
        zlib.decompress(base64.a85decode(raw.strip(), adobe=True)).decode("latin-1")
        for raw in streams
    )


def closed_case(analysis) -> ReviewCase:
    carol = make_reviewer("carol")
    User.objects.filter(pk=carol.pk).update(first_name="Carol", last_name="Cardio")
    carol.refresh_from_db()
    case = review.open_case(analysis) or ReviewCase.objects.create(analysis=analysis)
    assert review.claim(case.pk, carol)
    event = analysis.events.first()
    review.decide(case, event, carol, "confirm")
    return review.close(case, carol, CONCLUSION, with_undecided=True)


def test_report_api_and_pdf_carry_the_conclusion_the_page_shows(
    api_alice, alice_client, alices_objects
):
    analysis = alices_objects.analysis
    assert analysis.events.exists()
    url = f"{API}/analyses/{analysis.pk}/report/"
    assert api_alice.get(url).json()["review"] is None  # never flagged: no review

    case = ReviewCase.objects.create(analysis=analysis, conclusion="a draft")
    pending = api_alice.get(url).json()["review"]
    assert pending["status"] == "pending" and pending["conclusion"] == ""  # drafts stay private
    draft_pdf = api_alice.get(f"{API}/analyses/{analysis.pk}/report.pdf").content
    assert "Cardiology review" in pdf_text(draft_pdf) and "a draft" not in pdf_text(draft_pdf)
    case.delete()

    closed_case(analysis)
    body = api_alice.get(url).json()["review"]
    assert body["status"] == "closed" and body["conclusion"] == CONCLUSION
    assert body["reviewer"] == "Carol Cardio" and body["closed_at"]
    undecided = analysis.events.count() - 1
    assert body["decisions"] == {"confirm": 1, "reject": 0, "relabel": 0, "undecided": undecided}
    assert api_alice.get(f"{API}/analyses/{analysis.pk}/").json()["review"]["conclusion"] == (
        CONCLUSION
    )

    page = alice_client.get(reverse("analysis_report", args=[analysis.pk]))
    assert page.status_code == 200 and CONCLUSION in page.content.decode()
    for pdf in (
        api_alice.get(f"{API}/analyses/{analysis.pk}/report.pdf"),
        alice_client.get(reverse("analysis_report_pdf", args=[analysis.pk])),
    ):
        text = pdf_text(pdf.content)
        assert "Cardiology review" in text and "Carol Cardio" in text
        assert "Sinus rhythm with a real 3 s pause" in text
