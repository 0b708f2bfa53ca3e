"""`make bench QUICK=1` runs end to end and prints its JSON summary as the last line. Its figures are
reported, not asserted (they depend on the machine); what must hold whatever the machine is asserted:
the run completes, every measurement ran, the recap from the tallies equals the one from raw answers, and
every acknowledged submission was stored."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = {
    "submissions": ("ratio", "errors", "lost"),
    "recap": ("ms", "raw_ms", "speedup"),
    "dashboard": ("ms",),
    "export": ("peak_rss_mb",),
    "pdf": ("unit_s", "region_s"),
    "kiosk": ("cold_kb",),
}

needs_postgresql = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="the bench needs PostgreSQL (it creates a scratch database and loads it with COPY); "
           "set DATABASE_URL=postgres://...",
)


@needs_postgresql
def test_it_runs_the_quick_bench_and_prints_its_figures_as_json(tmp_path):
    table = tmp_path / "performance.md"
    done = subprocess.run([sys.executable, "bench/run.py", "--quick", "--output", str(table)], cwd=ROOT,
                          env=os.environ.copy(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])

    for section, keys in REQUIRED.items():
        for key in keys:
            assert key in figures[section], f"{section}.{key} missing"
    assert isinstance(figures["targets_missed"], list)
    assert figures["failures"] == {}, figures["failures"]
    assert figures["recap"]["equal"] is True
    assert figures["submissions"]["acknowledged"] > 0
    # Where a submission's time goes: PostgreSQL's share of the recap, and CPU per request of the app server
    # and of the database's backends (found by their process titles) under the load.
    assert figures["recap"]["database_ms"] > 0
    api_cpu = figures["submissions"]["cpu_ms"]["api"]
    assert api_cpu["app"] > 0 and api_cpu["database"] > 0, figures["submissions"]["cpu_ms"]
    assert figures["submissions"]["lost"] == 0
    assert figures["size"]["loaded_tallies_differ"] == 0
    assert "| Measure |" in table.read_text()


def test_it_refuses_to_run_without_postgresql():
    env = {**os.environ, "DATABASE_URL": ""}
    done = subprocess.run([sys.executable, "bench/run.py", "--quick"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert "needs PostgreSQL" in done.stderr
