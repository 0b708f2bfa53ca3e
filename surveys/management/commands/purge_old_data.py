from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from surveys.services import responses_purge


class Command(BaseCommand):
    help = ("Delete raw responses (answers, profiles, suggestions) answered before DATE. The tallies, and so "
            "every score and published result, are kept.")

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="a date, YYYY-MM-DD (local time, Asia/Jakarta)")

    def handle(self, *args, before: str, **options):
        try:
            day = date.fromisoformat(before)
        except ValueError:
            raise CommandError(f"--before {before!r} is not a date YYYY-MM-DD") from None
        if day > timezone.localdate():
            raise CommandError(f"--before {day} is in the future; only past data can be purged")
        deleted = responses_purge(before=day)
        self.stdout.write(f"{deleted} responses answered before {day} deleted; scores and publications kept")
