"""`make bench` (`make bench QUICK=1` for a small run): SKM's performance at province scale, in one run.

Needs a PostgreSQL DATABASE_URL. Creates its own scratch database on that server, loads it with COPY
(1,000,000 responses over 500 units and four quarters, --size N for another number over the same 500 units;
20,000 over 50 units with --quick), measures the submission path, the regional recap, the region dashboard
(first screen and table page), the exports, the PDF documents and the kiosk's cold-load weight against the
real code, drops the scratch database, writes a table to docs/performance.md (a run at the default size
writes the whole table; every full-scale run writes its row of the growth table there; quick runs write
var/performance-quick.md) and prints one JSON object as its last line. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import data  # noqa: E402  (needs the repository on sys.path first)

# name: (section, figure, comparison, target). A figure that could not be measured counts as missed.
TARGETS = {
    "submissions_ratio": ("submissions", "ratio", ">=", 0.25),  # the target; 0.30 is its goal
    "submissions_errors": ("submissions", "errors", "==", 0),
    "submissions_lost": ("submissions", "lost", "==", 0),
    "submissions_tallies_exact": ("submissions", "tally_differences", "==", 0),
    "recap_ms": ("recap", "ms", "<=", 40),
    "recap_speedup": ("recap", "speedup", ">=", 50),
    "recap_equal": ("recap", "equal", "==", True),
    "dashboard_ms": ("dashboard", "ms", "<=", 150),
    "dashboard_table_ms": ("dashboard", "table_ms", "<=", 150),
    "export_peak_rss_mb": ("export", "peak_rss_mb", "<=", 300),
    "pdf_unit_s": ("pdf", "unit_s", "<=", 2),
    "pdf_region_s": ("pdf", "region_s", "<=", 20),
    "kiosk_cold_kb": ("kiosk", "cold_kb", "<=", 150),
    "kiosk_other_hosts": ("kiosk", "other_hosts", "==", 0),
}
COMPARE = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, "==": lambda a, b: a == b}
STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[bench {time.monotonic() - STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


class NotAvailable(Exception):
    """The code this measurement calls does not exist (yet)."""


# -- measurements ----------------------------------------------------------------------------------------

def measure_recap(world: data.World, quick: bool) -> dict:
    from bench.recap import recap_measure

    log("recap: tallies against raw answers")
    result = recap_measure(unit_ids=world.unit_ids, period=world.latest_quarter,
                           repeats=5 if quick else 9, raw_repeats=3 if quick else 5)
    log(f"recap: {result['ms']} ms from tallies, {result['raw_ms']} ms from raw answers, equal={result['equal']}")
    year = recap_measure(unit_ids=world.unit_ids, period=world.year, repeats=3, raw_repeats=3)
    result["year"] = {key: year[key] for key in ("period", "ms", "raw_ms", "speedup", "equal", "respondents")}
    log(f"recap over four quarters: {year['ms']} ms from tallies, {year['raw_ms']} ms raw")
    return result


def _dashboard_url(world: data.World) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("reports:region_dashboard", kwargs={"region_code": world.region_code})
    except NoReverseMatch:
        raise NotAvailable("no region dashboard URL (reports:region_dashboard) exists yet") from None


def _timed_get(client, url: str, repeats: int) -> tuple[list[float], list[float], int, int]:
    """Server times (ms) of GET url after a warm request, the page's bytes and its query count. Each time is
    taken twice: with the figures computed, not served from the cache (as after a night of submissions), then
    again with nothing written in between, from the figure cache (reports.figure_cache)."""
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, cached = [], []
    for attempt in range(1 + repeats):
        for kind in ("computed", "cached"):
            if kind == "computed":
                caches["figures"].clear()
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}")
            if attempt:  # the first request warms connections
                (times if kind == "computed" else cached).append(elapsed)
    caches["figures"].clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return times, cached, len(response.content), len(queries)


def measure_dashboard(world: data.World, quick: bool) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    url = f"{_dashboard_url(world)}?period={world.latest_quarter.slug}"
    # The full table's second page, sorted by IKM: every unit scored and ranked, 50 rows drawn.
    table_url = (f"{reverse('reports:region_table', kwargs={'region_code': world.region_code})}"
                 f"?period={world.latest_quarter.slug}&sort=ikm&order=desc&page=2")
    # The first screen's second request: follow-up indicators, respondents per day and channel, profile.
    details_url = (f"{reverse('reports:region_details', kwargs={'region_code': world.region_code})}"
                   f"?period={world.latest_quarter.slug}")
    client = Client()
    client.force_login(get_user_model().objects.get(pk=world.region_admin_id))
    repeats = 5 if quick else 9
    times, cached, size, queries = _timed_get(client, url, repeats)
    table_times, _table_cached, table_size, table_queries = _timed_get(client, table_url, repeats)
    details_times, _details_cached, details_size, details_queries = _timed_get(client, details_url, repeats)
    log(f"dashboard: median {statistics.median(times):.1f} ms, {queries} queries; from the figure cache "
        f"{statistics.median(cached):.1f} ms; table page {statistics.median(table_times):.1f} ms, "
        f"{table_queries} queries; details {statistics.median(details_times):.1f} ms, {details_queries} queries")
    return {"ms": round(statistics.median(times), 1), "runs_ms": [round(t, 1) for t in times], "url": url,
            "bytes": size, "queries": queries, "cached_ms": round(statistics.median(cached), 1),
            "table_ms": round(statistics.median(table_times), 1), "table_runs_ms": [round(t, 1) for t in table_times],
            "table_url": table_url, "table_bytes": table_size, "table_queries": table_queries,
            "details_ms": round(statistics.median(details_times), 1),
            "details_runs_ms": [round(t, 1) for t in details_times], "details_url": details_url,
            "details_bytes": details_size, "details_queries": details_queries}


def run_child(spec: dict, env: dict) -> dict:
    """Run one document job in its own process (bench/child.py), which reports its time and peak RSS."""
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "child.py"), json.dumps(spec)], cwd=ROOT,
                          env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{spec['job']} failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_exports(world: data.World, env: dict, workdir: Path) -> dict:
    from agencies.models import Agency

    top = Agency.objects.filter(region_id=world.region_id, parent=None).order_by("id").first()
    log(f"export: raw export of {world.responses:,} responses")
    raw = run_child({"job": "raw_export", "agency": top.id, "units": world.unit_ids, "period": world.year.slug,
                     "out": str(workdir / "raw.xlsx")}, env)
    if raw.get("rows") != world.responses_counted:
        raise RuntimeError(f"the raw export wrote {raw.get('rows')} rows, {world.responses_counted} are counted")
    log(f"export: raw {raw['seconds']} s, peak RSS {raw['peak_rss_mb']} MB")
    table = run_child({"job": "processing_table", "unit": world.big_unit_id, "period": world.year.slug,
                       "out": str(workdir / "table.xlsx")}, env)
    log(f"export: Tabel Pengolahan Data {table['seconds']} s, peak RSS {table['peak_rss_mb']} MB")
    return {"peak_rss_mb": max(raw["peak_rss_mb"], table["peak_rss_mb"]),
            "raw_s": raw["seconds"], "raw_rss_mb": raw["peak_rss_mb"], "raw_rows": raw["rows"],
            "raw_mb": round(raw["bytes"] / 2**20, 1),
            "table_s": table["seconds"], "table_rss_mb": table["peak_rss_mb"],
            "table_rows": world.big_unit_counted, "table_mb": round(table["bytes"] / 2**20, 1)}


def measure_pdfs(world: data.World, env: dict, workdir: Path) -> dict:
    quarter = world.latest_quarter.slug
    log("pdf: Laporan Hasil SKM of the largest unit")
    unit = run_child({"job": "laporan", "unit": world.big_unit_id, "period": quarter,
                      "out": str(workdir / "laporan.pdf")}, env)
    log(f"pdf: Laporan {unit['seconds']} s")
    result = {"unit_s": unit["seconds"], "unit_rss_mb": unit["peak_rss_mb"], "unit_kb": round(unit["bytes"] / 1024)}
    region = run_child({"job": "region_recap", "region": world.region_id, "period": quarter,
                        "out": str(workdir / "recap.pdf")}, env)
    log(f"pdf: regional recap {region['seconds']} s")
    result.update(region_s=region["seconds"], region_rss_mb=region["peak_rss_mb"],
                  region_kb=round(region["bytes"] / 1024))
    return result


def probe_in_process(kiosk: dict, count: int) -> dict:
    """The same two requests through Django's test client in this process, one at a time: what each costs
    the server alone, without the network, the other processes or the queueing. Helps read the ratio."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.load import submission

    client, rnd = Client(), random.Random(1)
    times = {"api": [], "bare": []}
    for kind, path in (("bare", "/bench/hello"), ("api", "/api/v1/responses")):
        for attempt in range(count + 5):
            _key, body = submission(kiosk, rnd)
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.post(path, body, content_type="application/json",
                                       HTTP_AUTHORIZATION=f"Kiosk {kiosk['token']}")
            if response.status_code not in (200, 201):
                raise RuntimeError(f"{path} answered {response.status_code}: {response.content[:300]}")
            if attempt >= 5:  # the first ones fill the caches
                times[kind].append((time.perf_counter() - started) * 1000)
        times[f"{kind}_queries"] = len(queries)
    return {"api_ms": round(statistics.median(times["api"]), 2), "bare_ms": round(statistics.median(times["bare"]), 2),
            "api_queries": times["api_queries"], "bare_queries": times["bare_queries"],
            "ratio": round(statistics.median(times["bare"]) / statistics.median(times["api"]), 3)}


