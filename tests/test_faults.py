"""Nothing lost, nothing doubled: kiosks keep posting (and retrying with their keys) while the server is
killed and restarted and while the database drops its connections. Runs the real app under gunicorn on
loopback against a scratch database of its own. `make soak` runs the long version (--soak)."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
SHORT = {"clients": 8, "per_client": 25, "restarts": 1, "db_drops": 3, "deadline": 120}
SOAK = {"clients": 32, "per_client": 150, "restarts": 5, "db_drops": 15, "deadline": 900}

SETUP = """
import django; django.setup()
import json
from agencies.models import Agency, Region, Service, ServiceUnit
from surveys.models import Kiosk, Questionnaire
region = Region.objects.create(code="faults", name="Kota Uji", kind="kota", kemendagri_code="99.99")
agency = Agency.objects.create(region=region, code="faults-dinas", name="Dinas Uji", kind="dinas")
unit = ServiceUnit.objects.create(agency=agency, code="faults-loket", name="Loket",
                                  questionnaire=Questionnaire.objects.get(is_default=True))
service = Service.objects.create(unit=unit, name="Layanan")
kiosk = Kiosk(unit=unit, name="Tablet")
token = kiosk.issue_token()
kiosk.save()
print(json.dumps({"token": token, "service": service.id}))
"""

COUNT = """
import django; django.setup()
import json
from surveys.models import Response
keys = [str(k) for k in Response.objects.values_list("key", flat=True)]
print(json.dumps(keys))
"""


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ScratchServer:
    """A migrated scratch database and gunicorn serving the app on it."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        default = settings.DATABASES["default"]
        self.postgres = default["ENGINE"].endswith("postgresql")
        if self.postgres:
            self.name = f"skm_faults_{uuid.uuid4().hex[:8]}"
            self.admin_url = f"postgresql://{default['USER'] or 'postgres'}@{default['HOST'] or '127.0.0.1'}:{default['PORT'] or 5432}/postgres"
            with psycopg.connect(self.admin_url, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{self.name}"')
            parts = urlsplit(self.admin_url)
            self.url = parts._replace(path=f"/{self.name}").geturl()
        else:
            self.url = f"sqlite:///{tmp_path / 'faults.sqlite3'}"
        self.env = {**os.environ, "DATABASE_URL": self.url, "DJANGO_SETTINGS_MODULE": "skm.settings",
                    "SKM_VAR_DIR": str(tmp_path), "DB_CONN_MAX_AGE": "60"}
        self.manage("migrate", "--noinput", "-v", "0")
        setup = json.loads(self.python(SETUP))
        self.token, self.service = setup["token"], setup["service"]
        self.process = None

    def manage(self, *args) -> str:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def python(self, code: str) -> str:
        result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=self.env, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "skm.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
             "--threads", "4", "--worker-class", "gthread", "--timeout", "30", "--log-level", "warning"],
            cwd=ROOT, env=self.env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with closing(socket.create_connection(("127.0.0.1", self.port), timeout=1)):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("gunicorn did not start")

    def kill(self):
        """Kill the whole server, workers included, as a power cut would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def drop_database_connections(self) -> int:
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            rows = connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (self.name,),
            ).fetchall()
        return len(rows)

    def stored_keys(self) -> list[str]:
        return json.loads(self.python(COUNT))

    def close(self):
        if self.process and self.process.poll() is None:
            self.kill()
        if self.postgres:
            with psycopg.connect(self.admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def server(tmp_path):
    scratch = ScratchServer(tmp_path)
    yield scratch
    scratch.close()


def post(server, key: str, service: int) -> int:
    body = json.dumps({
        "key": key, "service": service, "answered_at": time.strftime("%Y-%m-%dT%H:%M:%S+07:00"),
        "profile": {"gender": "L", "age": 40, "education": "SMA", "occupation": "Swasta"},
        "answers": {f"U{i}": 1 + (hash((key, i)) % 4) for i in range(1, 10)},
    }).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.port}/api/v1/responses", data=body, method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Kiosk {server.token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def run_clients(server, plan, chaos):
    """Each client sends its own keys, retrying a key until the server acknowledges it (200 or 201)."""
    acknowledged, failures, retries, lock = set(), [], [], threading.Lock()
    deadline = time.monotonic() + plan["deadline"]

    def client():
        for _ in range(plan["per_client"]):
            key, pause = str(uuid.uuid4()), 0.05
            while True:
                try:
                    status = post(server, key, server.service)
                except OSError:
                    status = None  # refused, reset or timed out: the server is away
                if status in (200, 201):
                    with lock:
                        acknowledged.add(key)
                    break
                if status is not None and status < 500:
                    with lock:
                        failures.append(f"{key}: HTTP {status}")
                    break
                if time.monotonic() > deadline:
                    with lock:
                        failures.append(f"{key}: not acknowledged before the deadline")
                    return
                with lock:
                    retries.append(status)
                time.sleep(pause)
                pause = min(pause * 2, 1.0)

    threads = [threading.Thread(target=client) for _ in range(plan["clients"])]
    for thread in threads:
        thread.start()
    chaos(acknowledged)
    for thread in threads:
        thread.join(timeout=plan["deadline"] + 30)
    return acknowledged, failures, retries


def assert_exactly_once(server, acknowledged, plan):
    stored = server.stored_keys()
    assert len(stored) == len(set(stored)), "a key was stored twice"
    assert set(stored) == acknowledged
    assert len(acknowledged) == plan["clients"] * plan["per_client"]
    assert "agree" in server.manage("rebuild_tallies", "--check")


def wait_for(acknowledged, count, timeout=60):
    deadline = time.monotonic() + timeout
    while len(acknowledged) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_server_killed_and_restarted_mid_load_loses_and_doubles_nothing(server, request):
    plan = SOAK if request.config.getoption("--soak") else SHORT
    total = plan["clients"] * plan["per_client"]
    server.start()

    def chaos(acknowledged):
        for restart in range(1, plan["restarts"] + 1):
            wait_for(acknowledged, total * restart // (plan["restarts"] + 1))
            server.kill()
            time.sleep(1.0)  # clients meet a closed port meanwhile
            server.start()

    acknowledged, failures, retries = run_clients(server, plan, chaos)
    assert failures == []
    assert retries, "no request met the dead server: the test proved nothing"
    assert_exactly_once(server, acknowledged, plan)
    print(f"\nfaults: {plan['clients']} clients, {len(acknowledged)} acknowledged, {plan['restarts']} restarts, "
          f"{len(retries)} retries")


def test_dropped_database_connections_mid_load_lose_and_double_nothing(server, request):
    if not server.postgres:
        pytest.skip("dropping server-side connections needs PostgreSQL")
    plan = SOAK if request.config.getoption("--soak") else SHORT
    total = plan["clients"] * plan["per_client"]
    server.start()
    dropped = []

    def chaos(acknowledged):
        for drop in range(1, plan["db_drops"] + 1):
            wait_for(acknowledged, total * drop // (plan["db_drops"] + 1))
            dropped.append(server.drop_database_connections())

    acknowledged, failures, retries = run_clients(server, plan, chaos)
    assert failures == []
    assert sum(dropped) > 0, "no connection was dropped: the test proved nothing"
    assert_exactly_once(server, acknowledged, plan)
    print(f"\nfaults: {plan['clients']} clients, {len(acknowledged)} acknowledged, {sum(dropped)} connections dropped, "
          f"{len(retries)} retries")
