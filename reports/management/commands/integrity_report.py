"""Print a unit's integrity figure for a period as one JSON object (docs/integrity.md)."""

import json

from django.core.management.base import BaseCommand, CommandError

from agencies.models import ServiceUnit
from reports.integrity import integrity_by_unit
from reports.periods import Period


class Command(BaseCommand):
    help = ("Received, counted, excluded (by reason) and awaiting-review answers of a unit in a period; `counted` "
            "is the number of respondents in the unit's IKM.")

    def add_arguments(self, parser):
        parser.add_argument("unit_code")
        parser.add_argument("--period", required=True, help="e.g. 2026-Q4, 2026-S2, 2026-M11, 2026")

    def handle(self, *args, unit_code: str, period: str, **options):
        unit = ServiceUnit.objects.filter(code=unit_code).first()
        if unit is None:
            raise CommandError(f"unknown unit {unit_code!r}")
        try:
            chosen = Period.from_slug(period)
        except ValueError as problem:
            raise CommandError(str(problem)) from None
        figure = integrity_by_unit(unit_ids=[unit.id], period=chosen)[unit.id]
        self.stdout.write(json.dumps(figure.as_report(unit=unit.code, period=chosen.slug)))
