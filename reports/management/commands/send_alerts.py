"""Send the daily alert digests that are due; run it every hour (cron), see docs/suggestions.md."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from reports.alerts import alerts_send


class Command(BaseCommand):
    help = "Send each opted-in unit head's daily alert digest once its hour has come in the region's time."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", help="address of SKM for the links (default: settings.SKM_BASE_URL)")

    def handle(self, *args, base_url=None, **options):
        sent = alerts_send(now=timezone.now(), base_url=base_url)
        self.stdout.write(f"{sent} alert digest(s) sent")
