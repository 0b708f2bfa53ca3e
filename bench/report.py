"""The human table of a bench run (docs/performance.md). Text below the KEEP marker is written by hand
(analysis of the figures) and kept when the bench rewrites the file."""

from __future__ import annotations

from pathlib import Path

KEEP = "<!-- Written by hand below this line; make bench keeps it. -->"


def _n(value, places=0, unit=""):
    if value is None:
        return "–"
    text = f"{value:,.{places}f}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
    return f"{text}{unit}"


def _verdict(name: str, results: dict) -> str:
    if name in results.get("targets_missed", []):
        return "**missed**"
    return "met"


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
         "ratio ≥ 0.30", v("submissions_ratio")),
        ("Submissions one at a time in the bench process (the server's own cost): API; bare view",
         f"{_n(inproc.get('api_ms'), 2, ' ms')} ({_n(inproc.get('api_queries'))} queries); "
         f"{_n(inproc.get('bare_ms'), 2, ' ms')}", "", ""),
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
         "≤ 50 ms", v("recap_ms")),
        ("Recap: the same from raw answers (GROUP BY answer JOIN response)", _n(r.get("raw_ms"), 1, " ms"), "", ""),
        ("Recap: speed-up over raw answers", _n(r.get("speedup"), 1, "×"), "≥ 50×", v("recap_speedup")),
        ("Recap: both give the same respondents, counts and IKM per unit", {True: "yes", False: "NO"}.get(
            r.get("equal"), "–"), "equal", v("recap_equal")),
        ("Recap over the four quarters: tallies; raw answers",
         f"{_n(year.get('ms'), 1, ' ms')}; {_n(year.get('raw_ms'), 1, ' ms')} "
         f"({_n(year.get('respondents'))} respondents)", "", ""),
        ("Region dashboard, server time (median)", f"{_n(d.get('ms'), 1, ' ms')} ({_n(d.get('queries'))} queries)",
         "≤ 150 ms", v("dashboard_ms")),
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


def report_write(results: dict, path: Path) -> None:
    kept = ""
    if path.exists():
        _before, marker, after = path.read_text().partition(KEEP)
        kept = marker + after if marker else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_text(results) + ("\n" + kept if kept else ""))
