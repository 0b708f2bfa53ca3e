"""Scale-out as docs/deployment.md recommends, run for real: a PostgreSQL streaming replica of the test server
(pg_basebackup -R, pg_ctl), two gunicorn app servers on loopback using the primary for writes and the replica
for report reads, driven as a round-robin proxy would; read-your-writes while replay is paused; replica failure.
PostgreSQL only; .ci/pg-replication lets the local cluster serve a replica, and .ci/run makes a skip a failure."""

import hashlib
import itertools
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import closing
from datetime import datetime, timedelta
from datetime import time as clock
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.documents.publication import publication_publish
from reports.periods import Period
from skm.replica import RETRY_SECONDS
from surveys.kiosk import kiosk_create
from surveys.models import Response
from tests.factories import make_user
from tests.test_faults import free_port
from tests.test_import import xlsx

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[1]
STALE_SECONDS = 1  # the servers' REPLICA_STALE_SECONDS: a page from a replica behind by more says so
NOTICE = re.compile(r"data hingga (\d\d:\d\d)")


def unavailable(reason: str):
    """Skip with the reason; where the replica must run (.ci/run sets SKM_REQUIRE_REPLICA), fail instead."""
    if os.environ.get("SKM_REQUIRE_REPLICA"):
        pytest.fail(f"the replica tests must run here: {reason}")
    pytest.skip(reason)


def run(command: list[str], what: str) -> str:
    password = connection.settings_dict["PASSWORD"]
    env = {**os.environ, "PGPASSWORD": password} if password else None
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed: {(result.stderr or result.stdout).strip()}")
    return result.stdout


class ReplicaNotReady(AssertionError):
    pass


