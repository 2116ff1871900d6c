"""Saving the questionnaire page unchanged keeps the answers exactly as they were stored, those an
API client gave included: a symptom both timed and untimed, several untimed ones, times to the
millisecond and below. A ``?`` among a symptom's times is one more time not known."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from recordings.forms import format_time, parse_times
from recordings.models import Recording
from tests.api.helpers import API, token_client

DURATION_S = 1805.5555555555557  # as n_samples / sampling rate gives it


class FormFields(HTMLParser):
    """The fields a browser sends for the page's form, as rendered."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.textarea: str | None = None
        self.select: str | None = None

    def add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a["name"] != "csrfmiddlewaretoken":
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.add(a["name"], a.get("value") or "on")
            else:
                self.add(a["name"], a.get("value") or "")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.add(self.textarea, "")
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select and "selected" in a:
            self.add(self.select, a["value"])

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data


def form_fields(page: str) -> dict[str, list[str]]:
    parser = FormFields()
    parser.feed(page)
    return parser.data


@pytest.fixture
def recording(alice) -> Recording:
    return Recording.objects.create(
        owner=alice,
        name="holter",
        format="csv",
        main_file="holter.csv",
        sampling_rate=360.0,
        lead_names=["I"],
        n_samples=650_000,
        duration_s=DURATION_S,
    )


ANSWERS = {
    "age": 50,
    "sex": "female",
    "conditions": ["hypertension"],
    "other_conditions": "asthma",
    "medication": "bisoprolol 2.5 mg daily",
    "symptoms": [
        {"kind": "palpitations", "at_s": None},
        {"kind": "palpitations", "at_s": 10.4},
        {"kind": "dizziness", "at_s": None},
        {"kind": "dizziness", "at_s": None},
        {"kind": "chest_pain", "at_s": 10.0004},
        {"kind": "chest_pain", "at_s": 10.0001},
        {"kind": "fatigue", "at_s": DURATION_S},  # at the very end
        {"kind": "fainting", "at_s": None},
    ],
}


def symptoms(answers: dict) -> list[tuple[str, float | None]]:
    return sorted(
        ((s["kind"], s["at_s"]) for s in answers["symptoms"]),
        key=lambda s: (s[0], s[1] is None, s[1] or 0),
    )


def test_an_unchanged_page_save_keeps_api_answers_exactly(alice, alice_client, recording):
    client = token_client(alice)
    api_url = f"{API}/recordings/{recording.pk}/questionnaire/"
    assert client.put(api_url, ANSWERS, format="json").status_code == 200
    before = client.get(api_url).json()

    url = reverse("questionnaire", args=[recording.pk])
    fields = form_fields(alice_client.get(url).text)
    assert fields["palpitations_at"] == ["0:00:10.4, ?"]  # shown, not dropped
    assert fields["dizziness_at"] == ["?, ?"]
    assert fields["chest_pain_at"] == ["0:00:10, 0:00:10"]
    assert fields["fatigue_at"] == ["0:30:05.556"]  # shown rounded up past the end
    assert fields["fainting"] == ["on"] and fields["fainting_at"] == [""]
    assert alice_client.post(url, fields).status_code == 302

    after = client.get(api_url).json()
    assert symptoms(after) == symptoms(before) == symptoms(ANSWERS)
    assert {k: v for k, v in after.items() if k != "updated"} == {
        k: v for k, v in before.items() if k != "updated"
    }


def test_question_marks_are_times_not_known(alice_client, recording):
    url = reverse("questionnaire", args=[recording.pk])
    answer = alice_client.post(url, {"palpitations_at": "0:05, ?", "dizziness_at": "?"})
    assert answer.status_code == 302
    stored = sorted(
        recording.questionnaire.symptoms.values_list("kind", "at_s"),
        key=lambda s: (s[0], s[1] is None),
    )
    assert stored == [("dizziness", None), ("palpitations", 300.0), ("palpitations", None)]


def test_times_are_shown_to_the_millisecond_and_read_back():
    assert [format_time(t) for t in (0, 10.4, 59.9996, 3723.25, 10.0004)] == [
        "0:00:00",
        "0:00:10.4",
        "0:01:00",
        "1:02:03.25",
        "0:00:10",
    ]
    assert parse_times("0:00:10.4, ?, 1:02:03.25", 7200.0) == [10.4, None, 3723.25]
    assert parse_times("0:30:05.556", DURATION_S) == [DURATION_S]  # the end, shown rounded
