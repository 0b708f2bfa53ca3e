import os
import shutil
import threading
from dataclasses import dataclass

import pytest
from django.core.cache import caches
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test import testcases
from django.utils import translation

from surveys.kiosk import kiosk_create
from surveys.models import KioskMode
from tests.factories import make_agency, make_region, make_service, make_unit, make_user

# Playwright's sync API runs an event loop in the test thread; the ORM calls browser tests make around it
# (fixtures, database setup, assertions) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server's, answering one request at a time while its threads share the test's in-memory SQLite
    connection: a page's background request (the region dashboard's second one) overlapping the next navigation
    would otherwise use that one connection from two threads at once, which can hang both."""

    lock = threading.Lock()

    def get_app(self):
        app = super().get_app()
        if not self.connections_override:  # each thread has its own connection (PostgreSQL)
            return app

        def one_at_a_time(environ, start_response):
            with self.lock:
                return app(environ, start_response)

        return one_at_a_time


testcases.LiveServerThread.server_class = OneRequestAtATimeServer


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """While that event loop runs, Django hands out other connection objects than the ones the test
    databases were set up with, and serialized_rollback would silently find nothing to restore (the
    questionnaires of the data migration). Let every connection object of the backend find the data."""
    for connection in connections.all(initialized_only=True):
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings, tmp_path):
    """Background tasks run inside the test, and the files they store land in a temporary folder."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # A fast hasher: the tests create many users; real hashing is Django's own concern.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # kiosks, forms and rate-limit counters live in the cache, figures in their own: every test starts without them
    for name in ("default", "figures"):
        caches[name].clear()
    yield
    for name in ("default", "figures"):
        caches[name].clear()
    # A request in English leaves the thread's language active; the next test starts in the default again.
    translation.activate(settings.LANGUAGE_CODE)


def pytest_addoption(parser):
    parser.addoption("--soak", action="store_true", help="run the long fault-injection test (make soak)")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    return {
        **browser_type_launch_args,
        "executable_path": chromium,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    }


@dataclass
class World:
    """Two regions; in the first, two agencies (one with a sub-agency) with units and staff of every role.

    region_admin: the whole first region. agency_admin: agency (and its sub-agency). other_agency_admin:
    other_agency only. operator: unit only. stranger: region admin of the second region. nobody: no role.
    """

    region: object
    other_region: object
    agency: object
    sub_agency: object
    other_agency: object
    far_agency: object
    unit: object
    sub_unit: object
    other_unit: object
    far_unit: object
    service: object
    region_admin: object
    agency_admin: object
    other_agency_admin: object
    operator: object
    stranger: object
    nobody: object


@pytest.fixture
def world(db):
    region = make_region("kota-uji", name="Kota Uji")
    other_region = make_region("kota-lain", name="Kota Lain")
    agency = make_agency(region, "kecamatan-uji", name="Kecamatan Uji", kind="kecamatan")
    sub_agency = make_agency(region, "kelurahan-uji", name="Kelurahan Uji", kind="kelurahan", parent=agency)
    other_agency = make_agency(region, "dinas-lain", name="Dinas Lain")
    far_agency = make_agency(other_region, "dinas-jauh", name="Dinas Jauh")
    unit = make_unit(agency, "loket-kecamatan", name="Loket Kecamatan")
    sub_unit = make_unit(sub_agency, "loket-kelurahan", name="Loket Kelurahan")
    other_unit = make_unit(other_agency, "loket-dinas", name="Loket Dinas")
    far_unit = make_unit(far_agency, "loket-jauh", name="Loket Jauh")
    service = make_service(unit, "Surat Keterangan")
    for other in (sub_unit, other_unit, far_unit):
        make_service(other)
    return World(
        region=region, other_region=other_region, agency=agency, sub_agency=sub_agency,
        other_agency=other_agency, far_agency=far_agency, unit=unit, sub_unit=sub_unit, other_unit=other_unit,
        far_unit=far_unit, service=service,
        region_admin=make_user("bagor", region), agency_admin=make_user("camat", agency),
        other_agency_admin=make_user("kadis", other_agency), operator=make_user("operator", unit),
        stranger=make_user("bagor-lain", other_region), nobody=make_user("tamu"),
    )


@pytest.fixture
def pulse_kiosk(world):
    """A kiosk of the world's unit in daily pulse mode: (kiosk, token)."""
    return kiosk_create(unit=world.unit, name="Tablet ruang tunggu", by=world.operator, mode=KioskMode.PULSE)


@pytest.fixture
def frozen(monkeypatch):
    """frozen(instant) stops the clock there: timezone.now, and so localdate and a region's today."""
    from django.utils import timezone

    def freeze(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)
    return freeze
