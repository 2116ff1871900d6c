"""A webhook's secret is shown once, when it is made; afterwards only its last 4 characters."""

from __future__ import annotations

from django.urls import reverse

from analysis.models import WEBHOOK_EVENTS, Webhook
from tests.api.helpers import API

URL = "https://hooks.example.org/once"


def test_the_api_answers_the_secret_only_on_create(api_alice, alice):
    created = api_alice.post(f"{API}/webhooks/", {"url": URL}, format="json")
    assert created.status_code == 201, created.content
    secret = Webhook.objects.get(owner=alice).secret
    body = created.json()
    assert body["secret"] == secret and body["secret_hint"] == secret[-4:]
    pk = body["id"]
    answers = [
        api_alice.get(f"{API}/webhooks/"),
        api_alice.get(f"{API}/webhooks/{pk}/"),
        api_alice.patch(f"{API}/webhooks/{pk}/", {"active": False}, format="json"),
    ]
    for answer in answers:
        assert answer.status_code == 200, answer.content
        assert secret not in answer.text and secret[-4:] in answer.text
    assert "secret" not in answers[1].json() and answers[1].json()["secret_hint"] == secret[-4:]


def test_the_page_shows_the_secret_right_after_adding_it_only(alice_client, alice):
    added = alice_client.post(
        reverse("account_webhook_add"), {"url": URL, "events": list(WEBHOOK_EVENTS)}, follow=True
    )
    secret = Webhook.objects.get(owner=alice).secret
    assert added.status_code == 200 and secret in added.text
    later = alice_client.get(reverse("account")).text
    assert URL in later and secret not in later and f"…{secret[-4:]}" in later


def test_the_schema_says_which_answers_hold_the_secret(client):
    schema = client.get(f"{API}/schema.json").json()
    components = schema["components"]["schemas"]
    assert "secret" not in components["Webhook"]["properties"]
    assert "secret" in components["WebhookWithSecret"]["properties"]
    created = schema["paths"]["/api/v1/webhooks/"]["post"]["responses"]["201"]
    assert created["content"]["application/json"]["schema"]["$ref"].endswith("/WebhookWithSecret")