def measure_server(world: data.World, env: dict, quick: bool, workdir: Path) -> tuple[dict, dict]:
    """Kiosk weight and the submission load, against one gunicorn serving the app and the bare view."""
    from django.db import connection

    from agencies.models import Service, ServiceUnit
    from bench.server import gunicorn, kiosk_weight
    from surveys.kiosk import kiosk_create
    from surveys.models import Response

    units = ServiceUnit.objects.filter(id__in=world.units_by_size[1:17])
    kiosks = []
    for unit in units:
        kiosk, token = kiosk_create(unit=unit, name="Tablet uji beban")
        kiosks.append({"token": token, "id": kiosk.id, "unit": unit.id, "services": list(
            Service.objects.filter(unit=unit, is_active=True).values_list("id", flat=True))})
    _probe_kiosk, probe_token = kiosk_create(unit=units[0], name="Tablet uji dalam proses")
    probe = probe_in_process({**kiosks[0], "token": probe_token}, 100 if quick else 300)
    log(f"submissions in process: {probe['api_ms']} ms per submission ({probe['api_queries']} queries), "
        f"{probe['bare_ms']} ms bare")
    before = Response.objects.count()
    # As docs/deployment.md runs the app: 2 gthread workers per core, 4 threads each.
    workers = int(os.environ.get("BENCH_WORKERS", 2 * (os.cpu_count() or 1)))
    threads = int(os.environ.get("BENCH_THREADS", 4))
    seconds, rounds = (3, 2) if quick else (10, 3)
    phases = [{"name": "warm-up bare", "kind": "bare", "seconds": 1, "max_requests": 300},
              {"name": "warm-up api", "kind": "api", "seconds": 1, "max_requests": 300}]
    for number in range(1, rounds + 1):
        phases += [{"name": f"bare {number}", "kind": "bare", "seconds": seconds, "max_requests": 100_000},
                   {"name": f"api {number}", "kind": "api", "seconds": seconds, "max_requests": 100_000}]
    plan = {"host": "127.0.0.1", "processes": 2, "threads": 8, "timeout": 30, "kiosks": kiosks,
            "phases": phases, "replays": 20, "database": connection.settings_dict["NAME"]}
    with gunicorn(env=env, workers=workers, threads=threads, log_path=workdir / "gunicorn.log") as (port, pid):
        log(f"gunicorn on 127.0.0.1:{port} with {workers} workers of {threads} threads")
        try:
            kiosk = kiosk_weight(port=port, token=kiosks[0]["token"])
            log(f"kiosk: cold load {kiosk.get('cold_kb')} KB in {kiosk.get('requests')} requests")
        except Exception as problem:  # the kiosk page is not the submission bench: report and go on
            kiosk = {"error": f"{type(problem).__name__}: {problem}"}
        plan["port"], plan["server_pid"] = port, pid
        log(f"submissions: {plan['processes'] * plan['threads']} clients, {rounds} rounds of {seconds} s each")
        loaded = subprocess.run([sys.executable, str(ROOT / "bench" / "load.py")], input=json.dumps(plan),
                                capture_output=True, text=True, cwd=ROOT, check=True)
    result = json.loads(loaded.stdout)
    submissions = _submissions_summary(result, plan, workers)
    submissions["threads"] = threads
    submissions["in_process"] = probe
    submissions["machine_busy"] = machine_busy()
    submissions.update(_recount(result["acknowledged"], kiosks, before))
    log(f"submissions: {submissions['api_rps']}/s against {submissions['bare_rps']}/s bare "
        f"(ratio {submissions['ratio']}), {submissions['errors']} errors, {submissions['lost']} lost")
    return submissions, kiosk


