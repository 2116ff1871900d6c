"""What the report says about its own reliability: the classifier's performance on unseen
patients, the fusion beats beside V and S, and the same in the report API."""

import json

from django.urls import reverse

from analysis.report import build_report, classifier_note
from mlcore.paths import DEFAULT_CLASSIFIER, MODELS_DIR
from tests.platform.review_helpers import make_case, make_reviewer


def test_the_note_states_the_committed_evaluation_on_unseen_patients():
    held_out = json.loads((MODELS_DIR / DEFAULT_CLASSIFIER / "eval-ds2-detected.json").read_text())
    v, s, f = (held_out["per_class"][c] for c in "VSF")
    note = classifier_note()
    assert f"found {100 * v['se']:.0f} % of ventricular beats" in note
    assert f"{100 * s['ppv']:.0f} % of its S calls" in note
    assert f"{100 * f['se']:.0f} % of fusion beats" in note


def test_page_pdf_and_api_carry_the_note_and_the_fusion_beats(alice, alice_client):
    analysis = make_case(alice, [("pvc", 5.0, 5.0, 1)]).analysis
    analysis.summary = {"beats": 200, "beats_by_class": {"N": 180, "S": 4, "V": 10, "F": 6, "Q": 0}}
    analysis.save()
    report = build_report(analysis)
    assert report.ectopy.endswith("fusion (F) 6, 3.0 %")
    page = alice_client.get(reverse("analysis_report", args=[analysis.pk])).content.decode()
    assert classifier_note() in page and "fusion (F) 6, 3.0 %" in page
    api = alice_client.get(f"/api/v1/analyses/{analysis.pk}/report/").json()
    assert api["classifier_note"] == classifier_note()
    assert api["lead_caveat"] == "" and api["findings"][0]["severities"] == ""
    assert api["findings"][0]["events_by_severity"] == {"minor": 1}


def test_a_lead_named_by_its_position_has_an_unknown_placement():
    from analysis.report import lead_caveat

    caveat = lead_caveat("lead1")  # a headerless CSV column, a NumPy row, an unlabelled channel
    assert "the lead named lead1, whose placement is not given" in caveat
    assert "lead lead1" not in caveat


def test_the_review_timeline_starts_on_the_classified_lead(alice, client):
    case = make_case(alice, [("pvc", 5.0, 5.0, 1)])
    case.analysis.summary = {"classified_lead": "MLII"}
    case.analysis.save()
    client.force_login(make_reviewer("rita"))
    page = client.get(reverse("review_case", args=[case.pk])).content.decode()
    assert 'data-lead-name="MLII"' in page


def test_the_account_page_is_never_cached(alice_client):
    response = alice_client.get(reverse("account"))
    assert "no-store" in response["Cache-Control"]
