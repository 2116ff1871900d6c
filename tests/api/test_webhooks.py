"""Webhooks: API management, signed deliveries to a real HTTP server on 127.0.0.1, retries."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from analysis import tasks, webhooks
from analysis.models import Analysis, Webhook, WebhookDelivery
from analysis.signals import analysis_finished
from tests.api.helpers import API, Receiver, assert_error


def test_api_manages_webhooks(api_alice, api_bob):
    url = "https://hooks.example.org/a"
    created = api_alice.post(f"{API}/webhooks/", {"url": url}, format="json")
    assert created.status_code == 201
    hook = created.json()
    assert len(hook["secret"]) == 64 and hook["active"] is True
    bad = api_alice.post(f"{API}/webhooks/", {"url": "ftp://127.0.0.1/x"}, format="json")
    assert "url" in assert_error(bad, 400, "invalid")["details"]
    paused = api_alice.patch(f"{API}/webhooks/{hook['id']}/", {"active": False}, format="json")
    assert paused.json()["active"] is False
    assert api_alice.get(f"{API}/webhooks/").json()["count"] == 1
    assert api_bob.get(f"{API}/webhooks/").json()["count"] == 0
    assert api_alice.get(f"{API}/webhooks/{hook['id']}/deliveries/").json()["count"] == 0
    assert api_alice.delete(f"{API}/webhooks/{hook['id']}/").status_code == 204
    assert not Webhook.objects.exists()


def test_finished_analysis_is_delivered_signed(
    alice, finished, receiver, django_capture_on_commit_callbacks, api_alice
):
    hook = Webhook.objects.create(owner=alice, url=receiver.url)
    Webhook.objects.create(owner=alice, url=receiver.url + "/paused", active=False)
    with django_capture_on_commit_callbacks() as callbacks:
        analysis_finished.send(sender=Analysis, analysis=finished)  # as the pipeline does
    delivery = WebhookDelivery.objects.get()  # the paused webhook gets nothing
    assert (delivery.webhook, delivery.event, delivery.status) == (
        hook,
        "analysis.succeeded",
        "pending",
    )
    assert len(callbacks) == 1  # the worker task, sent once the transaction commits

    tasks.deliver_webhook(delivery.pk)  # what the worker runs
    headers, body = receiver.received[0]
    signed = headers["X-Beatline-Timestamp"].encode() + b"." + body  # as the README checks it
    expected = "sha256=" + hmac.new(hook.secret.encode(), signed, hashlib.sha256).hexdigest()
    assert headers["X-Beatline-Signature"] == expected
    assert abs(int(headers["X-Beatline-Timestamp"]) - time.time()) < 60
    assert headers["X-Beatline-Event"] == "analysis.succeeded"
    assert headers["X-Beatline-Delivery"] == str(delivery.pk)
    assert int(headers["X-Beatline-Timestamp"]) > 0
    sent = json.loads(body)
    assert sent["event"] == "analysis.succeeded"
    assert sent["analysis"]["id"] == finished.pk and sent["analysis"]["status"] == "succeeded"
    assert sent["analysis"]["url"].endswith(f"/api/v1/analyses/{finished.pk}/")
    assert sent["recording"] == {"id": finished.recording.pk, "name": "holter"}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert delivery.delivered_at is not None

    # Sent once: a second signal or a re-delivered task sends nothing more.
    analysis_finished.send(sender=Analysis, analysis=finished)
    assert webhooks.attempt(delivery.pk) is None
    assert len(receiver.received) == 1 and WebhookDelivery.objects.count() == 1
    log = api_alice.get(f"{API}/webhooks/{hook.pk}/deliveries/").json()["results"]
    assert [(d["status"], d["attempts"]) for d in log] == [("delivered", 1)]


def test_failures_retry_with_backoff_until_given_up(alice, finished, receiver, settings):
    settings.WEBHOOK_BACKOFF_S = 30
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    Webhook.objects.create(owner=alice, url=receiver.url)
    Analysis.objects.filter(pk=finished.pk).update(status="failed", error="bad signal")
    finished.refresh_from_db()
    (delivery,) = webhooks.queue_deliveries(finished)
    assert (
        delivery.event == "analysis.failed"
        and delivery.payload["analysis"]["error"] == "bad signal"
    )

    receiver.codes = [500, 503, 500]
    assert webhooks.attempt(delivery.pk) == 30
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    # The status only: what the receiver answered is not shown back to the user.
    assert delivery.last_error == "HTTP 500" and delivery.next_attempt_at is not None
    assert webhooks.attempt(delivery.pk) == 60  # doubled
    assert webhooks.attempt(delivery.pk) is None  # third failure: given up
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 3, None)
    assert len(receiver.received) == 3
    # The same body every time (its signature changes with the timestamp).
    assert len({body for _, body in receiver.received}) == 1


def test_unreachable_url_and_recovery(alice, finished, receiver):
    hook = Webhook.objects.create(owner=alice, url=receiver.url)
    (delivery,) = webhooks.queue_deliveries(finished)
    receiver.close()  # nothing listens on the port any more
    assert webhooks.attempt(delivery.pk) == webhooks.backoff_s(1)
    delivery.refresh_from_db()
    assert delivery.last_status_code is None and "ConnectionError" in delivery.last_error
    second = Receiver()
    try:
        Webhook.objects.filter(pk=hook.pk).update(url=second.url)
        assert webhooks.attempt(delivery.pk) is None
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 2, "")
    finally:
        second.close()


def test_private_addresses_are_refused_in_production(alice, finished, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    Webhook.objects.create(owner=alice, url=receiver.url)
    (delivery,) = webhooks.queue_deliveries(finished)
    assert webhooks.attempt(delivery.pk) is not None
    delivery.refresh_from_db()
    assert "private, loopback or link-local" in delivery.last_error
    assert receiver.received == []
