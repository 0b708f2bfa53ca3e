from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from agencies.logins import login_records_purge
from surveys.services import responses_purge


class Command(BaseCommand):
    help = ("Delete raw responses (answers, profiles, suggestions) answered before DATE; the tallies, and so "
            "every score and published result, are kept. Always deletes staff login and lockout records older "
            "than LOGIN_RECORDS_RETENTION_DAYS (default 90).")

    def add_arguments(self, parser):
        parser.add_argument("--before", help="a date, YYYY-MM-DD (each region's local day); without it only login "
                                             "records are purged")

    def handle(self, *args, before: str | None, **options):
        day = None
        if before is not None:
            try:
                day = date.fromisoformat(before)
            except ValueError:
                raise CommandError(f"--before {before!r} is not a date YYYY-MM-DD") from None
            if day > timezone.localdate():
                raise CommandError(f"--before {day} is in the future; only past data can be purged")
        if day is not None:
            deleted = responses_purge(before=day)
            self.stdout.write(f"{deleted} responses answered before {day} deleted; scores and publications kept")
        logins = login_records_purge()
        self.stdout.write(f"Login records older than {settings.LOGIN_RECORDS_RETENTION_DAYS} days deleted: "
                          f"{logins['logins']} logins, {logins['failures']} failed logins, "
                          f"{logins['lockouts']} lockout counters")
