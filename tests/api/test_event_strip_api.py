"""An event's strip over the API: the report's PNG, as the page serves it; errors stay JSON."""

from __future__ import annotations

from django.urls import reverse

from tests.api.helpers import API, assert_error


def test_an_events_strip_is_the_pages_png(api_alice, api_bob, alice_client, alices_objects):
    analysis = alices_objects.analysis
    event = analysis.events.first()
    url = f"{API}/analyses/{analysis.pk}/events/{event.pk}/strip.png"
    strip = api_alice.get(url, HTTP_ACCEPT="image/png")
    assert strip.status_code == 200 and strip["Content-Type"] == "image/png"
    assert strip.content.startswith(b"\x89PNG\r\n\x1a\n")
    page = alice_client.get(reverse("event_strip", args=[analysis.pk, event.pk]))
    assert page.content == strip.content
    assert api_alice.get(url).status_code == 200  # without an Accept header too

    missing = api_alice.get(f"{API}/analyses/{analysis.pk}/events/999999/strip.png")
    assert missing["Content-Type"] == "application/json"
    assert_error(missing, 404, "not_found")
    assert_error(api_bob.get(url), 404, "not_found")  # not bob's
