"""Create the demo account and a small sample closet. Safe to run again: it changes nothing the second time."""

from django.core.management.base import BaseCommand
from django.db import transaction

from core.demo import DEMO_EMAIL, DEMO_PASSWORD, demo_account_ensure


class Command(BaseCommand):
    help = "Create the demo account (demo@sesiocloset.local) with a small sample closet, if it does not exist."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            user, created = demo_account_ensure()
        verb = "Created" if created else "Kept"
        self.stdout.write(
            f"{verb} the demo account: {DEMO_EMAIL} / {DEMO_PASSWORD} ({user.closet_items.count()} items)"
        )
