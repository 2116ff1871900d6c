"""Symptom times that are no time (nan, inf, 1e400, 0:75) are refused with a message, on the page
and in the API; nothing is stored."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from recordings.forms import parse_times
from recordings.models import Questionnaire
from tests.api.helpers import API, assert_error, token_client


@pytest.mark.parametrize(
    "text", ["nan", "inf", "-inf", "1e400", "0:nan", "1:inf:00", "0:75", "1:05:60"]
)
def test_parse_times_refuses_what_is_no_time(text):
    with pytest.raises(forms.ValidationError, match="is not a time"):
        parse_times(text, 3600.0)


def test_parse_times_reads_real_times():
    assert parse_times("0:05, 10; 0:00:30", 3600.0) == [300.0, 600.0, 30.0]


@pytest.mark.parametrize("text", ["nan", "inf", "1e400"])
def test_page_refuses_a_non_finite_time(alice_client, holter_hour, text):
    url = reverse("questionnaire", args=[holter_hour.pk])
    page = alice_client.post(url, {"palpitations": "on", "palpitations_at": text})
    assert page.status_code == 400
    assert "is not a time" in page.content.decode()
    assert not Questionnaire.objects.exists()


@pytest.mark.parametrize("at_s", ["nan", "NaN", "inf", "-Infinity", "1e400", -1, 3601])
def test_api_refuses_a_non_finite_or_out_of_range_time(alice, holter_hour, at_s):
    url = f"{API}/recordings/{holter_hour.pk}/questionnaire/"
    answers = {"symptoms": [{"kind": "palpitations", "at_s": at_s}]}
    error = assert_error(token_client(alice).put(url, answers, format="json"), 400, "invalid")
    assert "symptoms" in error["details"]
    assert not Questionnaire.objects.exists()


def test_api_refuses_a_bare_nan_in_the_json(alice, holter_hour):
    url = f"{API}/recordings/{holter_hour.pk}/questionnaire/"
    body = '{"symptoms": [{"kind": "palpitations", "at_s": NaN}]}'
    response = token_client(alice).put(url, body, content_type="application/json")
    assert_error(response, 400, "parse_error")
    assert not Questionnaire.objects.exists()
