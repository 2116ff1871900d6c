"""Log-in: ten wrong passwords in a row, and the account waits a quarter of an hour."""

from django.test import Client
from django.urls import reverse

from ecgsite.accounts import LOGIN_FAILURES


def log_in(client: Client, password: str, address: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": "alice", "password": password}, REMOTE_ADDR=address
    )


def test_too_many_failures_lock_the_name_from_that_address(client, alice):
    for _ in range(LOGIN_FAILURES):
        assert log_in(client, "wrong").status_code == 200
    refused = log_in(client, "correct-horse-1")
    assert refused.status_code == 200 and "Too many failed log-ins for alice" in refused.text
    assert "_auth_user_id" not in client.session
    # Another address is not locked out by these failures.
    assert log_in(Client(), "correct-horse-1", address="10.0.0.2").status_code == 302


def test_a_few_typing_mistakes_do_not_lock_anyone_out(client, alice):
    for _ in range(LOGIN_FAILURES - 1):
        log_in(client, "wrong")
    assert log_in(client, "correct-horse-1").status_code == 302
