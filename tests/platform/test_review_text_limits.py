"""The case page refuses a conclusion, notes or event note past the API's limits with a message that
gives the limit and the length, saves nothing and shows the text again; it never cuts it short."""

from __future__ import annotations

import pytest
from django.urls import reverse

from analysis import review
from analysis.models import EventReview
from tests.api.helpers import API, assert_error, token_client
from tests.platform.review_helpers import make_case


@pytest.fixture
def claimed(alice, rita):
    case = make_case(alice)
    assert review.claim(case.pk, rita)
    return case


def test_a_long_conclusion_is_refused_and_shown_again(claimed, rita_client):
    url = reverse("review_conclude", args=[claimed.pk])
    conclusion, notes = "c" * 10_001, "kept notes"
    page = rita_client.post(url, {"conclusion": conclusion, "notes": notes}, follow=True).text
    assert "Conclusion: ensure it has no more than 10000 characters (it has 10001)" in page
    assert "Saved." not in page
    assert f">{conclusion}</textarea>" in page and f">{notes}</textarea>" in page
    claimed.refresh_from_db()
    assert (claimed.conclusion, claimed.notes) == ("", "")
    assert list(claimed.audit.values_list("action", flat=True)) == ["claim"]
    # Shown once: the page opened again shows what is stored.
    assert conclusion not in rita_client.get(reverse("review_case", args=[claimed.pk])).text


def test_long_notes_do_not_close_the_case(claimed, rita_client):
    url = reverse("review_conclude", args=[claimed.pk])
    data = {"conclusion": "Benign.", "notes": "n" * 10_005, "close": "1", "close_undecided": "1"}
    page = rita_client.post(url, data, follow=True).text
    assert "Internal notes: ensure it has no more than 10000 characters (it has 10005)" in page
    claimed.refresh_from_db()
    assert claimed.status == "in_review" and claimed.conclusion == ""


def test_text_at_the_limit_is_saved_whole(claimed, rita_client):
    url = reverse("review_conclude", args=[claimed.pk])
    page = rita_client.post(url, {"conclusion": "c" * 10_000, "notes": "n" * 10_000}, follow=True)
    assert "Saved." in page.text
    claimed.refresh_from_db()
    assert len(claimed.conclusion) == len(claimed.notes) == 10_000


def test_a_long_event_note_is_refused_and_shown_again(claimed, rita_client):
    event = claimed.analysis.events.get()
    url = reverse("review_decide", args=[claimed.pk, event.pk])
    data = {"decision": "relabel", "new_class": "S", "note": "x" * 2001}
    answer = rita_client.post(url, data, HTTP_ACCEPT="application/json")  # the page's script
    assert answer.status_code == 400
    assert (
        "Note: ensure it has no more than 2000 characters (it has 2001)" in answer.json()["error"]
    )
    page = rita_client.post(url, data, follow=True).text  # the plain form
    assert "Note: ensure it has no more than 2000 characters (it has 2001)" in page
    row = page[page.index(f'id="event-{event.pk}"') :]
    row = row[: row.index("</tr>")]
    assert f'value="{"x" * 2001}"' in row
    assert 'value="relabel" selected' in row and 'value="S" selected' in row
    assert not EventReview.objects.exists()

    data["note"] = "x" * 2000
    assert rita_client.post(url, data, HTTP_ACCEPT="application/json").status_code == 200
    assert len(EventReview.objects.get().note) == 2000


def test_the_api_has_the_same_limits(claimed, rita):
    client = token_client(rita)
    url = f"{API}/review/cases/{claimed.pk}/"
    error = assert_error(
        client.patch(url, {"conclusion": "c" * 10_001}, format="json"), 400, "invalid"
    )
    assert "10000" in error["message"]
    assert client.patch(url, {"conclusion": "c" * 10_000}, format="json").status_code == 200
    event = claimed.analysis.events.get()
    decision = f"{url}events/{event.pk}/decision/"
    body = {"decision": "confirm", "note": "x" * 2001}
    assert (
        "2000"
        in assert_error(client.post(decision, body, format="json"), 400, "invalid")["message"]
    )
