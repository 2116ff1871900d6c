"""A long case is worked through with the list on "undecided only", and a decision saved without
JavaScript comes back to the same filters and page."""

import pytest
from django.test import Client
from django.urls import reverse

from analysis import review
from tests.platform.review_helpers import make_case

EVENTS = [("pvc", float(t), float(t), 1) for t in range(10, 130, 10)] + [("pause", 200.0, 203.0, 3)]


@pytest.fixture
def case(alice, rita):
    case = make_case(alice, EVENTS)
    assert review.claim(case.pk, rita)
    return case


def listed_ids(client, case, query: str) -> list[int]:
    page = client.get(reverse("review_case", args=[case.pk]) + query)
    assert page.status_code == 200
    return [row["id"] for row in page.context["events"]]


def test_undecided_only_leaves_out_decided_events(case, rita, rita_client):
    first, second, *rest = case.analysis.events.order_by("start_s")
    review.decide(case, first, rita, "confirm")
    review.decide(case, second, rita, "reject")

    assert len(listed_ids(rita_client, case, "")) == len(EVENTS)
    assert listed_ids(rita_client, case, "?undecided=1") == [e.pk for e in rest]
    assert listed_ids(rita_client, case, "?undecided=1&type=pause") == [rest[-1].pk]
    page = rita_client.get(reverse("review_case", args=[case.pk]) + "?undecided=1")
    assert b'name="undecided" value="1" checked' in page.content


def test_the_recording_page_has_no_undecided_filter(case):
    client = Client()
    client.force_login(case.analysis.recording.owner)
    page = client.get(reverse("recording_detail", args=[case.analysis.recording.pk]))
    assert page.status_code == 200 and b'name="undecided"' not in page.content


def test_a_form_decision_returns_to_the_same_list(case, rita_client):
    event = case.analysis.events.get(type="pause")
    url = reverse("review_decide", args=[case.pk, event.pk])
    list_query = "type=pause&severity=3&page=1&undecided=1"
    answer = rita_client.post(url, {"decision": "confirm", "list": list_query})
    case_page = reverse("review_case", args=[case.pk])
    assert answer.status_code == 302
    assert answer.url == f"{case_page}?type=pause&severity=3&undecided=1&page=1#event-{event.pk}"

    # Only the list's own parameters come back; an error goes back to the list too.
    answer = rita_client.post(url, {"decision": "", "list": "next=https://evil.example&page=2"})
    assert answer.url == f"{case_page}?page=2"


def test_the_decide_form_carries_the_list_query(case, rita_client):
    page = rita_client.get(reverse("review_case", args=[case.pk]) + "?type=pvc&undecided=1")
    assert b'name="list" value="type=pvc&amp;undecided=1&amp;page=1"' in page.content
