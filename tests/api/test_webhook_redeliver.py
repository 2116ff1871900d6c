"""A delivered or failed delivery can be sent again, from the API or the Account page, with a fresh
set of tries: after the owner fixed the receiver, say."""

from __future__ import annotations

from django.urls import reverse

from analysis import tasks, webhooks
from analysis.models import Webhook
from tests.api.helpers import API, assert_error


def test_a_failed_delivery_is_sent_again_over_the_api(
    alice, finished, receiver, api_alice, api_bob, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    hook = Webhook.objects.create(owner=alice, url=receiver.url)
    (delivery,) = webhooks.queue_deliveries(finished)
    receiver.codes = [503]
    tasks.deliver_webhook(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 1)

    url = f"{API}/webhooks/{hook.pk}/deliveries/{delivery.pk}/redeliver/"
    assert_error(api_bob.post(url), 404, "not_found")
    with django_capture_on_commit_callbacks(execute=True):  # queued for the workers
        again = api_alice.post(url)
    assert again.status_code == 202, again.content
    answered = {key: again.json()[key] for key in ("status", "attempts", "last_status_code")}
    assert answered == {"status": "pending", "attempts": 0, "last_status_code": None}
    assert again.json()["last_error"] == "" and again.json()["delivered_at"] is None
    assert_error(api_alice.post(url), 409, "delivery_conflict")  # still being sent

    tasks.deliver_webhook(delivery.pk)  # what the worker runs
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    assert [body for _, body in receiver.received][0] == receiver.received[1][1]  # same body

    Webhook.objects.filter(pk=hook.pk).update(active=False)
    paused = assert_error(api_alice.post(url), 409, "delivery_conflict")
    assert "resume it first" in paused["message"]


def test_the_account_page_sends_one_again(alice, finished, alice_client, bob_client):
    hook = Webhook.objects.create(owner=alice, url="https://hooks.example.org/r")
    (delivery,) = webhooks.queue_deliveries(finished)
    page = reverse("account_webhook_redeliver", args=[delivery.pk])
    assert page not in alice_client.get(reverse("account")).text  # pending: no button
    delivery.status = "failed"
    delivery.save()
    assert f'action="{page}"' in alice_client.get(reverse("account")).text
    assert bob_client.post(page).status_code == 404
    shown = alice_client.post(page, follow=True).text
    assert f"Sending the analysis.succeeded delivery to {hook.url} again." in shown
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert "still being sent" in alice_client.post(page, follow=True).text
