"""A reviewer reads the case with what the owner's questionnaire says: symptoms at their times
beside the findings then, age, sex, conditions, medication, and the pacing caveat; on the case
page and in the API's case."""

from django.urls import reverse
from django.utils.html import escape

from analysis.report import PACING_CAVEAT
from recordings.models import Questionnaire
from tests.platform.review_helpers import make_case, make_reviewer


def test_the_case_shows_the_owners_answers(alice, client):
    case = make_case(alice, [("v_run", 120.0, 124.0, 3), ("pvc", 400.0, 400.0, 1)])
    client.force_login(make_reviewer("rita"))
    page = client.get(reverse("review_case", args=[case.pk])).content.decode()
    assert "Not answered: no symptoms, conditions or medication are known." in page
    api = client.get(f"/api/v1/review/cases/{case.pk}/").json()
    assert api["questionnaire"]["answered"] is False

    answers = Questionnaire.objects.create(
        recording=case.analysis.recording,
        age=71,
        sex="female",
        conditions=["pacemaker"],
        medication="bisoprolol 5 mg",
    )
    answers.symptoms.create(kind="dizziness", at_s=110.0, duration_s=60.0)

    page = client.get(reverse("review_case", args=[case.pk])).content.decode()
    assert "Age 71 · sex female · conditions: Pacemaker or implanted defibrillator (ICD)" in page
    assert "medication: bisoprolol 5 mg" in page
    assert f'<p class="pacing-caveat">{escape(PACING_CAVEAT)}</p>' in page
    assert "<td>Dizziness</td>" in page
    assert "Ventricular run at 0:02:00" in page  # the finding at the symptom's time, not the PVC
    assert "at 0:06:40" not in page

    api = client.get(f"/api/v1/review/cases/{case.pk}/").json()["questionnaire"]
    assert api["answered"] is True and api["age"] == 71 and api["conditions"] == ["pacemaker"]
    assert api["symptoms"] == [{"kind": "dizziness", "at_s": 110.0}]
