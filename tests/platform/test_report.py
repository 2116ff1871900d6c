"""Questionnaire and diagnostic report: findings ranked and explained, symptoms set against them."""

import pytest
from django.urls import reverse

from analysis.models import Analysis, Event
from analysis.report import DISCLAIMER, correlate, findings_of, in_list, next_steps, rank_findings
from recordings.models import Questionnaire, Symptom
from tests.platform.helpers import analysed_upload, wfdb_slice


def event(kind, start, severity, end=None, score=1.0):
    return Event(type=kind, start_s=start, end_s=end or start, severity=severity, score=score)


def test_findings_are_ranked_by_severity_then_clinical_order_with_unreadable_last():
    events = [
        event("pvc", 10, 1),
        event("pvc", 20, 1),
        event("pvc", 30, 1),
        event("unreadable", 0, 3, end=30),
        event("v_run", 50, 3, end=52, score=4),
        event("v_run", 70, 2, end=71, score=3),
        event("pause", 90, 2, score=2.4),
        # One flutter episode outranks twelve runs of the same severity, and a few bigeminy
        # episodes more anomalous beats, which do not say what they are.
        event("vf", 100, 3, end=140),
        *(event("anomaly", 200 + i, 1) for i in range(5)),
        event("bigeminy", 300, 1, end=320),
    ]
    findings = rank_findings(events)
    assert [f.type for f in findings] == [
        "vf",
        "v_run",
        "pause",
        "bigeminy",
        "pvc",
        "anomaly",
        "unreadable",
    ]
    run = findings[1]
    assert (run.severity, run.count, run.example.start_s) == (3, 2, 50)
    assert run.total_s == 3.0
    assert "lower chambers" in run.explanation
    assert all(f.explanation for f in findings)


def test_symptoms_overlap_events_near_their_time():
    events = [
        event("pause", 600, 3, end=603),
        event("pvc", 1200, 1),
        event("unreadable", 0, 1, 700),
    ]
    symptoms = [
        Symptom(kind="dizziness", at_s=560),  # 40 s before the pause: overlaps within the slack
        Symptom(kind="palpitations", at_s=3000),
        Symptom(kind="fatigue", at_s=None),
    ]
    dizzy, palpitations, fatigue = correlate(symptoms, in_list(events))
    assert [e.type for e in dizzy.events] == ["pause"]  # unreadable signal is never a match
    assert palpitations.events == []
    assert fatigue.at_s is None and fatigue.label == "Fatigue"
    steps = next_steps(
        rank_findings(events), [dizzy, palpitations, fatigue], questionnaire=object()
    )
    assert steps[0].startswith("Major findings")
    assert any("same time as findings" in s for s in steps)
    assert any("time of each symptom" in s for s in steps)
    assert steps[-1].startswith("Share this report")
    # The window the report names: 2 min before to 3 min after (the symptom lasting a minute).
    window = [event("pvc", t, 1) for t in (475, 485, 775, 785)]
    (at_600,) = correlate([Symptom(kind="palpitations", at_s=600)], in_list(window))
    assert sorted(e.start_s for e in at_600.events) == [485, 775]
    fainted = correlate([Symptom(kind="fainting", at_s=None)], in_list([]))
    assert "emergency" in next_steps([], fainted, questionnaire=None)[0]


@pytest.fixture
def analysis(alice_client, mitdb, tmp_path) -> Analysis:
    return analysed_upload(alice_client, wfdb_slice(mitdb, "119", 60, tmp_path))


def test_questionnaire_answers_shape_the_report_page_and_pdf(alice_client, analysis):
    recording = analysis.recording
    target = analysis.events.order_by("-severity", "start_s").first()
    url = reverse("questionnaire", args=[recording.pk])
    assert alice_client.get(url).status_code == 200
    bad = alice_client.post(url, {"dizziness_at": "half past two", "age": 200})
    assert bad.status_code == 400
    assert "is not a time" in bad.content.decode()
    assert not Questionnaire.objects.exists()
    minutes = int(target.start_s // 60)
    response = alice_client.post(
        url,
        {
            "dizziness": "on",
            "dizziness_at": f"0:{minutes:02d}",
            "fatigue": "on",
            "age": 71,
            "sex": "female",
            "conditions": ["hypertension"],
            "medication": "bisoprolol 2.5 mg",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("analysis_report", args=[analysis.pk])
    symptoms = list(recording.questionnaire.symptoms.values_list("kind", "at_s"))
    assert symptoms == [("dizziness", minutes * 60.0), ("fatigue", None)]
    # Answers come back into the form for editing.
    assert f'value="0:{minutes:02d}:00"' in alice_client.get(url).content.decode()

    page = alice_client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert DISCLAIMER in html
    assert analysis.model_versions["classifier"] in html
    assert "classified on lead MLII" in html
    assert html.index(target.get_type_display()) < html.index("Symptoms and findings")
    assert '<tr class="overlap"><td>Dizziness</td>' in html
    assert "Findings from 2 min before to 3 min after" in html
    assert "High blood pressure" in html and "bisoprolol" in html
    assert "review/owner_summary.html" in [t.name for t in page.templates]
    in_db = findings_of(analysis)
    from_list = rank_findings(list(analysis.events.all()))
    assert [(f.type, f.count, f.severity, f.total_s, f.example) for f in in_db] == [
        (f.type, f.count, f.severity, f.total_s, f.example) for f in from_list
    ]
    strips = [f.example for f in page.context["report"].findings]
    assert len(strips) == len({e.type for e in analysis.events.all()})
    png = alice_client.get(reverse("event_strip", args=[analysis.pk, strips[0].pk]))
    assert png["Content-Type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"

    pdf = alice_client.get(reverse("analysis_report_pdf", args=[analysis.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]
    assert pdf.content.startswith(b"%PDF-") and pdf.content.rstrip().endswith(b"%%EOF")
    assert pdf.content.count(b"/Subtype /Image") >= len(strips)