def _submissions_summary(result: dict, plan: dict, workers: int) -> dict:
    measured = [phase for phase in result["phases"] if not phase["name"].startswith("warm-up")]

    def total(kind):
        phases = [phase for phase in measured if phase["kind"] == kind]
        ok = sum(phase["ok"] for phase in phases)
        return ok / sum(phase["seconds"] for phase in phases), phases

    api_rps, api = total("api")
    bare_rps, bare = total("bare")

    def cpu(phases):  # the median over the rounds of each part's CPU time per request
        measured = [phase["cpu_ms"] for phase in phases if "cpu_ms" in phase]
        return {part: statistics.median(m[part] for m in measured) for part in measured[0]} if measured else None

    errors = sum(phase["errors"] for phase in result["phases"])
    replay = result["replay"]
    return {
        "ratio": round(api_rps / bare_rps, 3), "api_rps": round(api_rps, 1), "bare_rps": round(bare_rps, 1),
        # Rounds alternate; each API round against the bare round just before it, as the load on the
        # machine drifts.
        "ratio_by_round": [round(a["rps"] / b["rps"], 3) for a, b in zip(api, bare, strict=True)],
        "api_p50_ms": statistics.median(p["p50_ms"] for p in api), "api_p99_ms": max(p["p99_ms"] for p in api),
        "bare_p50_ms": statistics.median(p["p50_ms"] for p in bare), "bare_p99_ms": max(p["p99_ms"] for p in bare),
        "errors": errors + len(replay["problems"]),
        "error_kinds": {kind: n for phase in result["phases"] for kind, n in phase["error_kinds"].items()},
        "replayed": replay["sent"], "replay_problems": replay["problems"],
        "clients": plan["processes"] * plan["threads"], "workers": workers,
        "cpu_ms": {"api": cpu(api), "bare": cpu(bare)},
        "request_body_bytes": api[0]["body_bytes"], "request_bytes": api[0]["request_bytes"],
        "response_bytes": api[0]["response_bytes"], "phases": result["phases"],
    }


def _recount(acknowledged: list, kiosks: list[dict], before: int) -> dict:
    """Every acknowledged key is stored exactly once, under the id the server gave for it; nothing else was
    stored; the tallies of the units written to still equal a recount."""
    from django.conf import settings

    from surveys.models import Response

    given = {}
    conflicts = 0
    for key, response_id, _created, echoed in acknowledged:
        if echoed != key or given.setdefault(key, response_id) != response_id:
            conflicts += 1
    stored = {}
    keys = list(given)
    for start in range(0, len(keys), 5000):
        stored.update((str(key), pk) for key, pk in
                      Response.objects.filter(key__in=keys[start:start + 5000]).values_list("key", "id"))
    lost = sum(1 for key, response_id in given.items() if stored.get(key) != response_id)
    from_kiosks = Response.objects.filter(kiosk_id__in=[kiosk["id"] for kiosk in kiosks]).count()
    unit_ids = [kiosk["unit"] for kiosk in kiosks]
    with data.connect(os.environ["DATABASE_URL"]) as connection, connection.cursor() as cursor:
        tally_differences = data.tallies_compare(cursor, unit_ids=unit_ids, zone=settings.TIME_ZONE)
    return {"acknowledged": len(given), "lost": lost + conflicts, "stored_by_bench_kiosks": from_kiosks,
            "stored_unacknowledged": from_kiosks - len(given), "responses_added": Response.objects.count() - before,
            "tally_differences": tally_differences}


# -- the run ---------------------------------------------------------------------------------------------

def evaluate(results: dict) -> list[str]:
    missed = []
    for name, (section, figure, op, target) in TARGETS.items():
        value = (results.get(section) or {}).get(figure)
        if value is None or not COMPARE[op](value, target):
            missed.append(name)
    return missed


