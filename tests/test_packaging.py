"""`pip install .`, the deployment step, gives a complete SKM: a wheel built from the source and installed into a
fresh virtualenv in a temporary folder, far from the checkout, passes `django-admin check`, migrates and serves
the login and kiosk pages with their static files and (when compiled) the English translation."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.packaging

CHECKOUT = Path(settings.BASE_DIR)
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "var", "build", "*.egg-info", "__pycache__", "*.pyc",
                                    "test-results", ".hypothesis", ".pytest_cache")

# Runs inside the installed copy: renders pages through Django's test client and reports what it saw.
RENDER = """
import json, django
django.setup()
import skm
from django.test import Client
from django.utils.translation import gettext
client = Client()
login, kiosk = client.get("/accounts/login/"), client.get("/kiosk/")
script = client.get("/static/surveys/kiosk.js")
client.cookies["django_language"] = "en"
english = client.get("/accounts/login/")
print(json.dumps({
    "skm": skm.__file__,
    "login": [login.status_code, login.content.decode()],
    "kiosk": [kiosk.status_code, kiosk.content.decode()],
    "script": [script.status_code, b"".join(script.streaming_content).decode()],
    "english": english.content.decode(),
}))
"""


def run(command, **kwargs):
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh virtualenv holding only the wheel built from a copy of the source, and its dependencies."""
    base = tmp_path_factory.mktemp("pip-install")
    source = base / "source"
    shutil.copytree(CHECKOUT, source, ignore=NOT_SOURCE)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(base / "wheels"),
         str(source)])
    shutil.rmtree(source)  # nothing of the source is left to import from
    venv = base / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    (wheel,) = (base / "wheels").glob("skm-*.whl")
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)])
    workdir = base / "run"
    workdir.mkdir()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO", "PYTHON", "DATABASE", "SKM_", "VIRTUAL_ENV"))}
    env.update(DJANGO_SETTINGS_MODULE="skm.settings", DATABASE_URL="", SKM_VAR_DIR=str(base / "var"),
               ALLOWED_HOSTS="testserver")
    return venv, workdir, env


def test_the_installed_wheel_passes_the_system_checks(installed):
    venv, workdir, env = installed
    assert "no issues" in run([str(venv / "bin" / "django-admin"), "check"], cwd=workdir, env=env)


def test_the_installed_wheel_migrates_and_serves_the_login_and_kiosk_pages(installed):
    venv, workdir, env = installed
    run([str(venv / "bin" / "django-admin"), "migrate", "--noinput", "-v", "0"], cwd=workdir, env=env)
    assert (Path(env["SKM_VAR_DIR"]) / "skm.sqlite3").stat().st_size > 0
    seen = json.loads(run([str(venv / "bin" / "python"), "-c", RENDER], cwd=workdir, env=env))

    assert Path(seen["skm"]).is_relative_to(venv)
    status, page = seen["login"]
    assert status == 200 and "Masuk ke SKM" in page and 'name="password"' in page
    status, page = seen["kiosk"]
    assert status == 200 and "/static/surveys/kiosk.js" in page
    status, script = seen["script"]
    assert status == 200 and script == (CHECKOUT / "static" / "surveys" / "kiosk.js").read_text()
    if (CHECKOUT / "locale" / "en" / "LC_MESSAGES" / "django.mo").exists():  # `make messages` compiled it
        assert "Sign in" in seen["english"] and "Masuk ke SKM" not in seen["english"]
