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
        self.stdout.write(f"Demo login: {DEMO_USERNAME} / {DEMO_PASSWORD}")
