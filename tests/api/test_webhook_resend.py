"""A delivery whose task never reached a worker (broker unreachable, or Redis restarted) or whose
webhook was paused is not lost: recover_analyses sends it again once it is overdue."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from kombu.exceptions import OperationalError

from analysis import tasks, webhooks
from analysis.models import Webhook, WebhookDelivery
from tests.api.helpers import API


def unreachable(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def age(delivery: WebhookDelivery, seconds: float, **fields) -> None:
    """Make the delivery look ``seconds`` old (created, and due then unless given)."""
    then = timezone.now() - timedelta(seconds=seconds)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(created=then, **fields)


def test_a_delivery_queued_while_the_broker_is_down_is_sent_later(
    alice, finished, receiver, monkeypatch, caplog, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_RESEND_AFTER_S = 600
    Webhook.objects.create(owner=alice, url=receiver.url)
    monkeypatch.setattr(tasks.deliver_webhook, "apply_async", unreachable)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        (delivery,) = webhooks.queue_deliveries(finished)  # no exception reaches the pipeline
    assert f"webhook delivery {delivery.pk} waits for recover_analyses" in caplog.text
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)

    sent = []
    monkeypatch.setattr(tasks.deliver_webhook, "apply_async", lambda args, **kw: sent.append(args))
    assert webhooks.resend_overdue() == []  # not overdue yet: its task may still be on its way
    age(delivery, 601)
    call_command("recover_analyses")
    assert sent == [(delivery.pk,)]
    assert webhooks.resend_overdue() == []  # once per wait, not every minute
    tasks.deliver_webhook(*sent[0])  # the worker runs it
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    assert len(receiver.received) == 1


def test_a_retry_lost_with_the_broker_is_sent_again(
    alice, finished, receiver, monkeypatch, caplog, settings
):
    settings.WEBHOOK_BACKOFF_S = 30
    Webhook.objects.create(owner=alice, url=receiver.url)
    (delivery,) = webhooks.queue_deliveries(finished)
    receiver.codes = [503]
    monkeypatch.setattr(tasks.deliver_webhook, "apply_async", unreachable)
    with caplog.at_level(logging.ERROR):
        tasks.deliver_webhook(delivery.pk)  # fails, and cannot schedule its retry
    assert "waits for recover_analyses" in caplog.text
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 1)

    later = delivery.next_attempt_at + timedelta(seconds=settings.WEBHOOK_RESEND_AFTER_S + 1)
    assert webhooks.resend_overdue(now=later - timedelta(seconds=2)) == []
    sent = []
    monkeypatch.setattr(tasks.deliver_webhook, "apply_async", lambda args, **kw: sent.append(args))
    assert webhooks.resend_overdue(now=later) == [delivery.pk] and sent == [(delivery.pk,)]


def test_a_paused_webhook_gets_its_waiting_deliveries_once_resumed(
    alice, finished, receiver, monkeypatch
):
    hook = Webhook.objects.create(owner=alice, url=receiver.url)
    (delivery,) = webhooks.queue_deliveries(finished)
    Webhook.objects.filter(pk=hook.pk).update(active=False)
    assert webhooks.attempt(delivery.pk) is None  # paused: it waits
    age(delivery, 3600)
    sent = []
    monkeypatch.setattr(tasks.deliver_webhook, "apply_async", lambda args, **kw: sent.append(args))
    assert webhooks.resend_overdue() == []  # still paused
    Webhook.objects.filter(pk=hook.pk).update(active=True)
    assert webhooks.resend_overdue() == [delivery.pk]
    tasks.deliver_webhook(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and len(receiver.received) == 1
    assert webhooks.resend_overdue() == []  # delivered: never again


def test_resuming_over_the_api_sends_what_waited_at_once(
    alice, finished, receiver, api_alice, monkeypatch, django_capture_on_commit_callbacks
):
    hook = Webhook.objects.create(owner=alice, url=receiver.url)
    (waited,) = webhooks.queue_deliveries(finished)
    url = f"{API}/webhooks/{hook.pk}/"
    assert api_alice.patch(url, {"active": False}, format="json").json()["active"] is False
    assert webhooks.attempt(waited.pk) is None  # paused: it waits
    scheduled = WebhookDelivery.objects.create(
        webhook=hook,
        event="analysis.failed",
        payload={},
        next_attempt_at=timezone.now() + timedelta(minutes=5),  # its retry task is still to come
    )
    sent = []
    monkeypatch.setattr(tasks.deliver_webhook, "apply_async", lambda args, **kw: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        assert api_alice.patch(url, {"url": receiver.url}, format="json").status_code == 200
    assert sent == []  # still paused
    with django_capture_on_commit_callbacks(execute=True):
        assert api_alice.patch(url, {"active": True}, format="json").json()["active"] is True
    assert sent == [(waited.pk,)] and scheduled.pk not in [pk for (pk,) in sent]
