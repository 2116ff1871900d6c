"""Each webhook chooses the events it is sent: all of them unless told."""

from __future__ import annotations

from django.urls import reverse

from analysis import webhooks
from analysis.models import WEBHOOK_EVENTS, Webhook
from tests.api.helpers import API, assert_error


def test_the_api_sets_and_checks_a_webhooks_events(api_alice, alice):
    made = api_alice.post(f"{API}/webhooks/", {"url": "https://hooks.example.org/a"}, format="json")
    assert made.json()["events"] == list(WEBHOOK_EVENTS)  # all by default
    chosen = api_alice.post(
        f"{API}/webhooks/",
        {"url": "https://hooks.example.org/b", "events": ["review.closed", "analysis.failed"] * 2},
        format="json",
    )
    assert chosen.json()["events"] == ["analysis.failed", "review.closed"]  # once each, in order
    for bad in ([], ["analysis.started"], "review.closed"):
        refused = api_alice.post(
            f"{API}/webhooks/", {"url": "https://hooks.example.org/c", "events": bad}, format="json"
        )
        assert "events" in assert_error(refused, 400, "invalid")["details"], bad
    url = f"{API}/webhooks/{made.json()['id']}/"
    changed = api_alice.patch(url, {"events": ["analysis.succeeded"]}, format="json")
    assert changed.json()["events"] == ["analysis.succeeded"]
    assert Webhook.objects.count() == 2


def test_a_webhook_gets_only_its_events(alice, finished):
    everything = Webhook.objects.create(owner=alice, url="https://hooks.example.org/all")
    Webhook.objects.create(
        owner=alice, url="https://hooks.example.org/reviews", events=["review.closed"]
    )
    (delivery,) = webhooks.queue_deliveries(finished)  # analysis.succeeded
    assert delivery.webhook == everything


def test_the_page_adds_a_webhook_with_the_events_ticked(alice_client, alice):
    page = alice_client.get(reverse("account")).text
    for event in WEBHOOK_EVENTS:
        assert f'value="{event}"' in page and "checked" in page.split(f'value="{event}"')[1][:30]
    alice_client.post(
        reverse("account_webhook_add"),
        {"url": "https://hooks.example.org/p", "events": ["review.closed"]},
    )
    assert Webhook.objects.get(owner=alice).events == ["review.closed"]
    none = alice_client.post(reverse("account_webhook_add"), {"url": "https://hooks.example.org/q"})
    assert none.status_code == 400 and Webhook.objects.count() == 1
