"""Write a region's PEKPPP evidence pack for a year into a folder: a PDF per unit, one per perangkat daerah and
summary.csv (docs/evidence-pack.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Region
from monev.evidence_pack import pack_files
from reports.documents.common import PdfUnavailable

FIRST_YEAR, LAST_YEAR = 2000, 2100


class Command(BaseCommand):
    help = ("Write the PEKPPP evidence pack of a region for a year: unit-<code>.pdf per unit, opd-<code>.pdf per "
            "perangkat daerah and summary.csv.")

    def add_arguments(self, parser):
        parser.add_argument("region_code")
        parser.add_argument("--year", required=True, help="e.g. 2026")
        parser.add_argument("--out", required=True, help="the folder to write into (created when missing)")

    def handle(self, *args, region_code: str, year: str, out: str, **options):
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            known = ", ".join(Region.objects.order_by("code").values_list("code", flat=True)[:10]) or "none"
            raise CommandError(f"unknown region {region_code!r} (known: {known})")
        if not year.isdigit() or not FIRST_YEAR <= int(year) <= LAST_YEAR:
            raise CommandError(f"--year {year!r} is not a year between {FIRST_YEAR} and {LAST_YEAR}")
        folder = Path(out)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / ".evidence-pack-write-check"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as problem:
            raise CommandError(f"cannot write into --out {out!r}: {problem.strerror or problem}") from None
        written = 0
        try:
            for name, content in pack_files(region=region, year=int(year)):
                (folder / name).write_bytes(content)
                written += 1
        except PdfUnavailable as problem:
            raise CommandError(f"PDF output needs WeasyPrint with Pango: {problem}") from None
        except OSError as problem:
            raise CommandError(f"cannot write into --out {out!r}: {problem.strerror or problem}") from None
        self.stdout.write(f"{written} files written to {folder}")
