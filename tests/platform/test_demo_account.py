"""``manage.py demo_account`` makes the demo login once and prints it as it stands."""

from __future__ import annotations

import io

from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command


def demo_account() -> str:
    out = io.StringIO()
    call_command("demo_account", stdout=out)
    return out.getvalue().strip()


def test_made_once_then_left_as_it_is(db):
    assert demo_account() == "Demo login: demo / beatline-demo"
    assert authenticate(username="demo", password="beatline-demo") is not None
    assert demo_account() == "Demo login: demo / beatline-demo"
    assert User.objects.filter(username="demo").count() == 1


def test_a_changed_password_or_a_deactivated_account_is_not_printed_as_the_login(db):
    demo_account()
    user = User.objects.get(username="demo")
    user.set_password("something-else-42")
    user.save()
    assert demo_account() == "Demo login: demo (its password was changed from beatline-demo)."
    assert authenticate(username="demo", password="something-else-42") is not None  # unchanged
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert demo_account() == "Demo login: demo is deactivated (reactivate it in the admin)."
