"""Mark self-filling patterns for staff review (docs/integrity.md); `make run` runs it daily."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from surveys.self_filling import self_filling_detect


class Command(BaseCommand):
    help = ("Flag responses that look filled by staff (outside service hours, identical runs, bursts after "
            "silence, uniform answers far above the unit's norm, repeated suggestions) for review.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="local days to read, ending today (default 7)")
        parser.add_argument("--until", type=date.fromisoformat, default=None, help="last day read (YYYY-MM-DD)")
        parser.add_argument("--dry-run", action="store_true", help="report only; store nothing")

    def handle(self, *args, days: int, until, dry_run: bool, **options):
        if days < 1:
            raise CommandError("--days must be at least 1")
        until = until or timezone.localdate()
        since = until - timedelta(days=days - 1)
        found = self_filling_detect(since=since, until=until, store=not dry_run)
        for group in found:
            self.stdout.write(f"{group.reason}\t{len(group.response_ids)}\t{group.pattern}")
        self.stdout.write(f"{len(found)} groups, {sum(len(g.response_ids) for g in found)} responses "
                          f"{'found' if dry_run else 'flagged for review'} ({since}..{until})")
