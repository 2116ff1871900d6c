"""The recording page's event list: filtered by type and severity, paged, times as h:mm:ss.s."""

import re

import pytest
from django.urls import reverse

from analysis import event_list
from tests.platform.review_helpers import make_case

# 250 isolated PVCs (minor), one ventricular run (major) at the end, two pauses (moderate).
EVENTS = [
    *(("pvc", 10.0 * i, 10.0 * i, 1) for i in range(250)),
    ("pause", 100.0, 102.4, 2),
    ("pause", 3725.0, 3727.5, 2),
    ("v_run", 3790.0, 3791.6, 3),
]


@pytest.fixture
def page_url(alice):
    case = make_case(alice, EVENTS)
    return reverse("recording_detail", args=[case.analysis.recording_id])


def rows(html: str) -> list[str]:
    return re.findall(r'<tr class="event[^>]*>(.*?)</tr>', html, re.S)


def test_every_event_is_reachable_a_page_at_a_time(alice_client, page_url):
    first = alice_client.get(page_url).text
    assert len(rows(first)) == event_list.PER_PAGE
    assert f"Events 1–{event_list.PER_PAGE} of {len(EVENTS)}" in first
    assert "?page=2#events" in first and "earlier" not in first
    last = alice_client.get(page_url, {"page": 3}).text
    assert len(rows(last)) == len(EVENTS) - 2 * event_list.PER_PAGE
    assert "Ventricular run" in last and "later" not in last
    # A page past the end shows the last one; a page that is not a number the first.
    assert rows(alice_client.get(page_url, {"page": 99}).text) == rows(last)
    assert rows(alice_client.get(page_url, {"page": "x"}).text) == rows(first)


def test_filters_by_type_and_severity_and_keeps_them_across_pages(alice_client, page_url):
    html = alice_client.get(page_url, {"type": "pause"}).text
    assert len(rows(html)) == 2 and "Events 1–2 of 2 (of 253 in all)" in html
    assert '<option value="pvc">Isolated PVC (250)</option>' in html
    assert '<option value="pause" selected>Pause (2)</option>' in html
    major = alice_client.get(page_url, {"severity": "3"}).text
    assert [("Ventricular run" in r) for r in rows(major)] == [True]
    pvcs = alice_client.get(page_url, {"type": "pvc", "page": 2}).text
    assert "?type=pvc&amp;page=1#events" in pvcs and "?type=pvc&amp;page=3#events" in pvcs
    nothing = alice_client.get(page_url, {"type": "pvc", "severity": "3"}).text
    assert rows(nothing) == [] and "No events match these filters." in nothing
    # Unknown filters show everything rather than an error.
    assert len(rows(alice_client.get(page_url, {"type": "x", "severity": "9"}).text)) == 100


def test_event_times_read_as_hours_minutes_seconds(alice_client, page_url):
    html = alice_client.get(page_url, {"type": "pause"}).text
    assert "<td>0:01:40.0</td><td>0:01:42.4</td>" in html
    assert "<td>1:02:05.0</td><td>1:02:07.5</td>" in html
