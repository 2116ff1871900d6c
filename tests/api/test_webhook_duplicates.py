"""One webhook per URL and user: the API and the page refuse a second with a message."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from analysis import webhooks
from analysis.models import Webhook
from tests.api.helpers import API, assert_error, token_client

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


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "check, existing, code",
    [("duplicate", 0, "invalid"), ("too_many", webhooks.MAX_PER_USER - 1, "too_many_webhooks")],
)
def test_two_requests_at_the_same_moment_make_one(alice, monkeypatch, check, existing, code):
    """Each request, with its own database connection, checks and then waits before saving: the
    second must wait for the first (``lock_owner``) and see its webhook, not make a second one.
    (SQLite runs one writer at a time and has no row locks: there the requests take turns.)"""
    for n in range(existing):
        Webhook.objects.create(owner=alice, url=f"https://hooks.example.org/{n}")
    slow = getattr(webhooks, check)

    def slow_check(*args, **kwargs):
        problem = slow(*args, **kwargs)
        time.sleep(0.5)  # the window in which an unlocked second request would pass the check
        return problem

    monkeypatch.setattr(webhooks, check, slow_check)
    first = token_client(alice)
    second = APIClient()
    second.credentials(**first._credentials)  # one token per user: the same one
    clients = [first, second]
    codes, errors = [], []
    concurrent = connection.vendor == "postgresql"

    def add(client):
        try:
            answer = client.post(f"{API}/webhooks/", {"url": URL}, format="json")
            codes.append(answer.status_code if answer.status_code == 201 else answer.json())
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            if concurrent:
                connection.close()

    threads = [threading.Thread(target=add, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
        if not concurrent:
            thread.join()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert 201 in codes and len(codes) == 2
    refused = next(c for c in codes if c != 201)
    assert refused["error"]["code"] == code
    assert Webhook.objects.filter(owner=alice).count() == existing + 1
