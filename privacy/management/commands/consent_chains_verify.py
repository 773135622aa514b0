"""Verify the consent log's hash chains: exits with status 1 and lists each break when anything was tampered with."""

from django.core.management.base import BaseCommand, CommandError

from privacy.models import ConsentEvent
from privacy.selectors import consent_chain_breaks


class Command(BaseCommand):
    help = "Check that no consent event was edited, removed or reordered since it was written."

    def handle(self, *args, **options) -> None:
        problems = consent_chain_breaks()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"The consent log has {len(problems)} break(s).")
        self.stdout.write(f"The consent log is intact ({ConsentEvent.objects.count()} events).")
