"""Webhooks cannot be pointed into the server's own network, nor outlive a pause or a delete."""

from __future__ import annotations

import socket

import pytest
from django.urls import reverse

from analysis import webhook_addresses, webhooks
from analysis.models import Webhook, WebhookDelivery
from tests.api.helpers import API, assert_error

REFUSED = [
    "http://127.0.0.1:6379/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:6379/",
    "http://localhost:8000/hook",
    "http://LOCALHOST./hook",
    "http://app.localhost/hook",
    "http://0.0.0.0:6379/",
    "http://10.0.0.5/hook",
    "http://[::ffff:127.0.0.1]:6379/",
    "http://[64:ff9b::7f00:1]/",  # NAT64 of 127.0.0.1
    "http://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
    "http://127.0.0.1:8199\\@1.1.1.1/x",  # urlsplit reads 1.1.1.1, urllib3 connects to 127.0.0.1
    "http://evil@127.0.0.1/",
    "http://user:pw@hooks.example.org/",
    "http://hooks.example.org:99999/",
    "http://hooks.example.org/a b",
    "ftp://hooks.example.org/",
]


@pytest.mark.parametrize("url", REFUSED)
def test_urls_into_private_networks_or_that_parsers_read_differently_are_refused(url, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    assert webhook_addresses.url_problem(url)


def test_public_urls_are_accepted(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    for url in ("https://hooks.example.org/beatline?x=1", "http://8.8.8.8:8080/hook"):
        assert webhook_addresses.url_problem(url) is None


def test_the_api_and_the_page_refuse_them_with_a_message(api_alice, alice_client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    response = api_alice.post(
        f"{API}/webhooks/", {"url": "http://169.254.169.254/latest/"}, format="json"
    )
    details = assert_error(response, 400, "invalid")["details"]
    assert "private, loopback or link-local" in str(details["url"])
    page = alice_client.post(reverse("account_webhook_add"), {"url": "http://127.0.0.1:6379/"})
    assert page.status_code == 400 and "private, loopback or link-local" in page.text
    assert not Webhook.objects.exists()


def test_an_account_has_at_most_ten_webhooks(alice, api_alice, alice_client):
    for i in range(webhooks.MAX_PER_USER):
        Webhook.objects.create(owner=alice, url=f"https://hooks.example.org/{i}")
    data = {"url": "https://hooks.example.org/one-more"}
    assert_error(api_alice.post(f"{API}/webhooks/", data, format="json"), 400, "too_many_webhooks")
    page = alice_client.post(reverse("account_webhook_add"), data)
    assert page.status_code == 400 and "10 webhooks already" in page.text
    assert Webhook.objects.count() == webhooks.MAX_PER_USER


def test_the_connection_goes_to_the_address_checked(alice, finished, receiver, monkeypatch):
    """A name resolved once, checked, and connected to: the receiver on 127.0.0.1 gets the
    request for a name only the faked lookup knows, with that name as its Host."""
    port = receiver.server.server_address[1]
    real = socket.getaddrinfo

    def lookup(host, *args, **kwargs):
        return real("127.0.0.1" if host == "hooks.test" else host, *args, **kwargs)

    monkeypatch.setattr(webhook_addresses.socket, "getaddrinfo", lookup)
    Webhook.objects.create(owner=alice, url=f"http://hooks.test:{port}/in")
    (delivery,) = webhooks.queue_deliveries(finished)
    assert webhooks.attempt(delivery.pk) is None
    headers, _ = receiver.received[0]
    assert headers["Host"] == f"hooks.test:{port}"


def test_a_name_that_resolves_to_a_private_address_is_not_called(
    alice,
    finished,
    receiver,
    settings,
    monkeypatch,
):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    port = receiver.server.server_address[1]
    real = socket.getaddrinfo
    monkeypatch.setattr(
        webhook_addresses.socket, "getaddrinfo", lambda host, *a, **k: real("127.0.0.1", *a, **k)
    )
    Webhook.objects.create(owner=alice, url=f"http://hooks.example.org:{port}/in")
    (delivery,) = webhooks.queue_deliveries(finished)
    webhooks.attempt(delivery.pk)
    delivery.refresh_from_db()
    assert "non-public address (127.0.0.1)" in delivery.last_error and receiver.received == []


def test_a_paused_webhook_is_not_retried(alice, finished, receiver):
    hook = Webhook.objects.create(owner=alice, url=receiver.url)
    (delivery,) = webhooks.queue_deliveries(finished)
    receiver.codes = [500]
    assert webhooks.attempt(delivery.pk) is not None
    Webhook.objects.filter(pk=hook.pk).update(active=False)
    assert webhooks.attempt(delivery.pk) is None  # the scheduled retry sends nothing
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert len(receiver.received) == 1


def test_a_webhook_deleted_during_a_delivery_ends_it_quietly(alice, finished, receiver):
    hook = Webhook.objects.create(owner=alice, url=receiver.url)
    (delivery,) = webhooks.queue_deliveries(finished)
    hook.delete()  # while the request was on its way
    assert webhooks.record(delivery, 200, None) is None
    assert not WebhookDelivery.objects.exists()


def test_a_locked_database_retries_the_delivery_task():
    from django.db import OperationalError

    from analysis.tasks import deliver_webhook

    assert OperationalError in deliver_webhook.autoretry_for and deliver_webhook.max_retries >= 3
