from django.contrib.auth.models import Group, User
from django.core import mail
from django.urls import reverse


def test_register_logs_the_new_user_in(client, db):
    response = client.post(
        reverse("register"),
        {
            "username": "carol",
            "email": "carol@example.org",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert client.get(reverse("dashboard")).context["user"].username == "carol"


def test_register_rejects_mismatched_passwords(client, db):
    response = client.post(
        reverse("register"),
        {
            "username": "carol",
            "email": "c@example.org",
            "password1": "a-long-pass-phrase",
            "password2": "x",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="carol").exists()
    assert "password2" in response.context["form"].errors


def test_login_and_logout(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "correct-horse-1"})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    client.post(reverse("logout"))
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_change(alice_client, alice):
    response = alice_client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-1",
            "new_password1": "another-long-phrase",
            "new_password2": "another-long-phrase",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("another-long-phrase")


def test_password_reset_sends_an_email(client, alice):
    response = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_reviewers_group_exists(db):
    assert Group.objects.filter(name="Reviewers").exists()
