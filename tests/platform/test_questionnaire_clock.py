"""Where the recording's file gives its clock, symptom times can be written as a diary has them,
by the clock; the page stores them as times into the recording."""

from __future__ import annotations

from datetime import datetime

import pytest
from django import forms
from django.urls import reverse

from recordings.forms import parse_times
from recordings.models import Recording

START = datetime(2026, 11, 30, 23, 50, 0)


def test_clock_times_count_from_the_start_across_midnight():
    assert parse_times("23:55, 0:10:30", 3600.0, START) == [300.0, 1230.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("23:40", "not during the recording, which ran from 23:50:00 to 00:50:00"),
        ("1:00", "not during the recording"),
        ("12", "is not a time: write h:mm, 24-hour"),  # minutes alone are no clock time
        ("24:10", "hours go up to 23"),
    ],
)
def test_clock_times_outside_the_recording_are_refused(text, message):
    with pytest.raises(forms.ValidationError, match=message):
        parse_times(text, 3600.0, START)


@pytest.fixture
def recording(alice) -> Recording:
    return Recording.objects.create(
        owner=alice,
        name="holter",
        format="edf",
        main_file="holter.edf",
        sampling_rate=250.0,
        lead_names=["II"],
        n_samples=250 * 3600,
        duration_s=3600.0,
        clock_start=START.isoformat(),
    )


def test_the_page_takes_clock_times(alice_client, recording):
    url = reverse("questionnaire", args=[recording.pk])
    assert "it started at 2026-11-30 23:50:00" in alice_client.get(url).content.decode()
    response = alice_client.post(url, {"time_base": "clock", "palpitations_at": "0:05"})
    assert response.status_code == 302
    symptom = recording.questionnaire.symptoms.get()
    assert (symptom.kind, symptom.at_s) == ("palpitations", 900.0)
    # Shown again as times into the recording, which is what the form starts with.
    assert 'value="0:15:00"' in alice_client.get(url).content.decode()


def test_into_the_recording_stays_the_default(alice_client, recording):
    url = reverse("questionnaire", args=[recording.pk])
    alice_client.post(url, {"palpitations_at": "0:05"})
    assert recording.questionnaire.symptoms.get().at_s == 300.0


def test_without_a_clock_there_is_no_choice(alice_client, recording):
    Recording.objects.filter(pk=recording.pk).update(clock_start="")
    page = alice_client.get(reverse("questionnaire", args=[recording.pk])).content.decode()
    assert "time_base" not in page and "by the clock" not in page
