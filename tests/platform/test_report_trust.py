"""What the report says about its own reliability: the classifier's performance on unseen
patients, the fusion beats beside V and S, and the same in the report API."""

import json

from django.urls import reverse

from analysis.report import build_report, classifier_note
from mlcore.paths import DEFAULT_CLASSIFIER, MODELS_DIR
from tests.platform.review_helpers import make_case


def test_the_note_states_the_committed_evaluation_on_unseen_patients():
    held_out = json.loads((MODELS_DIR / DEFAULT_CLASSIFIER / "eval-ds2-detected.json").read_text())
    v, s = held_out["per_class"]["V"], held_out["per_class"]["S"]
    note = classifier_note()
    assert f"found {v['se']:.0%} of ventricular beats" in note
    assert f"{s['ppv']:.0%} of its S calls" in note


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
