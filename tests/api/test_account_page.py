"""The account page: create and revoke the API token, add and remove webhooks, delivery log."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.authtoken.models import Token

from analysis.models import WEBHOOK_EVENTS, Webhook, WebhookDelivery


def test_token_create_replace_and_revoke(alice_client, alice):
    page = alice_client.get(reverse("account"))
    assert page.status_code == 200 and b"You have no API token" in page.content
    shown = alice_client.post(reverse("account_token_create"), follow=True)
    key = Token.objects.get(user=alice).key
    assert key.encode() in shown.content  # shown once, right after creation
    assert key.encode() not in alice_client.get(reverse("account")).content
    alice_client.post(reverse("account_token_create"))
    new_key = Token.objects.get(user=alice).key
    assert new_key != key  # the old one is revoked
    api = alice_client.__class__()
    assert api.get("/api/v1/recordings/", HTTP_AUTHORIZATION=f"Token {new_key}").status_code == 200
    alice_client.post(reverse("account_token_revoke"))
    assert not Token.objects.filter(user=alice).exists()
    assert api.get("/api/v1/recordings/", HTTP_AUTHORIZATION=f"Token {new_key}").status_code == 401
    assert alice_client.get(reverse("account_token_revoke")).status_code == 405


def test_webhooks_and_delivery_log(alice_client, bob_client, alice):
    bad = alice_client.post(reverse("account_webhook_add"), {"url": "not a url"})
    assert bad.status_code == 400 and b"Enter a valid URL" in bad.content
    added = alice_client.post(
        reverse("account_webhook_add"),
        {"url": "https://hooks.example.org/beatline", "events": list(WEBHOOK_EVENTS)},
        follow=True,
    )
    hook = Webhook.objects.get(owner=alice)
    assert hook.secret in added.text  # shown once, right after adding it
    WebhookDelivery.objects.create(
        webhook=hook,
        event="analysis.failed",
        payload={},
        attempts=2,
        last_status_code=503,
        last_error="HTTP 503: busy",
    )
    page = alice_client.get(reverse("account")).content.decode()
    assert "https://hooks.example.org/beatline" in page and hook.secret not in page
    assert "analysis.failed" in page and "HTTP 503: busy" in page
    assert b"hooks.example.org" not in bob_client.get(reverse("account")).content
    remove = reverse("account_webhook_remove", args=[hook.pk])
    assert bob_client.post(remove).status_code == 404
    assert Webhook.objects.filter(pk=hook.pk).exists()
    alice_client.post(remove)
    assert not Webhook.objects.exists() and not WebhookDelivery.objects.exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("account"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
