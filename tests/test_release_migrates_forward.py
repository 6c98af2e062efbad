"""The demo database made by the last release migrates forward without losing a row
(issue 12: Operation Encompass's tables changed app).

``fixtures/demo-43733bc.sql.gz`` is the SQLite demo database (`make run`'s default) that
`migrate` and `seed_demo` made at commit 43733bc, the last one before the ledger became a
core with routes: made-up people only. The test loads it into a new file, runs this
release's `migrate` on it in a separate process, and checks that every row of the moved
tables is still there and read through their new app, and that the app's pages work on it.
"""

from __future__ import annotations

import gzip
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "demo-43733bc.sql.gz"
ROOT = Path(__file__).resolve().parent.parent
MOVED = (
    "obligations_encompassnotification",
    "obligations_encompasschild",
    "obligations_encompasssettings",
)
KEPT = (
    "obligations_obligation",
    "obligations_deadline",
    "obligations_maracreferral",
    "obligations_childassessment",
    "people_person",
    "incidents_incident",
)

READ_BACK = """
from hearth.encompass.models import EncompassChild, EncompassNotification, EncompassSettings
from hearth.obligations.models import Obligation
from hearth.obligations import registry
notifications = EncompassNotification.objects.select_related("obligation")
print(notifications.count(), EncompassChild.objects.count(), EncompassSettings.objects.count())
print(sorted({n.obligation.get_route_display() for n in notifications}))
print(sorted({o.route for o in Obligation.objects.all()} - set(registry.route_keys())))
"""


def _counts(path: Path, tables: tuple[str, ...]) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}  # noqa: S608


def _manage(path: Path, *args: str) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{path}",
        "HEARTH_MODE": "demo",
        "SECRET_KEY": "test-only-release-migration",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_the_last_releases_demo_database_migrates_forward_without_losing_a_row(
    tmp_path: Path,
) -> None:
    path = tmp_path / "release-demo.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(gzip.decompress(FIXTURE.read_bytes()).decode())
    before = _counts(path, MOVED + KEPT)
    assert before["obligations_encompassnotification"] > 0  # the demo has notifications

    plan = _manage(path, "migrate", "--plan")
    assert "encompass.0001_initial" in plan and "obligations.0004_encompass_moved_out" in plan
    _manage(path, "migrate", "--noinput")

    assert _counts(path, MOVED + KEPT) == before
    notifications, children, settings = before[MOVED[0]], before[MOVED[1]], before[MOVED[2]]
    lines = _manage(path, "shell", "-c", READ_BACK).strip().splitlines()[-3:]
    assert lines == [
        f"{notifications} {children} {settings}",
        "['Operation Encompass notification']",
        "[]",  # every stored route is a registered one
    ]
    # Nothing is left for makemigrations to do on the migrated database.
    _manage(path, "makemigrations", "--check", "--dry-run")


@pytest.mark.parametrize("table", MOVED)
def test_the_moved_models_keep_their_tables(table: str) -> None:
    from django.apps import apps

    tables = {m._meta.db_table for m in apps.get_app_config("encompass").get_models()}
    assert table in tables
