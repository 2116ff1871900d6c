"""Create the demo login printed by ``make run`` (idempotent)."""

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "beatline-demo"


class Command(BaseCommand):
    help = "Create the demo account if it does not exist."

    def handle(self, *args, **options) -> None:
        user, created = User.objects.get_or_create(
            username=DEMO_USERNAME, defaults={"email": "demo@example.org"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        self.stdout.write(login_line(user))


def login_line(user: User) -> str:
    """The demo login as it stands: an existing ``demo`` is never changed, so its password may
    no longer be the one it was made with, or the account may be deactivated."""
    if not user.is_active:
        return f"Demo login: {DEMO_USERNAME} is deactivated (reactivate it in the admin)."
    if not user.check_password(DEMO_PASSWORD):
        return f"Demo login: {DEMO_USERNAME} (its password was changed from {DEMO_PASSWORD})."
    return f"Demo login: {DEMO_USERNAME} / {DEMO_PASSWORD}"