class Replica:
    """A hot standby of the primary in a temporary directory, on a port of its own, run by the owner of the
    primary's files (postgres) as PostgreSQL requires."""

    def __init__(self, primary: dict, database: str):
        self.primary, self.database = primary, database
        with self.primary_connection() as primary_db:
            self.version = primary_db.execute("SHOW server_version_num").fetchone()[0][:-4]
            # A hot standby refuses to start with fewer of these than its primary.
            self.limits = {name: primary_db.execute(f"SHOW {name}").fetchone()[0] for name in (
                "max_connections", "max_worker_processes", "max_wal_senders", "max_prepared_transactions",
                "max_locks_per_transaction")}
        bin_dir = Path(f"/usr/lib/postgresql/{self.version}/bin")
        self.tools = {}
        for tool in ("pg_basebackup", "pg_ctl"):
            found = bin_dir / tool if (bin_dir / tool).exists() else shutil.which(tool)
            if not found:
                unavailable(f"{tool} (PostgreSQL {self.version} server tools) is not installed")
            self.tools[tool] = str(found)
        self.as_owner = []
        if os.geteuid() == 0:
            try:
                self.owner = pwd.getpwnam("postgres")
            except KeyError:
                unavailable("running as root, but there is no postgres user to run the replica server")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self.port = free_port()
        self.base = Path(tempfile.mkdtemp(prefix="skm-replica-"))
        self.data = self.base / "data"
        if self.as_owner:
            os.chown(self.base, self.owner.pw_uid, self.owner.pw_gid)

    def primary_connection(self, database="postgres"):
        return psycopg.connect(host=self.primary["HOST"] or "127.0.0.1", port=self.primary["PORT"] or 5432,
                               user=self.primary["USER"] or "postgres", password=self.primary["PASSWORD"] or None,
                               dbname=database, autocommit=True)

    def connect(self):
        return psycopg.connect(host="127.0.0.1", port=self.port, user=self.primary["USER"] or "postgres",
                               password=self.primary["PASSWORD"] or None,
                               dbname=self.database, autocommit=True, connect_timeout=5)

    @property
    def url(self) -> str:
        """The primary's URL (its credentials) with the replica's address."""
        parts = urlsplit(AppServer.database_url())
        credentials = parts.netloc.rpartition("@")[0]
        return parts._replace(netloc=f"{credentials}@127.0.0.1:{self.port}".lstrip("@")).geturl()

    def create(self):
        try:
            run([*self.as_owner, self.tools["pg_basebackup"], "-h", self.primary["HOST"] or "127.0.0.1",
                 "-p", str(self.primary["PORT"] or 5432), "-U", self.primary["USER"] or "postgres",
                 "-D", str(self.data), "-R", "-X", "stream", "-c", "fast", "--no-sync"], "pg_basebackup")
        except RuntimeError as error:
            unavailable(f"the primary does not serve a streaming replica to 127.0.0.1 (.ci/pg-replication allows "
                        f"it: pg_hba.conf 'host replication', wal_level=replica, max_wal_senders): {error}")
        limits = "".join(f"{name} = {value}\n" for name, value in self.limits.items())
        self.write("postgresql.conf", f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                                      f"unix_socket_directories = '{self.base}'\nhot_standby = on\n"
                                      f"fsync = off\nshared_buffers = 32MB\n{limits}")
        self.write("pg_hba.conf", "local all all trust\nhost all all 127.0.0.1/32 trust\n")
        self.write("pg_ident.conf", "")

    def write(self, name: str, text: str):
        path = self.data / name
        path.write_text(text)
        if self.as_owner:
            os.chown(path, self.owner.pw_uid, self.owner.pw_gid)

    def start(self):
        run([*self.as_owner, self.tools["pg_ctl"], "-D", str(self.data), "-l", str(self.base / "server.log"),
             "-W", "start"], "pg_ctl start")
        self.wait_replayed(timeout=90)

    def stop(self):
        run([*self.as_owner, self.tools["pg_ctl"], "-D", str(self.data), "-m", "fast", "-w", "stop"], "pg_ctl stop")

    def remove(self):
        if (self.data / "postmaster.pid").exists():
            subprocess.run([*self.as_owner, self.tools["pg_ctl"], "-D", str(self.data), "-m", "immediate", "-w",
                            "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.base, ignore_errors=True)

    def wait_replayed(self, timeout=60):
        """Until the replica has replayed everything the primary has written so far."""
        with self.primary_connection() as primary_db:
            target = primary_db.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline, refused = time.monotonic() + timeout, None
        while True:
            try:
                with self.connect() as replica_db:
                    if replica_db.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)).fetchone()[0]:
                        return
            except psycopg.OperationalError as error:
                refused = " ".join(str(error).split())  # still starting
            else:
                refused = None
            if time.monotonic() > deadline:
                raise ReplicaNotReady(f"the replica did not accept connections in {timeout} s ({refused}); "
                                      f"its log ends: {self.log_tail()}" if refused else
                                      f"the replica did not replay up to {target} in {timeout} s")
            time.sleep(0.1)

    def log_tail(self) -> str:
        path = self.base / "server.log"
        return " | ".join(path.read_text().strip().splitlines()[-3:]) if path.exists() else "(no log)"

    def open_transactions(self) -> str:
        """The primary's transactions holding a transaction id, which a starting hot standby may wait for."""
        with self.primary_connection() as primary_db:
            rows = primary_db.execute(
                "SELECT pid, datname, state, date_trunc('second', now() - xact_start) FROM pg_stat_activity "
                "WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid() ORDER BY xact_start").fetchall()
        return "; ".join(f"pid {pid} on {name}, {state} for {age}" for pid, name, state, age in rows) or "none"

    def pause(self):
        """Pause replay and wait until it has stopped (a pause is only requested at first)."""
        with self.connect() as replica_db:
            replica_db.execute("SELECT pg_wal_replay_pause()")
            self._wait(replica_db, "SELECT pg_get_wal_replay_pause_state() = 'paused'", "pause replay")

    def wait_received(self):
        """Until the replica has received (not replayed) everything the primary has written so far: from then on
        an app server can see that it is behind."""
        with self.primary_connection() as primary_db:
            target = primary_db.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        with self.connect() as replica_db:
            self._wait(replica_db, f"SELECT pg_last_wal_receive_lsn() >= '{target}'::pg_lsn", f"receive {target}")

    @staticmethod
    def _wait(replica_db, query: str, what: str, timeout=60):
        deadline = time.monotonic() + timeout
        while not replica_db.execute(query).fetchone()[0]:
            if time.monotonic() > deadline:
                raise AssertionError(f"the replica did not {what} in {timeout} s")
            time.sleep(0.05)

    def resume(self):
        with self.connect() as replica_db:
            replica_db.execute("SELECT pg_wal_replay_resume()")

    def replayed_until(self):
        """The local HH:MM of the last transaction the replica has replayed, as its notice must show it."""
        with self.connect() as replica_db:
            stamp = replica_db.execute("SELECT pg_last_xact_replay_timestamp()").fetchone()[0]
        return timezone.localtime(stamp).strftime("%H:%M")


