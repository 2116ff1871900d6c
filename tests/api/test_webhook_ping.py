"""A test delivery ("ping") on demand, signed and logged like the others, so a receiver can be
tried without waiting for an analysis."""

from __future__ import annotations

import hashlib
import hmac
import json

from django.urls import reverse

from analysis import tasks
from analysis.models import Webhook, WebhookDelivery
from tests.api.helpers import API, assert_error


def test_the_api_sends_a_signed_ping(
    alice, receiver, api_alice, api_bob, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    hook = Webhook.objects.create(owner=alice, url=receiver.url, events=["review.closed"])
    url = f"{API}/webhooks/{hook.pk}/ping/"
    assert_error(api_bob.post(url), 404, "not_found")
    queued = []
    monkeypatch.setattr(
        tasks.deliver_webhook, "apply_async", lambda args, **kw: queued.append(args)
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer = api_alice.post(url)
    assert answer.status_code == 202, answer.content
    delivery = WebhookDelivery.objects.get(pk=answer.json()["id"])
    assert (delivery.event, delivery.status, queued) == ("ping", "pending", [(delivery.pk,)])
    busy = assert_error(api_alice.post(url), 409, "delivery_conflict")  # one test at a time
    assert "still being sent" in busy["message"]

    tasks.deliver_webhook(delivery.pk)  # what the worker runs
    headers, body = receiver.received[0]
    signed = headers["X-Beatline-Timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(hook.secret.encode(), signed, hashlib.sha256).hexdigest()
    assert headers["X-Beatline-Signature"] == expected and headers["X-Beatline-Event"] == "ping"
    assert json.loads(body) == {"event": "ping", "webhook": {"id": hook.pk, "url": hook.url}}
    log = api_alice.get(f"{API}/webhooks/{hook.pk}/deliveries/").json()["results"]
    assert [(d["event"], d["status"]) for d in log] == [("ping", "delivered")]

    Webhook.objects.filter(pk=hook.pk).update(active=False)
    assert (
        "resume it first" in assert_error(api_alice.post(url), 409, "delivery_conflict")["message"]
    )


def test_the_account_page_sends_a_test(alice, alice_client, bob_client):
    hook = Webhook.objects.create(owner=alice, url="https://hooks.example.org/t")
    page = reverse("account_webhook_ping", args=[hook.pk])
    assert f'action="{page}"' in alice_client.get(reverse("account")).text
    assert bob_client.post(page).status_code == 404
    shown = alice_client.post(page, follow=True).text
    assert f"Sending a test delivery to {hook.url}" in shown
    assert WebhookDelivery.objects.get().event == "ping"
    assert alice_client.get(page).status_code == 405  # a POST only