def machine_busy() -> dict:
    """How contended the machine is: load averages and the share of the last minute in which runnable
    tasks waited for a CPU (Linux pressure stall information)."""
    busy = {"load_average": [round(x, 2) for x in os.getloadavg()]}
    pressure = Path("/proc/pressure/cpu")
    if pressure.exists():
        fields = dict(item.split("=") for item in pressure.read_text().split("\n")[0].split()[1:])
        busy["cpu_waiting_pct_60s"] = float(fields["avg60"])
    return busy


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), None)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": memory, "python": platform.python_version(),
            "system": platform.platform(terse=True)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 responses over 50 units (under 3 minutes)")
    parser.add_argument("--size", type=int, default=data.FULL.responses,
                        help=f"responses over {data.FULL.units} units (default {data.FULL.responses:,}); one unit "
                             "has a tenth of them")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    parser.add_argument("--reuse", action="store_true",
                        help="measure again on a scratch database kept by --keep (skips loading; for working "
                             "on the bench, its figures include the earlier runs' submissions)")
    parser.add_argument("--output", help="where to write the table (default: docs/performance.md, "
                                         "var/performance-quick.md with --quick)")
    args = parser.parse_args(argv)

    url = os.environ.get("DATABASE_URL", "")
    if not data.is_postgres(url):
        print("make bench needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/name "
              f"(got {url or 'nothing, which means SQLite'}). The bench creates and drops its own scratch "
              "database on that server.", file=sys.stderr)
        return 2
    size = data.QUICK if args.quick else data.sized(args.size)
    scratch = data.scratch_url(url, quick=args.quick, size=None if args.quick else size.responses)
    output = Path(args.output) if args.output else ROOT / ("var/performance-quick.md" if args.quick
                                                           else "docs/performance.md")
    log(f"scratch database {scratch.rsplit('/', 1)[-1]}: {size.responses:,} responses over {size.units} units")
    # Before anything reads Django's settings (a saved World's periods do), so they name the scratch database.
    env = {**os.environ, "DATABASE_URL": scratch, "DJANGO_SETTINGS_MODULE": "bench.settings", "DEBUG": "0",
           "PYTHONPATH": str(ROOT), "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    os.environ.update(env)
    world = None
    if args.reuse and data.database_exists(scratch):
        with data.connect(scratch) as connection:
            world = data.World.saved(connection)
    if world is None:
        data.database_create(scratch)
    results = {"size": {"responses": size.responses, "units": size.units,
                        "big_unit_responses": size.big_unit_responses, "quick": args.quick}}
    not_available, failures = {}, {}
    try:
        import django

        django.setup()
        from django.core.management import call_command

        if world is None:
            call_command("migrate", verbosity=0)
            log("migrated")
            with data.connect(scratch) as connection:
                world = data.data_load(size, connection=connection, today=date.today(), log=log)
                world.save(connection)
        else:
            log("reusing the kept scratch database")
        results["size"]["quarters"] = [quarter.slug for quarter in world.quarters]
        if (args.quick or size.responses <= data.CHECKED_UP_TO) and not args.reuse:
            from surveys.tallies import tallies_differences

            differences = tallies_differences()
            results["size"]["loaded_tallies_differ"] = len(differences)
            if differences:
                raise RuntimeError(f"loaded tallies differ from surveys.tallies: {differences[:5]}")
            log("loaded tallies equal surveys.tallies' recount")
        with tempfile.TemporaryDirectory(prefix="skm-bench-") as workdir:
            steps = [
                ("recap", lambda: measure_recap(world, args.quick)),
                ("dashboard", lambda: measure_dashboard(world, args.quick)),
                ("export", lambda: measure_exports(world, env, Path(workdir))),
                ("pdf", lambda: measure_pdfs(world, env, Path(workdir))),
            ]
            for section, step in steps:
                busy = machine_busy()
                try:
                    results[section] = step()
                    results[section]["machine_busy_before"] = busy
                    if "not_available" in results[section]:
                        not_available[section] = results[section].pop("not_available")
                except NotAvailable as reason:
                    not_available[section] = str(reason)
                    log(f"{section}: not available: {reason}")
                except Exception as problem:
                    failures[section] = f"{type(problem).__name__}: {problem}"
                    log(f"{section} failed:\n{traceback.format_exc()}")
            try:
                results["submissions"], results["kiosk"] = measure_server(world, env, args.quick, Path(workdir))
            except Exception as problem:
                failures["submissions"] = f"{type(problem).__name__}: {problem}"
                log(f"submissions failed:\n{traceback.format_exc()}")
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            log(f"kept {scratch}")
        else:
            data.database_drop(scratch)
    for section, figure, _op, _target in TARGETS.values():  # every figure is present, null if not measured
        results.setdefault(section, {}).setdefault(figure, None)
    results["targets_missed"] = evaluate(results)
    results["not_available"] = not_available
    results["failures"] = failures
    results["command"] = "make bench" + (" QUICK=1" if args.quick else "") + (
        f" SIZE={size.responses}" if not args.quick and size.responses != data.FULL.responses else "")
    results["date"] = datetime.now().astimezone().isoformat(timespec="seconds")
    results["machine"] = machine()
    results["seconds"] = round(time.monotonic() - STARTED, 1)
    from bench.report import report_write

    # Another size adds its row to the growth table and leaves the default size's table as it is.
    report_write(results, output, main=args.quick or size.responses == data.FULL.responses or bool(args.output))
    log(f"table written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    print(json.dumps(results, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