@pytest.fixture(scope="module")
def replica(django_db_setup, django_db_blocker):
    """A streaming replica of the test server, taken after pytest-django has created the test database."""
    if connection.vendor != "postgresql":
        unavailable("a streaming replica needs PostgreSQL (DATABASE_URL=postgres://...); this run uses "
                    f"{connection.vendor}")
    with django_db_blocker.unblock():
        standby = Replica(connection.settings_dict, connection.settings_dict["NAME"])
    try:
        standby.create()
        try:
            standby.start()
        except ReplicaNotReady as error:
            unavailable(f"{error}. A hot standby opens for reads only when the primary's snapshot allows it; "
                        f"transactions open on the primary now: {standby.open_transactions()}")
        yield standby
    finally:
        standby.remove()


class AppServer:
    """gunicorn serving the app on loopback: the primary for writes, the replica for report reads."""

    def __init__(self, replica: Replica, log: Path):
        self.port, self.log = free_port(), log
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "skm.settings", "DATABASE_URL": self.database_url(),
               "DATABASE_REPLICA_URL": replica.url, "REPLICA_STALE_SECONDS": str(STALE_SECONDS),
               "SKM_VAR_DIR": str(log.parent), "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
               "LOG_LEVEL": "WARNING"}
        with open(log, "wb") as stderr:
            # One worker, so "logged once" means one line. Idle connections are kept longer than the test's
            # pauses: with gunicorn's 2 s a pause of 2 s raced the server's close against the next request on the
            # reused connection ("Remote end closed connection"), a failure of the client's pool, not of the app.
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "skm.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
                 "--threads", "4", "--worker-class", "gthread", "--timeout", "60", "--keep-alive", "30"],
                cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=stderr)
        deadline = time.monotonic() + 30
        while True:
            try:
                with closing(socket.create_connection(("127.0.0.1", self.port), timeout=1)):
                    return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise AssertionError(f"gunicorn did not start: {log.read_text()}") from None
                time.sleep(0.1)

    @staticmethod
    def database_url() -> str:
        """The primary as DATABASE_URL names it, with pytest-django's test database."""
        return urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{connection.settings_dict['NAME']}").geturl()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_lines(self, text: str) -> list[str]:
        return [line for line in self.log.read_text().splitlines() if text in line]

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture
def servers(replica, world, tmp_path):
    """Two app servers: `writes` takes kiosk submissions and paper entry, `reads` the dashboards, documents and
    the public page, as a round-robin proxy would spread them."""
    started = []
    try:
        for name in ("writes", "reads"):
            started.append(AppServer(replica, tmp_path / f"{name}.log"))
        yield tuple(started)
    finally:
        for server in started:
            server.stop()


class Staff:
    """One staff member's browser: one cookie jar for both servers, as behind a proxy."""

    def __init__(self, user):
        client = Client()
        client.force_login(user)
        self.http = requests.Session()
        self.http.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value,
                              domain="127.0.0.1", path="/")

    def get(self, server: AppServer, path: str) -> requests.Response:
        response = self.http.get(server.url + path, timeout=60, allow_redirects=False)
        assert response.status_code < 500, f"{path}: {response.status_code}"
        return response

    def post(self, server: AppServer, path: str, **kwargs) -> requests.Response:
        if "csrftoken" not in self.http.cookies:
            self.get(server, "/accounts/login/")  # a page with a form sets the CSRF cookie
        headers = {"X-CSRFToken": self.http.cookies["csrftoken"], **kwargs.pop("headers", {})}
        response = self.http.post(server.url + path, headers=headers, timeout=60, allow_redirects=False, **kwargs)
        assert response.status_code < 400, f"{path}: {response.status_code} {response.text[:500]}"
        return response


