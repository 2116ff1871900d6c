"""A paced patient: the classifier has no class for paced beats, so when the questionnaire says a
pacemaker or ICD is fitted, the report (page, PDF and API) says how to read its V findings."""

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from analysis.report import PACING_CAVEAT
from tests.platform.review_helpers import make_case
from tests.platform.test_report_pdf_print import page_texts


def test_a_pacemaker_in_the_questionnaire_puts_the_caveat_in_the_report(alice, alice_client):
    analysis = make_case(alice, events=()).analysis  # no strips to draw: the case has no files
    analysis.finished = timezone.now()
    analysis.save()
    urls = {
        "page": reverse("analysis_report", args=[analysis.pk]),
        "pdf": reverse("analysis_report_pdf", args=[analysis.pk]),
        "api": f"/api/v1/analyses/{analysis.pk}/report/",
    }
    assert "pacing-caveat" not in alice_client.get(urls["page"]).content.decode()
    assert alice_client.get(urls["api"]).json()["pacing_caveat"] == ""

    questionnaire = reverse("questionnaire", args=[analysis.recording.pk])
    response = alice_client.post(questionnaire, {"conditions": ["pacemaker"]})
    assert response.status_code == 302

    page = alice_client.get(urls["page"]).content.decode()
    assert f'<p class="pacing-caveat">{escape(PACING_CAVEAT)}</p>' in page
    assert "Pacemaker or implanted defibrillator (ICD)" in page  # among the conditions
    pdf_lines = page_texts(alice_client.get(urls["pdf"]).content).replace(") Tj T* (", " ")
    assert "The questionnaire says a pacemaker or implanted defibrillator is fitted" in pdf_lines
    assert alice_client.get(urls["api"]).json()["pacing_caveat"] == PACING_CAVEAT


def test_the_api_questionnaire_takes_the_pacemaker(alice, alice_client):
    analysis = make_case(alice).analysis
    url = f"/api/v1/recordings/{analysis.recording.pk}/questionnaire/"
    response = alice_client.put(url, {"conditions": ["pacemaker"]}, content_type="application/json")
    assert response.status_code == 200, response.content
    report = alice_client.get(f"/api/v1/analyses/{analysis.pk}/report/").json()
    assert report["pacing_caveat"] == PACING_CAVEAT
