import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_manage(*args, **env):
    # Only the variables a real deployment would have: none of the test run's own settings.
    environment = {k: v for k, v in os.environ.items()
                   if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}}
    environment.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_production_settings_pass_the_deploy_check(tmp_path):
    # A fresh production database of its own: the checkout's may hold the demo, whose credentials must fail it.
    production = {"DJANGO_SETTINGS_MODULE": "skm.settings_production", "ALLOWED_HOSTS": "skm.example.go.id",
                  "SECRET_KEY": "q8Vw3-zL0pR7tY2uX9bN4mK6jH1gF5dS0aZ8cE3vB7nM2xQ4wT",
                  "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}"}
    migrated = run_manage("migrate", "--noinput", "-v", "0", **production)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **production)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="skm.settings_production", SECRET_KEY="")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr
