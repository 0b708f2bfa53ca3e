"""The human table of a bench run (docs/performance.md). Text below the KEEP marker is written by hand
(analysis of the figures) and kept when the bench rewrites the file.

The growth table has one row per size (responses over 500 units): each full-scale run replaces the row of its
size and keeps the others, so the rows come from the runs that measured them; a size never run reads "not
measured". A run at the default size rewrites the main table too; other sizes touch only their row."""

from __future__ import annotations

import re
from pathlib import Path

KEEP = "<!-- Written by hand below this line; make bench keeps it. -->"
GROWTH_START = "<!-- growth table: make bench SIZE=<n> writes the row of its size -->"
GROWTH_END = "<!-- end of growth table -->"
GROWTH_SIZES = (100_000, 1_000_000, 3_000_000)
GROWTH_HEADER = (
    "| Responses | Region dashboard, first screen | Full table page | Recap (500 units, one quarter) | "
    "Laporan PDF (largest unit) | Submissions ratio | Raw export (XLSX): time; peak RSS | "
    "Tabel Pengolahan Data: time; peak RSS | Exact (tallies; recap) | Run |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)


def _n(value, places=0, unit=""):
    if value is None:
        return "–"
    text = f"{value:,.{places}f}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
    return f"{text}{unit}"


def _verdict(name: str, results: dict) -> str:
    if name in results.get("targets_missed", []):
        return "**missed**"
    return "met"


def _cpu(submissions: dict, kind: str) -> str:
    used = (submissions.get("cpu_ms") or {}).get(kind)
    if not used:
        return "–"
    return f"{_n(used['app'], 2)} + {_n(used['database'], 2)} ms"


def _rows(results: dict) -> list[tuple[str, str, str, str]]:
    s = results.get("submissions") or {}
    r = results.get("recap") or {}
    d = results.get("dashboard") or {}
    e = results.get("export") or {}
    p = results.get("pdf") or {}
    k = results.get("kiosk") or {}
    size = results["size"]
    units = size["units"]
    v = lambda name: _verdict(name, results)  # noqa: E731
    year = r.get("year") or {}
    inproc = s.get("in_process") or {}
    return [
        (f"Submissions: kiosk API against a bare Django view, same gunicorn ({_n(s.get('workers'))} gthread workers × {_n(s.get('threads'))} threads), "
         f"same load ({_n(s.get('clients'))} concurrent clients)",
         f"{_n(s.get('api_rps'))}/s against {_n(s.get('bare_rps'))}/s: ratio {_n(s.get('ratio'), 3)}",
         "ratio ≥ 0.25 (goal 0.30)", v("submissions_ratio")),
        ("Submissions one at a time in the bench process (the server's own cost): API; bare view",
         f"{_n(inproc.get('api_ms'), 2, ' ms')} ({_n(inproc.get('api_queries'))} queries); "
         f"{_n(inproc.get('bare_ms'), 2, ' ms')}", "", ""),
        ("Submissions: CPU time per request under that load, app server (gunicorn) + database (its backends): "
         "API; bare view", f"{_cpu(s, 'api')}; {_cpu(s, 'bare')}", "", ""),
        ("Submissions: latency p50 / p99 (API; bare view)",
         f"{_n(s.get('api_p50_ms'), 1)} / {_n(s.get('api_p99_ms'), 1)} ms; "
         f"{_n(s.get('bare_p50_ms'), 1)} / {_n(s.get('bare_p99_ms'), 1)} ms", "", ""),
        ("Submissions: errors (incl. replays of acknowledged keys)", _n(s.get("errors")), "0", v("submissions_errors")),
        ("Submissions: acknowledged but not stored once under their id",
         f"{_n(s.get('lost'))} of {_n(s.get('acknowledged'))}", "0", v("submissions_lost")),
        ("Submissions: tally rows of the units written to that differ from a recount",
         _n(s.get("tally_differences")), "0", v("submissions_tallies_exact")),
        ("Bytes per submission (JSON body; whole request; answer)",
         f"{_n(s.get('request_body_bytes'))} B; {_n(s.get('request_bytes'))} B; {_n(s.get('response_bytes'))} B",
         "", ""),
        (f"Recap: all unit scores of {r.get('period', 'a quarter')} from the tallies ({units} units): "
         "total (reading the tallies; computing each unit's IKM)",
         f"{_n(r.get('ms'), 1, ' ms')} ({_n(r.get('query_ms'), 1, ' ms')}; {_n(r.get('compute_ms'), 1, ' ms')})",
         "≤ 40 ms", v("recap_ms")),
        ("Recap: the tallies' statements alone, replayed on a cursor (PostgreSQL's share of the reading)",
         _n(r.get("database_ms"), 1, " ms"), "", ""),
        ("Recap: the same from raw answers (GROUP BY answer JOIN response)", _n(r.get("raw_ms"), 1, " ms"), "", ""),
        ("Recap: speed-up over raw answers", _n(r.get("speedup"), 1, "×"), "≥ 50×", v("recap_speedup")),
        ("Recap: both give the same respondents, counts and IKM per unit", {True: "yes", False: "NO"}.get(
            r.get("equal"), "–"), "equal", v("recap_equal")),
        ("Recap over the four quarters: tallies; raw answers",
         f"{_n(year.get('ms'), 1, ' ms')}; {_n(year.get('raw_ms'), 1, ' ms')} "
         f"({_n(year.get('respondents'))} respondents)", "", ""),
        ("Region dashboard, first screen, server time (median)",
         f"{_n(d.get('ms'), 1, ' ms')} ({_n(d.get('queries'))} queries, {_n((d.get('bytes') or 0) / 1024, 0, ' KB')})",
         "≤ 150 ms", v("dashboard_ms")),
        ("Region dashboard, full table page (units by IKM, page 2 of 50 rows), server time (median)",
         f"{_n(d.get('table_ms'), 1, ' ms')} ({_n(d.get('table_queries'))} queries)", "≤ 150 ms",
         v("dashboard_table_ms")),
        ("Region dashboard, the first screen's second request (follow-up indicators of the year, respondents per "
         "day and channel, profile), server time (median)",
         f"{_n(d.get('details_ms'), 1, ' ms')} ({_n(d.get('details_queries'))} queries)", "", ""),
        (f"Raw export of {_n(e.get('raw_rows'))} responses (XLSX): time; peak RSS",
         f"{_n(e.get('raw_s'), 1, ' s')}; {_n(e.get('raw_rss_mb'), 0, ' MB')}", "≤ 300 MB",
         v("export_peak_rss_mb")),
        (f"Tabel Pengolahan Data of one unit, {_n(e.get('table_rows'))} responses: time; peak RSS",
         f"{_n(e.get('table_s'), 1, ' s')}; {_n(e.get('table_rss_mb'), 0, ' MB')}", "≤ 300 MB",
         v("export_peak_rss_mb")),
        ("Laporan Hasil SKM PDF of the largest unit (one quarter)", _n(p.get("unit_s"), 2, " s"), "≤ 2 s",
         v("pdf_unit_s")),
        (f"Regional recap PDF ({units} units)", _n(p.get("region_s"), 2, " s"), "≤ 20 s", v("pdf_region_s")),
        ("Kiosk cold load, compressed as served (page, assets, service worker, GET /api/v1/kiosk)",
         f"{_n(k.get('cold_kb'), 1, ' KB')} in {_n(k.get('requests'))} requests "
         f"({_n(k.get('uncompressed_kb'), 1, ' KB')} uncompressed)", "≤ 150 KB", v("kiosk_cold_kb")),
        ("Kiosk: URLs to another host", _n(k.get("other_hosts")), "0", v("kiosk_other_hosts")),
    ]


def _busy_note(results: dict) -> str:
    busy = (results.get("submissions") or {}).get("machine_busy") or {}
    if "cpu_waiting_pct_60s" not in busy:
        return ""
    return (f" In the last minute of the submission load, runnable tasks waited for a CPU {busy['cpu_waiting_pct_60s']:.0f}% of "
            f"the time (load average {busy['load_average'][0]}).")


def report_text(results: dict) -> str:
    size, machine = results["size"], results["machine"]
    lines = [
        "# Performance",
        "",
        f"Made by `{results['command']}` on {results['date']} in {results['seconds']:.0f} s.",
        f"Data: {size['responses']:,} responses over {size['units']} units of one kabupaten, four quarters "
        f"({', '.join(size.get('quarters', []))}), one unit with {size['big_unit_responses']:,} responses.",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_mb']:,} MB, Python "
        f"{machine['python']}, {machine['system']}.",
        "",
        "Figures are from one run on a shared 2-core machine (the load generator, gunicorn and PostgreSQL share "
        "the two cores, and other work may run beside them); expect some spread between runs."
        + _busy_note(results),
        "",
        "| Measure | Figure | Target | |",
        "|---|---|---|---|",
    ]
    lines += [f"| {measure} | {figure} | {target} | {verdict} |" for measure, figure, target, verdict in _rows(results)]
    lines.append("")
    missed = results.get("targets_missed") or []
    lines.append(f"Targets missed: {', '.join(f'`{name}`' for name in missed) if missed else 'none'}.")
    for title, entries in (("Not measured (the code does not exist yet)", results.get("not_available")),
                           ("Failed", results.get("failures"))):
        if entries:
            lines += ["", f"{title}:", ""] + [f"- {section}: {reason}" for section, reason in entries.items()]
    lines.append("")
    return "\n".join(lines)


def growth_row(results: dict) -> str:
    s, r, d = results.get("submissions") or {}, results.get("recap") or {}, results.get("dashboard") or {}
    e, p = results.get("export") or {}, results.get("pdf") or {}
    size = results["size"]
    exact = [s.get("tally_differences") == 0, r.get("equal") is True]
    if size.get("loaded_tallies_differ") is not None:
        exact[0] = exact[0] and size["loaded_tallies_differ"] == 0
    load = (d.get("machine_busy_before") or {}).get("load_average") or ["–"]
    return (f"| {size['responses']:,} | {_n(d.get('ms'), 1, ' ms')} ({_n(d.get('queries'))} queries) | "
            f"{_n(d.get('table_ms'), 1, ' ms')} | {_n(r.get('ms'), 1, ' ms')} | {_n(p.get('unit_s'), 2, ' s')} | "
            f"{_n(s.get('ratio'), 3)} | {_n(e.get('raw_s'), 1, ' s')}; {_n(e.get('raw_rss_mb'), 0, ' MB')} | "
            f"{_n(e.get('table_s'), 1, ' s')}; {_n(e.get('table_rss_mb'), 0, ' MB')} | "
            f"{'yes' if all(exact) else 'NO'}; {'yes' if r.get('equal') else 'NO'} | "
            f"{results['date'][:16]}, load {load[0]} |")


def _growth_rows(text: str) -> dict[int, str]:
    """The rows of the growth table in `text`, by size."""
    _before, start, rest = text.partition(GROWTH_START)
    block = rest.partition(GROWTH_END)[0] if start else ""
    rows = {}
    for line in block.splitlines():
        found = re.match(r"\| ([\d,]+) \|", line)
        if found:
            rows[int(found.group(1).replace(",", ""))] = line
    return rows


def growth_text(rows: dict[int, str]) -> str:
    sizes = sorted(set(GROWTH_SIZES) | set(rows))
    lines = [GROWTH_START, "## How cost grows (500 units)", "",
             "Each row is from the `make bench SIZE=<responses>` run named in its last column, on the shared "
             "machine as it was then; medians as in the table above.", "", GROWTH_HEADER]
    lines += [rows.get(size) or f"| {size:,} | not measured | | | | | | | | |" for size in sizes]
    return "\n".join([*lines, "", GROWTH_END])


def report_write(results: dict, path: Path, *, main: bool = True) -> None:
    """The main table (when `main`) and this run's row of the growth table (unless it is a quick run)."""
    text = path.read_text() if path.exists() else ""
    before, marker, after = text.partition(KEEP)
    kept = marker + after if marker else ""
    rows = _growth_rows(text)
    if not results["size"].get("quick"):
        rows[results["size"]["responses"]] = growth_row(results)
    growth = growth_text(rows) if rows or not results["size"].get("quick") else ""
    if main:
        head = report_text(results) + ("\n" + growth + "\n" if growth else "")
    else:
        kept_head = before.partition(GROWTH_START)[0].rstrip("\n")
        head = (kept_head + "\n\n" if kept_head else "") + growth + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(head + ("\n" + kept if kept else ""))
