"""The questionnaire page has the API's limits (at most 200 symptom times, 2000 characters of
other conditions and of medication), refused with a message that keeps what was written, so answers
saved through the page always go back through the API (GET, then PUT)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from recordings.models import Questionnaire
from recordings.serializers import ANSWER_TEXT_MAX, MAX_SYMPTOMS
from tests.api.helpers import API, assert_error, token_client


def minutes(n: int) -> str:
    """``n`` times, a minute apart and within the hour."""
    return ", ".join(str(i % 60) for i in range(n))


def test_the_page_refuses_more_symptom_times_than_the_api(alice_client, holter_hour):
    url = reverse("questionnaire", args=[holter_hour.pk])
    data = {"palpitations_at": minutes(150), "dizziness_at": minutes(50), "fatigue": "on"}
    page = alice_client.post(url, data)
    assert page.status_code == 400
    assert "no more than 200 symptom times in all (there are 201" in page.text
    assert minutes(150) in page.text  # what was written is kept
    assert not Questionnaire.objects.exists()


@pytest.mark.parametrize("field", ["medication", "other_conditions"])
def test_the_page_refuses_longer_text_than_the_api(alice_client, holter_hour, field):
    url = reverse("questionnaire", args=[holter_hour.pk])
    page = alice_client.post(url, {field: "m" * 2001})
    assert page.status_code == 400
    assert "Ensure this value has at most 2000 characters (it has 2001)." in page.text
    assert f">\n{'m' * 2001}</textarea>" in page.text
    assert "maxlength" not in page.text  # a browser would cut a paste short without a word
    assert not Questionnaire.objects.exists()


def test_page_answers_at_the_limits_go_back_through_the_api(alice, alice_client, holter_hour):
    url = reverse("questionnaire", args=[holter_hour.pk])
    data = {
        "palpitations_at": minutes(199),
        "dizziness": "on",  # untimed: the 200th
        "medication": "m" * 2000,
        "other_conditions": "o" * 2000,
        "conditions": ["diabetes", "diabetes", "thyroid"],
        "age": "120",
    }
    assert alice_client.post(url, data).status_code == 302
    client = token_client(alice)
    api_url = f"{API}/recordings/{holter_hour.pk}/questionnaire/"
    answers = client.get(api_url).json()
    assert len(answers["symptoms"]) == 200 and answers["conditions"] == ["diabetes", "thyroid"]
    answers["age"] = 60
    assert client.put(api_url, answers, format="json").status_code == 200


def test_the_limits_are_the_apis(alice, holter_hour):
    client = token_client(alice)
    api_url = f"{API}/recordings/{holter_hour.pk}/questionnaire/"
    too_many = {"symptoms": [{"kind": "fatigue", "at_s": None}] * (MAX_SYMPTOMS + 1)}
    assert_error(client.put(api_url, too_many, format="json"), 400, "invalid")
    too_long = {"medication": "m" * (ANSWER_TEXT_MAX + 1)}
    assert_error(client.put(api_url, too_long, format="json"), 400, "invalid")
    assert (MAX_SYMPTOMS, ANSWER_TEXT_MAX) == (200, 2000)
