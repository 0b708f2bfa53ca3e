"""Runs one document or export in its own process, so its time and peak memory are its own.

    python bench/child.py '{"job": "laporan", "unit": 7, "period": "2026-Q3", "out": "/tmp/x.pdf"}'

Prints one JSON line: the seconds the job took (Django's start-up excluded), what it produced and the
process's peak RSS.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _scope(spec: dict):
    from agencies.models import Agency, ServiceUnit
    from reports.documents.common import DocumentScope

    if "unit" in spec:
        return DocumentScope.for_unit(ServiceUnit.objects.select_related("agency__region").get(pk=spec["unit"]))
    agency = Agency.objects.select_related("region").get(pk=spec["agency"])
    return DocumentScope(region=agency.region, agency=agency, unit=None, unit_ids=tuple(spec["units"]))


def peak_rss_mb() -> float:
    """This process's own high-water RSS (VmHWM). Unlike ru_maxrss it does not include what the parent had
    mapped before this program was exec'd."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmHWM in /proc/self/status")


def warm_pdf_engine() -> None:
    """A server that renders PDFs has WeasyPrint loaded and its fonts found already; do that first."""
    from weasyprint import HTML

    HTML(string="<p>SKM</p>").write_pdf()


def run(spec: dict) -> dict:
    from reports.periods import Period

    period = Period.from_slug(spec["period"])
    job, out = spec["job"], Path(spec["out"])
    if job in {"laporan", "region_recap"}:
        warm_pdf_engine()
    started = time.perf_counter()
    produced = {}
    if job == "laporan":
        from reports.documents.laporan import laporan_pdf

        out.write_bytes(laporan_pdf(scope=_scope(spec), period=period))
    elif job == "processing_table":
        from reports.documents.workbooks import processing_table_write

        with out.open("wb") as file:
            processing_table_write(scope=_scope(spec), period=period, out=file)
    elif job == "raw_export":
        from reports.documents.workbooks import responses_export_write

        with out.open("wb") as file:
            produced["rows"] = responses_export_write(scope=_scope(spec), period=period, out=file)
    elif job == "region_recap":
        from agencies.models import Region
        from reports.documents.recap import recap_pdf

        out.write_bytes(recap_pdf(region=Region.objects.get(pk=spec["region"]), period=period))
    else:
        raise SystemExit(f"unknown job {job!r}")
    return {"seconds": round(time.perf_counter() - started, 3), "bytes": out.stat().st_size, **produced,
            "peak_rss_mb": peak_rss_mb()}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    print(json.dumps(run(json.loads(sys.argv[1]))))
