"""A production install never accepts the README's demo credentials: seed_demo refuses there (or generates
new secrets with --allow-production-demo) and `check --deploy` fails while a demo credential works."""

import io
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.checks import run_checks
from django.core.management import call_command
from django.test import Client

from agencies import demo
from agencies.checks import demo_credentials_active
from pulse.demo import PULSE_TOKEN
from surveys.models import Kiosk
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[1]


def production_env(tmp_path) -> dict:
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # conftest's
    return {**inherited, "DJANGO_SETTINGS_MODULE": "skm.settings_production", "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "skm.example.go.id", "DATABASE_URL": f"sqlite:///{tmp_path / 'skm.sqlite3'}",
            "SKM_VAR_DIR": str(tmp_path), "DEBUG": ""}


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def demo_errors() -> list[str]:
    return [message.msg for message in run_checks(include_deployment_checks=True) if message.id == "skm.E001"]


def test_seed_demo_refuses_to_run_under_production_settings(tmp_path):
    env = production_env(tmp_path)
    assert manage(env, "migrate", "--noinput", "-v", "0").returncode == 0

    refused = manage(env, "seed_demo", "--responses", "50")

    assert refused.returncode != 0
    assert "refuses to run under production settings" in refused.stderr
    assert "--allow-production-demo" in refused.stderr
    users = manage(env, "shell", "-c", "from django.contrib.auth.models import User; print(User.objects.count())")
    assert users.stdout.strip().splitlines()[-1] == "0"  # nothing was created
    # And the deploy check of that install is clean.
    check = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "System check identified no issues" in check.stdout


@pytest.mark.django_db
def test_with_the_flag_it_generates_every_secret_and_prints_it_once(settings):
    settings.SKM_PRODUCTION, settings.DEBUG = True, False
    out = io.StringIO()

    call_command("seed_demo", "--allow-production-demo", responses=200, seed=3, stdout=out)

    printed = out.getvalue()
    assert demo.PASSWORD not in printed and demo.KIOSK_TOKEN not in printed and PULSE_TOKEN not in printed
    passwords = dict(re.findall(r"^  ([a-z-]+): (\S+)$", printed, flags=re.M))
    users = {user.username: user for user in get_user_model().objects.all()}
    assert set(users) == {user.username for user in demo.DEMO_USERS}
    for username, user in users.items():
        assert user.check_password(passwords[username]) and not user.check_password(demo.PASSWORD)
    assert len(set(passwords.values())) == len(users)  # one secret each
    kiosk_token = re.search(r"demo kiosk token \(disdukcapil-loket\): (\S+)", printed)[1]
    pulse_token = re.search(r"demo pulse kiosk token \(disdukcapil-loket\): (\S+)", printed)[1]
    assert Kiosk.for_token(kiosk_token) is not None and Kiosk.for_token(pulse_token) is not None
    assert Kiosk.for_token(demo.KIOSK_TOKEN) is None and Kiosk.for_token(PULSE_TOKEN) is None
    assert demo_credentials_active() == [] and demo_errors() == []
    welcome = io.StringIO()
    call_command("demo_welcome", stdout=welcome)
    assert demo.PASSWORD not in welcome.getvalue() and "printed once" in welcome.getvalue()
    # The published password opens nothing; the printed one opens the superuser's admin.
    assert Client().post("/accounts/login/", {"username": "admin", "password": demo.PASSWORD}).status_code == 200
    assert Client().post("/accounts/login/", {"username": "admin", "password": passwords["admin"]}).status_code == 302


@pytest.mark.django_db
def test_the_deploy_check_fails_while_any_demo_credential_is_active():
    call_command("seed_demo", responses=100, seed=3, stdout=io.StringIO())  # a development demo

    errors = demo_errors()

    assert len(errors) == 1
    for found in ("'demo-kiosk-sukamaju'", "'demo-pulse-sukamaju'", "user 'admin'", "user 'operator-ktp'"):
        assert found in errors[0]
    for kiosk in Kiosk.objects.all():
        kiosk.revoked_at = kiosk.created_at
        kiosk.save()
    for user in get_user_model().objects.all():
        user.set_password(secrets.token_urlsafe(12))
        user.save()
    assert demo_errors() == []
    # Any active account with the demo password counts, not only the demo names; an inactive one does not.
    copied = make_user("kasubag", password=demo.PASSWORD)
    assert "user 'kasubag' has the demo password" in demo_errors()[0]
    copied.is_active = False
    copied.save()
    assert demo_errors() == []
