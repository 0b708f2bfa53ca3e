"""A pg_dump of the database restored into an empty one gives identical scores (docs/operations.md)."""

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from tests.factories import local, submit

ROOT = Path(__file__).resolve().parents[1]
SCORES = """
import django, json; django.setup()
from reports.periods import Period
from reports.selectors import scores_by_unit
from agencies.models import ServiceUnit
scores = scores_by_unit(unit_ids=ServiceUnit.objects.values_list("id", flat=True), period=Period.quarter(2026, 3))
print(json.dumps({str(unit): [s.respondents, str(s.result.ikm_converted), s.result.grade.letter,
                              [str(e.nrr) for e in s.result.elements]] for unit, s in sorted(scores.items())}))
"""

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the backup procedure is for PostgreSQL"),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed"),
]


def database_url(name: str) -> str:
    db = settings.DATABASES["default"]
    return f"postgresql://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def scores_in(name: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url(name), "DJANGO_SETTINGS_MODULE": "skm.settings"}
    result = subprocess.run([sys.executable, "-c", SCORES], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_restored_dump_gives_identical_scores(world, tmp_path):
    for day, values in ((2, [4, 3, 3, 4, 3, 3, 4, 3, 3]), (3, [2, 3, None, 4, 3, 2, 4, 3, 3]), (4, [4] * 9)):
        submit(world.unit, world.service, values, answered_at=local(2026, 8, day), channel="paper")
    submit(world.other_unit, world.other_unit.services.first(), [3] * 9, answered_at=local(2026, 9, 1))
    source = connection.settings_dict["NAME"]
    restored = f"skm_restore_{uuid.uuid4().hex[:8]}"
    dump = tmp_path / "skm.dump"
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", database_url(source)],
                   check=True, timeout=120)
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={database_url(restored)}", str(dump)],
                       check=True, timeout=120)
        original = scores_in(source)
        assert len(original) == 2 and original[str(world.unit.id)][0] == 3
        assert scores_in(restored) == original
    finally:
        with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
