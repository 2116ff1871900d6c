"""The questionnaire (JSON in and out) and the report (JSON and PDF) over the API."""

from __future__ import annotations

from analysis.models import Analysis, Event
from tests.api.helpers import API, assert_error


def test_questionnaire_then_report(api_alice, alices_objects):
    rec, analysis = alices_objects.recording, alices_objects.analysis
    url = f"{API}/recordings/{rec.pk}/questionnaire/"
    empty = api_alice.get(url).json()
    assert empty["answered"] is False and empty["symptoms"] == [] and empty["updated"] is None

    Event.objects.filter(analysis=analysis).delete()
    event = Event.objects.create(
        analysis=analysis, type="v_run", start_s=40, end_s=43, severity=3, score=4, beats=4
    )
    answers = {
        "age": 61,
        "sex": "female",
        "conditions": ["hypertension"],
        "medication": " bisoprolol 2.5 mg ",
        "symptoms": [{"kind": "palpitations", "at_s": 45}, {"kind": "fatigue", "at_s": None}],
    }
    saved = api_alice.put(url, answers, format="json")
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert body["answered"] is True and body["medication"] == "bisoprolol 2.5 mg"
    assert sorted(s["kind"] for s in body["symptoms"]) == ["fatigue", "palpitations"]
    assert api_alice.get(url).json()["symptoms"] == body["symptoms"]

    report = api_alice.get(f"{API}/analyses/{analysis.pk}/report/").json()
    assert report["analysis"] == analysis.pk and report["questionnaire_answered"] is True
    assert report["highest_severity"] == 3
    (finding,) = report["findings"]
    assert finding["type"] == "v_run" and finding["count"] == 1
    assert finding["example"]["id"] == event.pk
    assert finding["explanation"]
    palpitations = next(c for c in report["correlations"] if c["symptom"] == "palpitations")
    assert palpitations["matches"] == [event.pk]
    assert report["disclaimer"] and report["next_steps"]

    pdf = api_alice.get(f"{API}/analyses/{analysis.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and "attachment" in pdf["Content-Disposition"]

    Analysis.objects.filter(pk=analysis.pk).update(status="running")
    assert_error(api_alice.get(f"{API}/analyses/{analysis.pk}/report/"), 409, "not_ready")
    assert_error(api_alice.get(f"{API}/analyses/{analysis.pk}/report.pdf"), 409, "not_ready")


def test_bad_answers_are_400_and_keep_the_old_ones(api_alice, alices_objects):
    url = f"{API}/recordings/{alices_objects.recording.pk}/questionnaire/"
    assert api_alice.put(url, {"age": 40}, format="json").status_code == 200
    empty = api_alice.put(url, b"", content_type="application/json")  # not {}: a mistake
    assert "The body is empty" in assert_error(empty, 400, "invalid")["message"]
    for bad, field in [
        ({"age": 300}, "age"),
        ({"sex": "robot"}, "sex"),
        ({"conditions": ["flu"]}, "conditions"),
        ({"symptoms": [{"kind": "hiccups"}]}, "symptoms"),
        ({"symptoms": [{"kind": "dizziness", "at_s": 99999}]}, "symptoms"),
    ]:
        error = assert_error(api_alice.put(url, bad, format="json"), 400, "invalid")
        assert field in error["details"], error
    assert api_alice.get(url).json()["age"] == 40
