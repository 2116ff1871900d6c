"""Rotating a webhook's secret: a new one, shown once, signs every delivery from then on; the
replaced one signs a second header for WEBHOOK_SECRET_GRACE_S."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.test import Client
from django.urls import reverse

from analysis import webhooks
from analysis.models import Webhook
from tests.api.helpers import API, assert_error


def test_the_api_rotates_and_answers_the_new_secret_once(api_alice, alice):
    hook = Webhook.objects.create(owner=alice, url="https://hooks.example.org/r")
    old = hook.secret
    rotated = api_alice.post(f"{API}/webhooks/{hook.pk}/secret/")
    assert rotated.status_code == 200, rotated.content
    hook.refresh_from_db()
    assert hook.secret != old and len(hook.secret) == 64
    body = rotated.json()
    assert (body["id"], body["secret"], body["secret_hint"]) == (
        hook.pk,
        hook.secret,
        hook.secret[-4:],
    )
    assert hook.secret not in api_alice.get(f"{API}/webhooks/{hook.pk}/").text
    assert api_alice.get(f"{API}/webhooks/{hook.pk}/secret/").status_code == 405  # POST only


def test_only_the_owner_can_rotate(api_bob, bob_client, alice):
    hook = Webhook.objects.create(owner=alice, url="https://hooks.example.org/r")
    assert_error(api_bob.post(f"{API}/webhooks/{hook.pk}/secret/"), 404, "not_found")
    assert_error(api_bob.post(f"{API}/webhooks/999999/secret/"), 404, "not_found")
    page = reverse("account_webhook_rotate_secret", args=[hook.pk])
    assert bob_client.post(page).status_code == 404
    assert Webhook.objects.get(pk=hook.pk).secret == hook.secret


def test_the_page_button_rotates_and_shows_the_new_secret_once(alice_client, alice):
    hook = Webhook.objects.create(owner=alice, url="https://hooks.example.org/r")
    page = reverse("account_webhook_rotate_secret", args=[hook.pk])
    assert f'action="{page}"' in alice_client.get(reverse("account")).text  # the button's form
    assert alice_client.get(page).status_code == 405  # a POST only, never a link
    shown = alice_client.post(page, follow=True)
    new = Webhook.objects.get(pk=hook.pk).secret
    assert new != hook.secret and new in shown.text and hook.secret not in shown.text
    assert new not in alice_client.get(reverse("account")).text


def test_the_page_button_needs_the_csrf_token(alice):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    hook = Webhook.objects.create(owner=alice, url="https://hooks.example.org/r")
    refused = browser.post(reverse("account_webhook_rotate_secret", args=[hook.pk]))
    assert refused.status_code == 403
    assert Webhook.objects.get(pk=hook.pk).secret == hook.secret


def test_a_retry_after_rotating_is_signed_with_the_new_secret(alice, finished, receiver):
    hook = Webhook.objects.create(owner=alice, url=receiver.url)
    (delivery,) = webhooks.queue_deliveries(finished)
    receiver.codes = [500]
    assert webhooks.attempt(delivery.pk) is not None  # fails: retried later
    new = webhooks.rotate_secret(hook)
    assert webhooks.attempt(delivery.pk) is None
    headers, body = receiver.received[1]
    signed = headers["X-Beatline-Timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(new.encode(), signed, hashlib.sha256).hexdigest()
    assert headers["X-Beatline-Signature"] == expected


def signature(secret: str, headers: dict, body: bytes) -> str:
    signed = headers["X-Beatline-Timestamp"].encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def test_the_replaced_secret_still_signs_a_second_header_for_a_while(
    alice, finished, receiver, api_alice, settings
):
    settings.WEBHOOK_SECRET_GRACE_S = 3600
    hook = Webhook.objects.create(owner=alice, url=receiver.url)
    old = hook.secret
    (delivery,) = webhooks.queue_deliveries(finished)
    receiver.codes = [500, 500]
    webhooks.attempt(delivery.pk)
    assert "X-Beatline-Signature-Previous" not in receiver.received[0][0]  # never rotated

    new = webhooks.rotate_secret(hook)
    shown = api_alice.get(f"{API}/webhooks/{hook.pk}/").json()
    assert shown["previous_secret_until"] is not None and old not in str(shown)
    webhooks.attempt(delivery.pk)
    headers, body = receiver.received[1]
    assert headers["X-Beatline-Signature"] == signature(new, headers, body)
    assert headers["X-Beatline-Signature-Previous"] == signature(old, headers, body)

    hook.refresh_from_db()
    Webhook.objects.filter(pk=hook.pk).update(
        previous_secret_until=hook.previous_secret_until - timedelta(seconds=3601)
    )
    webhooks.attempt(delivery.pk)  # the grace period is over
    headers, body = receiver.received[2]
    assert "X-Beatline-Signature-Previous" not in headers
    assert headers["X-Beatline-Signature"] == signature(new, headers, body)


def test_a_second_rotation_keeps_only_the_secret_it_replaced(alice, alice_client):
    hook = Webhook.objects.create(owner=alice, url="https://hooks.example.org/r")
    first = hook.secret
    second = webhooks.rotate_secret(hook)
    webhooks.rotate_secret(hook)
    hook.refresh_from_db()
    assert hook.previous_secret == second and first not in (hook.secret, hook.previous_secret)
    page = alice_client.get(reverse("account")).text
    assert f"the previous one, ending <code>…{second[-4:]}</code>" in page
    assert second not in page  # the hint only


def test_without_a_grace_period_the_page_says_the_old_secret_is_gone(alice_client, alice, settings):
    settings.WEBHOOK_SECRET_GRACE_S = 0
    hook = Webhook.objects.create(owner=alice, url="https://hooks.example.org/r")
    page = reverse("account_webhook_rotate_secret", args=[hook.pk])
    shown = alice_client.post(page, follow=True).text
    assert "the old one no longer verifies" in shown and "Signature-Previous)" not in shown
    settings.WEBHOOK_SECRET_GRACE_S = 3600
    with_grace = alice_client.post(page, follow=True).text
    assert "also with the old one, in X-Beatline-Signature-Previous" in with_grace