# The figures are read for the last finished quarter (only a finished one can be published), and the kiosk's
# answers are a minute apart, as a counter's citizens are: closer ones would be set aside as too fast.
SURVEY_DAY = Period.containing(timezone.localdate()).previous().start + timedelta(days=14)
_minutes = itertools.count()


def kiosk_post(server: AppServer, token: str, service_id: int, count: int):
    for _ in range(count):
        answered_at = (datetime.combine(SURVEY_DAY, clock(9), tzinfo=timezone.get_current_timezone())
                       + timedelta(minutes=next(_minutes)))
        response = requests.post(f"{server.url}/api/v1/responses", timeout=30, headers={
            "Authorization": f"Kiosk {token}"}, json={
            "key": str(uuid.uuid4()), "service": service_id, "answered_at": answered_at.isoformat(),
            "profile": {"gender": "L", "age": 40, "education": "SMA", "occupation": "Swasta"},
            "answers": {f"U{i}": 3 for i in range(1, 10)}})
        assert response.status_code == 201, response.text


def respondents(page: requests.Response) -> int:
    found = re.search(r'data-testid="respondents">([\d.,]+)<', page.text)
    assert found, page.text[:2000]
    return int(found.group(1).replace(".", "").replace(",", ""))


def notice(page: requests.Response) -> str | None:
    found = NOTICE.search(page.text)
    return found.group(1) if found else None


def paper_sheets(count: int) -> str:
    rows = [{"key": str(uuid.uuid4()), "date": SURVEY_DAY.isoformat(), "service": "1", "gender": "P",
             "age": "34", "education": "4", "occupation": "4", "suggestion": "",
             **{f"U{i}": "4" for i in range(1, 10)}} for _ in range(count)]
    return json.dumps({"rows": rows})


@pytest.fixture
def quarter():
    return Period.containing(SURVEY_DAY)


@pytest.fixture
def kiosk(world):
    return kiosk_create(unit=world.unit, name="Tablet loket", by=world.operator)[1]


def test_two_app_servers_write_to_the_primary_and_read_reports_from_the_replica(replica, servers, world, kiosk,
                                                                                 quarter):
    writes, reads = servers
    bagor = Staff(world.region_admin)
    kiosk_post(writes, kiosk, world.service.id, 3)
    bagor.post(writes, f"/dokumen/daerah/{world.region.code}/publikasi/",
               data={"period": quarter.slug, "action": "publish", "confirmed": "yes"})
    replica.wait_replayed()

    dashboard = f"/dasbor/daerah/{world.region.code}/?period={quarter.slug}"
    assert respondents(bagor.get(reads, dashboard)) == 3
    laporan = bagor.get(reads, f"/dokumen/unit/{world.unit.code}/laporan.pdf?period={quarter.slug}")
    assert world.unit.name in "".join(page.extract_text() for page in PdfReader(BytesIO(laporan.content)).pages)
    table = bagor.get(reads, f"/dokumen/unit/{world.unit.code}/tabel-pengolahan.xlsx?period={quarter.slug}")
    assert load_workbook(BytesIO(table.content)).worksheets
    public = requests.get(f"{reads.url}/hasil/{world.region.code}/{quarter.slug}/", timeout=30)
    assert public.status_code == 200 and world.unit.name in public.text

    # The report server's figures really come from the replica: with replay paused they stop moving, and the
    # page says how old they are.
    replica.pause()
    try:
        kiosk_post(writes, kiosk, world.service.id, 2)
        replica.wait_received()
        assert respondents(bagor.get(reads, dashboard)) == 3  # the server sees the replica fall behind from here
        time.sleep(STALE_SECONDS + 1)
        until = replica.replayed_until()
        page = bagor.get(reads, dashboard)
        assert respondents(page) == 3
        assert notice(page) == until
        # The public page shows the publication's frozen figures, whichever database it reads them from.
        public = requests.get(f"{reads.url}/hasil/{world.region.code}/{quarter.slug}/", timeout=30)
        assert public.status_code == 200 and world.unit.name in public.text and notice(public) is None
        english = bagor.http.get(reads.url + dashboard, timeout=30, cookies={settings.LANGUAGE_COOKIE_NAME: "en"})
        assert f"hold data up to {until};" in english.text
        # A cookie that claims a write without the server's signature is ignored.
        forged = bagor.http.get(reads.url + dashboard, timeout=30, cookies={"skm_wrote": "FFFFFFFF/FFFFFFFF"})
        assert forged.status_code == 200 and notice(forged) == until
    finally:
        replica.resume()
    replica.wait_replayed()
    page = bagor.get(reads, dashboard)
    assert respondents(page) == 5
    assert notice(page) is None
    assert Response.objects.count() == 5


