"""``manage.py check --deploy`` under production settings reports nothing (issue 2, point 4)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "HEARTH_MODE": "production",
    "SECRET_KEY": "a-long-random-production-like-key-" + "x9Qz" * 12,
    "ALLOWED_HOSTS": "hearth.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
    "HEARTH_ENV_FILE": "/dev/null",  # not the developer's demo .env
}


def run_check_deploy(**overrides: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "HEARTH_MODE"}}
    env.update(PRODUCTION_ENV)
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings() -> None:
    result = run_check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_demo_mode_weakens_production() -> None:
    # The same check catches a weakened configuration: demo mode has no HTTPS redirect,
    # no secure cookies, no HSTS, and lets demo accounts skip two factors.
    result = run_check_deploy(HEARTH_MODE="demo")
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "hearth.W006"):
        assert warning in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "HEARTH_MODE"}}
    env.update(
        {
            "HEARTH_MODE": "production",
            "ALLOWED_HOSTS": "hearth.example.org",
            "HEARTH_ENV_FILE": "/dev/null",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_fails_with_a_cache_each_worker_keeps_alone() -> None:
    # Lockouts are counted in the cache: with one per process, two workers allow twice
    # the failed sign-ins (issue 11 §2).
    for url in ("locmemcache://hearth", "dummycache://"):
        result = run_check_deploy(CACHE_URL=url)
        assert result.returncode != 0, url
        assert "hearth.W008" in result.stderr + result.stdout


def test_the_default_cache_is_shared_by_every_process(tmp_path: Path) -> None:
    """Two processes (two web workers) see the same count, in the database cache that
    production and the demo use unless CACHE_URL says otherwise."""
    env = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "HEARTH_MODE"}}
    env.update(
        {
            "HEARTH_MODE": "demo",
            "HEARTH_ENV_FILE": "/dev/null",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'hearth.sqlite3'}",
        }
    )

    def shell(command: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""

    # The table accounts' migration makes (migrating everything here would be slow).
    shell(
        "from django.core.management import call_command; "
        "call_command('createcachetable', 'hearth_cache')"
    )
    count = "from django.core.cache import cache; cache.add('failures', 0); "
    assert shell(count + "print(cache.incr('failures'))") == "1"
    assert shell(count + "print(cache.incr('failures'))") == "2"
    assert shell(
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    ) == ("django.core.cache.backends.db.DatabaseCache")
