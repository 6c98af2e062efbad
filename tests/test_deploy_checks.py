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
