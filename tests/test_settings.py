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


def test_the_cache_is_in_memory_unless_cache_url_names_a_redis_server():
    show = "from django.conf import settings; print(sorted((n, c['BACKEND'], c['LOCATION']) for n, c in " \
           "settings.CACHES.items()))"
    default = run_manage("shell", "-c", show, DATABASE_URL="")
    assert default.returncode == 0, default.stderr
    assert default.stdout.count("LocMemCache") == 2 and "'figures'" in default.stdout
    redis = run_manage("shell", "-c", show, DATABASE_URL="", CACHE_URL="redis://cache.example:6379/1")
    assert redis.returncode == 0, redis.stderr
    assert redis.stdout.count("RedisCache") == 2 and redis.stdout.count("redis://cache.example:6379/1") == 2