def test_a_staff_member_sees_their_own_writes_at_once_and_others_see_the_replica_with_its_age(
        replica, servers, world, kiosk, quarter):
    writes, reads = servers
    operator, camat, bagor = Staff(world.operator), Staff(world.agency_admin), Staff(world.region_admin)
    kiosk_post(writes, kiosk, world.service.id, 2)
    replica.wait_replayed()
    unit_dashboard = f"/dasbor/unit/{world.unit.code}/?period={quarter.slug}"
    assert respondents(camat.get(reads, unit_dashboard)) == 2

    replica.pause()
    try:
        # Paper sheets keyed in through one server, the dashboard opened through the other.
        saved = operator.post(writes, f"/staf/unit/{world.unit.code}/kertas/simpan/", data=paper_sheets(3),
                              headers={"Content-Type": "application/json"})
        assert saved.json()["stored"] == 3
        replica.wait_received()
        assert respondents(operator.get(reads, unit_dashboard)) == 5

        # An exclusion by the region admin: the figures they see next leave the response out at once.
        excluded = Response.objects.filter(channel="kiosk").first()
        bagor.post(writes, f"/kelola/daerah/{world.region.code}/isian-berulang/{excluded.id}/",
                   data={"exclude": "1", "period": quarter.slug})
        assert respondents(bagor.get(reads, unit_dashboard)) == 4

        # A publication: the public page the region admin opens next is read from the primary as well.
        bagor.post(writes, f"/dokumen/daerah/{world.region.code}/publikasi/",
                   data={"period": quarter.slug, "action": "publish", "confirmed": "yes"})
        public = bagor.get(reads, f"/hasil/{world.region.code}/{quarter.slug}/")
        assert public.status_code == 200 and re.search(r'<td class="text-end">4</td>', public.text)

        # An import, and a follow-up plan, each by another operator of the unit.
        importer, planner = Staff(make_user("pengimpor", world.unit)), Staff(make_user("perencana", world.unit))
        workbook = xlsx([[SURVEY_DAY.isoformat(), 1, "L", 30, "5", "1", *[3] * 9, None]] * 2)
        importer.post(writes, f"/staf/unit/{world.unit.code}/impor/", files={"file": ("jawaban.xlsx", workbook)})
        confirmed = importer.post(writes, f"/staf/unit/{world.unit.code}/impor/konfirmasi/",
                                  data={"sha256": hashlib.sha256(workbook).hexdigest()})
        assert confirmed.status_code == 302 and Response.objects.filter(channel="import").count() == 2
        assert respondents(importer.get(reads, unit_dashboard)) == 6
        element = world.unit.questionnaire.elements.order_by("position").first()
        planned = planner.post(writes, f"/dasbor/unit/{world.unit.code}/rtl/?period={quarter.slug}", data={
            "element": element.id, "action": "Menambah kursi ruang tunggu.", "responsible": "Kasi Pelayanan",
            "due_date": quarter.end.isoformat(), "status_date": quarter.end.isoformat()})
        assert planned.status_code == 302

        # The replica is now behind by more than the bound; every writer still reads the primary, without notice.
        time.sleep(STALE_SECONDS + 1)
        for writer in (operator, bagor, importer, planner):
            page = writer.get(reads, unit_dashboard)
            assert respondents(page) == 6
            assert notice(page) is None

        # Someone who wrote nothing reads the replica, which is behind, and is told how far.
        until = replica.replayed_until()
        page = camat.get(reads, unit_dashboard)
        assert respondents(page) == 2
        assert notice(page) == until
    finally:
        replica.resume()
    replica.wait_replayed()
    page = camat.get(reads, unit_dashboard)
    assert respondents(page) == 6
    assert notice(page) is None


