"""Only reviewers (the Reviewers group) and staff reach the review queue, its cases and their data."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.platform.review_helpers import make_case, make_reviewer


@pytest.fixture
def case(alice):
    return make_case(alice)


def urls(case):
    event = case.analysis.events.first()
    return {
        "get": [
            reverse("review_queue"),
            reverse("review_case", args=[case.pk]),
            reverse("review_events", args=[case.pk]),
            reverse("review_windows", args=[case.pk]),
            reverse("review_envelope", args=[case.pk]) + "?start=0&end=10",
        ],
        "post": [
            reverse("review_claim", args=[case.pk]),
            reverse("review_release", args=[case.pk]),
            reverse("review_conclude", args=[case.pk]),
            reverse("review_decide", args=[case.pk, event.pk]),
        ],
    }


def test_plain_users_get_403_even_the_owner(case, alice_client, bob_client):
    for client in (alice_client, bob_client):
        for url in urls(case)["get"]:
            assert client.get(url).status_code == 403, url
        for url in urls(case)["post"]:
            assert client.post(url, {"decision": "confirm"}).status_code == 403, url
    case.refresh_from_db()
    assert case.status == "pending" and case.audit.count() == 0


def test_anonymous_is_sent_to_log_in(case):
    response = Client().get(reverse("review_queue"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_reviewers_and_staff_reach_the_queue_and_see_the_nav_link(case, alice_client):
    for user in (make_reviewer("rita"), make_reviewer("sam", staff=True)):
        client = Client()
        client.force_login(user)
        page = client.get(reverse("review_queue"))
        assert page.status_code == 200
        assert "Review queue</a>" in page.text
        assert case.analysis.recording.name in page.text
        assert client.get(reverse("review_case", args=[case.pk])).status_code == 200
    assert "Review queue</a>" not in alice_client.get(reverse("dashboard")).text


def test_a_missing_case_is_404_for_reviewers(db):
    client = Client()
    client.force_login(make_reviewer("rita"))
    assert client.get(reverse("review_case", args=[999])).status_code == 404


def test_timeline_data_of_a_case_without_stored_results_is_a_409_not_a_500(case):
    client = Client()
    client.force_login(make_reviewer("rita"))
    for name in ("review_windows", "review_envelope", "review_beats"):
        response = client.get(reverse(name, args=[case.pk]))
        assert response.status_code == 409 and "no stored results" in response.json()["error"]
    assert client.get(reverse("review_events", args=[case.pk])).json()["events"][0]["type"] == "pvc"
