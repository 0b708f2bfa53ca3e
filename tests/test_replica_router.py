"""Report reads go to the replica alias when DATABASE_REPLICA_URL is set; writes stay on the primary."""

import os
import subprocess
import sys
from pathlib import Path

from tests.test_faults import free_port

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import django
django.setup()
from django.db import router
from surveys.models import (ElementMonthTally, ElementTally, ProfileMonthTally, Response, ResponseMonthTally,
                            ResponseTally)
print(ElementTally.objects.all().db, ResponseTally.objects.all().db, ElementMonthTally.objects.all().db,
      ResponseMonthTally.objects.all().db, ProfileMonthTally.objects.all().db, Response.objects.all().db,
      router.db_for_write(ElementTally), router.db_for_write(ElementMonthTally), router.db_for_write(Response))
"""


def probe(**env):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "skm.settings", **env}
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_it_reads_tallies_from_the_replica_and_writes_to_the_primary(tmp_path):
    replica = f"sqlite:///{tmp_path / 'replica.sqlite3'}"
    assert probe(DATABASE_REPLICA_URL=replica) == ["replica"] * 5 + ["default"] * 4


def test_without_a_replica_everything_uses_the_primary():
    assert probe(DATABASE_REPLICA_URL="") == ["default"] * 9


REFUSED = """
import django
django.setup()
from skm import replica
from surveys.models import ElementTally
replica.RETRY_SECONDS = 0  # try the replica again at every read: still one log line
print(*[ElementTally.objects.all().db for _ in range(3)])
"""


def test_it_reads_from_the_primary_while_the_replica_does_not_answer_and_logs_it_once():
    """Outside a request too (task workers, commands): a replica that refuses connections is not used."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "skm.settings",
                   "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{free_port()}/skm"}
    result = subprocess.run([sys.executable, "-c", REFUSED], cwd=ROOT, env=environment, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["default"] * 3
    assert result.stderr.count("replica down, report reads use the primary") == 1, result.stderr