def test_with_the_replica_down_every_report_answers_from_the_primary_and_the_replica_is_used_again(
        replica, servers, world, kiosk, quarter):
    writes, reads = servers
    camat, bagor = Staff(world.agency_admin), Staff(world.region_admin)
    kiosk_post(writes, kiosk, world.service.id, 2)
    publication_publish(region=world.region, period=quarter, user=world.region_admin)
    replica.wait_replayed()
    assert respondents(camat.get(reads, f"/dasbor/unit/{world.unit.code}/?period={quarter.slug}")) == 2

    replica.stop()
    try:
        kiosk_post(writes, kiosk, world.service.id, 1)
        q = f"?period={quarter.slug}"
        unit, agency, region = world.unit.code, world.agency.code, world.region.code
        for path in (f"/dasbor/unit/{unit}/{q}", f"/dasbor/opd/{agency}/{q}"):
            assert respondents(camat.get(reads, path)) == 3, path
        assert respondents(bagor.get(reads, f"/dasbor/daerah/{region}/{q}")) == 3
        for staff, path in [
            (camat, f"/dasbor/unit/{unit}/saran/{q}"), (camat, f"/dasbor/opd/{agency}/saran/{q}"),
            (bagor, f"/dasbor/daerah/{region}/saran/{q}"), (camat, f"/dasbor/unit/{unit}/rtl/{q}"),
            (camat, f"/dokumen/unit/{unit}/laporan.pdf{q}"), (camat, f"/dokumen/opd/{agency}/laporan.pdf{q}"),
            (camat, f"/dokumen/unit/{unit}/evaluasi.pdf{q}"), (camat, f"/dokumen/opd/{agency}/evaluasi.pdf{q}"),
            (camat, f"/dokumen/unit/{unit}/tabel-pengolahan.xlsx{q}"),
            (camat, f"/dokumen/opd/{agency}/tabel-pengolahan.xlsx{q}"),
            (camat, f"/dokumen/unit/{unit}/responden.xlsx{q}"), (bagor, f"/dokumen/daerah/{region}/rekap/{q}"),
            (bagor, f"/dokumen/daerah/{region}/publikasi/"),
        ]:
            assert staff.get(reads, path).status_code == 200, path
        for path in ("/hasil/", f"/hasil/{region}/", f"/hasil/{region}/{quarter.slug}/",
                     f"/hasil/{region}/{quarter.slug}/{unit}/", f"/hasil/{region}/{quarter.slug}/{unit}/hasil-skm.pdf"):
            assert requests.get(reads.url + path, timeout=60).status_code == 200, path
        # The public page shows the publication's frozen figures: the answer that came after it is not there.
        public = requests.get(f"{reads.url}/hasil/{region}/{quarter.slug}/", timeout=30).text
        assert re.search(r'<td class="text-end">2</td>', public)
        health = requests.get(f"{reads.url}/health", timeout=30)
        assert health.status_code == 200
        assert health.json()["checks"]["replica"].startswith("replica down")
        assert len(reads.log_lines("replica down")) == 1, reads.log.read_text()
    finally:
        replica.start()

    # Back: after the retry interval, pages read the replica again (with replay paused, the figures stop where
    # it is and the page says so), and /health says ok once it has caught up.
    time.sleep(RETRY_SECONDS + 0.5)
    replica.pause()
    try:
        kiosk_post(writes, kiosk, world.service.id, 1)
        replica.wait_received()
        assert respondents(camat.get(reads, f"/dasbor/unit/{world.unit.code}/?period={quarter.slug}")) == 3
        time.sleep(STALE_SECONDS + 1)
        page = camat.get(reads, f"/dasbor/unit/{world.unit.code}/?period={quarter.slug}")
        assert respondents(page) == 3
        assert notice(page) == replica.replayed_until()
    finally:
        replica.resume()
    replica.wait_replayed()
    assert requests.get(f"{reads.url}/health", timeout=30).json()["checks"]["replica"] == "ok"
    assert len(reads.log_lines("replica back")) == 1, reads.log.read_text()
    assert len(reads.log_lines("replica down")) == 1
