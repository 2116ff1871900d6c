"""The delivery log keeps finished deliveries WEBHOOK_LOG_DAYS; recover_analyses prunes it, and
never a pending delivery."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from analysis import webhooks
from analysis.models import Webhook, WebhookDelivery


def delivery(hook: Webhook, status: str, days_old: float) -> WebhookDelivery:
    made = WebhookDelivery.objects.create(webhook=hook, event="ping", payload={}, status=status)
    then = timezone.now() - timedelta(days=days_old)
    WebhookDelivery.objects.filter(pk=made.pk).update(created=then)
    return made


def test_old_finished_deliveries_go_pending_and_recent_ones_stay(alice, settings):
    settings.WEBHOOK_LOG_DAYS = 30
    hook = Webhook.objects.create(owner=alice, url="https://example.org/hook")
    gone = [delivery(hook, "delivered", 31), delivery(hook, "failed", 45)]
    kept = [delivery(hook, "pending", 90), delivery(hook, "delivered", 29)]

    out = io.StringIO()
    call_command("recover_analyses", stdout=out)
    assert "webhook log: 2 old deliveries deleted" in out.getvalue()
    left = set(WebhookDelivery.objects.values_list("pk", flat=True))
    assert left == {d.pk for d in kept} and not left & {d.pk for d in gone}
    assert webhooks.prune_log() == 0  # nothing more to do


def test_a_long_log_goes_in_batches(alice, settings, monkeypatch):
    settings.WEBHOOK_LOG_DAYS = 30
    monkeypatch.setattr(webhooks, "PRUNE_BATCH", 2)
    hook = Webhook.objects.create(owner=alice, url="https://example.org/hook")
    for _ in range(5):
        delivery(hook, "delivered", 40)
    assert webhooks.prune_log() == 5 and not WebhookDelivery.objects.exists()


def test_zero_days_keeps_the_log_for_ever(alice, settings):
    settings.WEBHOOK_LOG_DAYS = 0
    hook = Webhook.objects.create(owner=alice, url="https://example.org/hook")
    delivery(hook, "delivered", 4000)
    assert webhooks.prune_log() == 0 and WebhookDelivery.objects.count() == 1


def test_the_minutely_queries_have_indexes(db):
    with connection.cursor() as cursor:
        names = {
            name
            for name, info in connection.introspection.get_constraints(
                cursor, WebhookDelivery._meta.db_table
            ).items()
            if info["index"]
        }
    assert {"pending_deliveries", "delivery_created"} <= names


def test_the_account_page_says_how_long_the_log_is_kept(alice_client, settings):
    settings.WEBHOOK_LOG_DAYS = 30
    assert "delivered and failed ones are kept 30 days" in alice_client.get("/account/").text
    settings.WEBHOOK_LOG_DAYS = 0
    assert "delivered and failed ones are kept for ever" in alice_client.get("/account/").text
