"""One webhook per URL and user: the API and the page refuse a second with a message."""

from __future__ import annotations

from django.urls import reverse

from analysis import webhooks
from analysis.models import Webhook
from tests.api.helpers import API, assert_error

URL = "https://hooks.example.org/dup"


def test_the_api_refuses_a_second_webhook_with_the_same_url(api_alice, api_bob, alice):
    assert api_alice.post(f"{API}/webhooks/", {"url": URL}, format="json").status_code == 201
    again = api_alice.post(f"{API}/webhooks/", {"url": URL}, format="json")
    error = assert_error(again, 400, "invalid")
    assert error["details"] == {"url": [webhooks.DUPLICATE]}
    assert error["message"] == f"url: {webhooks.DUPLICATE}"
    assert api_bob.post(f"{API}/webhooks/", {"url": URL}, format="json").status_code == 201
    assert Webhook.objects.filter(owner=alice).count() == 1


def test_a_change_to_another_webhooks_url_is_refused(api_alice, alice):
    Webhook.objects.create(owner=alice, url=URL)
    other = Webhook.objects.create(owner=alice, url=URL + "/2")
    changed = api_alice.patch(f"{API}/webhooks/{other.pk}/", {"url": URL}, format="json")
    assert assert_error(changed, 400, "invalid")["details"] == {"url": [webhooks.DUPLICATE]}
    same = api_alice.patch(f"{API}/webhooks/{other.pk}/", {"url": URL + "/2"}, format="json")
    assert same.status_code == 200  # its own URL again is no duplicate


def test_the_page_refuses_it_with_a_form_error(alice_client, alice):
    Webhook.objects.create(owner=alice, url=URL)
    page = alice_client.post(reverse("account_webhook_add"), {"url": URL})
    assert page.status_code == 400 and webhooks.DUPLICATE in page.text
    assert Webhook.objects.count() == 1


def test_scheme_and_host_are_compared_without_case(api_alice, alice):
    Webhook.objects.create(owner=alice, url=URL)
    upper = api_alice.post(
        f"{API}/webhooks/", {"url": "HTTPS://Hooks.Example.ORG/dup"}, format="json"
    )
    assert assert_error(upper, 400, "invalid")["details"] == {"url": [webhooks.DUPLICATE]}
    other_path = api_alice.post(f"{API}/webhooks/", {"url": URL[:-3] + "DUP"}, format="json")
    assert other_path.status_code == 201  # a path's case is the receiver's to decide
