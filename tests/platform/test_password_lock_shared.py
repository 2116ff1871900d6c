"""Wrong passwords when deleting the account and failed log-ins share one lock: 10 of them, in any
mix, for one name from one address, and both refuse for 15 minutes."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from ecgsite.accounts import LOGIN_FAILURES
from tests.api.helpers import API, assert_error, token_client

HOME = "10.0.0.1"


def log_in(password: str, address: str = HOME):
    return Client().post(
        reverse("login"), {"username": "alice", "password": password}, REMOTE_ADDR=address
    )


def delete_on_page(client: Client, password: str, address: str = HOME):
    return client.post(reverse("account_delete"), {"password": password}, REMOTE_ADDR=address)


def test_wrong_deletion_passwords_lock_log_ins(alice_client, alice):
    for _ in range(LOGIN_FAILURES // 2):
        assert delete_on_page(alice_client, "wrong").status_code == 400
    api = token_client(alice)
    for _ in range(LOGIN_FAILURES - LOGIN_FAILURES // 2):
        wrong = api.delete(f"{API}/account/", {"password": "x"}, format="json", REMOTE_ADDR=HOME)
        assert_error(wrong, 400, "wrong_password")
    refused = log_in("correct-horse-1")
    assert refused.status_code == 200 and "Too many failed log-ins for alice" in refused.text
    assert log_in("correct-horse-1", address="10.0.0.2").status_code == 302  # another address


def test_failed_log_ins_lock_the_deletion(alice_client, alice):
    for _ in range(LOGIN_FAILURES):
        assert log_in("wrong").status_code == 200
    page = delete_on_page(alice_client, "correct-horse-1")
    assert page.status_code == 400 and "Too many wrong passwords" in page.text
    api = token_client(alice)
    locked = api.delete(
        f"{API}/account/", {"password": "correct-horse-1"}, format="json", REMOTE_ADDR=HOME
    )
    assert_error(locked, 429, "throttled")
    assert User.objects.filter(pk=alice.pk).exists()
    # From another address the account can still be deleted.
    assert delete_on_page(alice_client, "correct-horse-1", "10.0.0.2").status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()
