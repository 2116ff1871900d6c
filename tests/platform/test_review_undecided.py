"""Undecided events: the decision menu starts undecided, Save needs a decision, and closing a case
with events left undecided needs the reviewer's confirmation and tells the owner how many."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from analysis import review
from analysis.models import Analysis, EventReview
from tests.platform.review_helpers import make_case

EVENTS = [("pvc", 10.0, 10.0, 1), ("v_run", 20.0, 22.0, 3), ("pause", 30.0, 33.0, 3)]


@pytest.fixture
def claimed(alice, rita):
    case = make_case(alice, EVENTS)
    assert review.claim(case.pk, rita)
    return case


def decision_menu(page: str, event_pk: int) -> str:
    row = page[page.index(f'id="event-{event_pk}"') :]
    return row[row.index('<select name="decision"') : row.index("</select>")]


def test_an_undecided_event_shows_no_decision_and_save_needs_one(claimed, rita, rita_client):
    pvc, run, _ = claimed.analysis.events.all()
    review.decide(claimed, run, rita, "reject")
    page = rita_client.get(reverse("review_case", args=[claimed.pk])).text
    menu = decision_menu(page, pvc.pk)
    assert "required" in menu and '<option value="" selected>— decide —</option>' in menu
    assert 'value="confirm" selected' not in menu
    decided = decision_menu(page, run.pk)
    assert "— decide —" not in decided and 'value="reject" selected' in decided

    url = reverse("review_decide", args=[claimed.pk, pvc.pk])
    data = {"decision": "", "new_type": "pac", "note": "look again"}
    answer = rita_client.post(url, data, HTTP_ACCEPT="application/json")
    assert answer.status_code == 400 and "Choose a decision" in answer.json()["error"]
    page = rita_client.post(url, data, follow=True).text  # the plain form, without JavaScript
    assert "Choose a decision" in page
    assert not EventReview.objects.filter(event=pvc).exists()
    assert list(claimed.audit.values_list("action", flat=True)) == ["claim", "decide"]


def test_closing_with_undecided_events_needs_confirmation(claimed, rita, rita_client):
    pvc, _, _ = claimed.analysis.events.all()
    review.decide(claimed, pvc, rita, "confirm")
    case_url = reverse("review_case", args=[claimed.pk])
    page = rita_client.get(case_url).text
    assert "2</span> of 3 events are still undecided" in page and 'id="close-undecided"' in page

    url = reverse("review_conclude", args=[claimed.pk])
    page = rita_client.post(url, {"conclusion": "Benign.", "close": "1"}, follow=True).text
    assert "2 of 3 events are still undecided" in page
    claimed.refresh_from_db()
    assert claimed.status == "in_review" and claimed.conclusion == "Benign."  # the text is kept

    response = rita_client.post(
        url, {"conclusion": "Benign.", "close": "1", "close_undecided": "1"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("review_queue")
    claimed.refresh_from_db()
    assert claimed.status == "closed"
    assert review.decision_counts(claimed) == {
        "confirm": 1,
        "reject": 0,
        "relabel": 0,
        "undecided": 2,
    }
    html = render_to_string(
        "review/owner_summary.html", {"analysis": Analysis.objects.get(pk=claimed.analysis_id)}
    )
    assert "1 confirmed, 0 relabelled, 0 rejected; " in html and "2 events left undecided" in html


def test_a_fully_decided_case_closes_without_the_question(claimed, rita, rita_client):
    for event in claimed.analysis.events.all():
        review.decide(claimed, event, rita, "confirm")
    page = rita_client.get(reverse("review_case", args=[claimed.pk])).text
    assert 'id="close-undecided"' not in page
    url = reverse("review_conclude", args=[claimed.pk])
    assert rita_client.post(url, {"conclusion": "Ectopy.", "close": "1"}).status_code == 302
    claimed.refresh_from_db()
    assert claimed.status == "closed"
    html = render_to_string(
        "review/owner_summary.html", {"analysis": Analysis.objects.get(pk=claimed.analysis_id)}
    )
    assert "3 confirmed, 0 relabelled, 0 rejected." in html and "undecided" not in html
