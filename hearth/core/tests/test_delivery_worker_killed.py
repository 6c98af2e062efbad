"""Done when (issue 11): a delivery worker killed mid-batch (a subprocess, ``SIGKILL``)
against a real local SMTP server loses nothing. A second worker delivers every message,
none is left queued, and at most one arrives twice, with the same ``Message-ID``.

The worker runs as ``manage.py deliver_messages --every`` in its own process, against the
test database: on PostgreSQL the test database itself (this test commits its rows); on
SQLite, whose test database lives in this process's memory, a file copy of it, read back
from the file. The server holds the fifth message unanswered and the worker is killed
then, in the middle of its second batch: one message handed to the server but not yet
recorded (it will be sent again: the one duplicate), three claimed but not sent.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from hearth.core.models import OutboundMessage
from hearth.core.notify import Message, send
from hearth.core.tests.smtp import smtp_server

MESSAGES = 12
BATCH = 4
KILL_AT = 5  # the fifth message is in the server's hands when the worker is killed
LEASE_SECONDS = 2
TIMEOUT = 90.0


def _wait_for(what: str, ready: Callable[[], bool], worker: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not ready():
        if worker.poll() is not None:
            pytest.fail(f"the worker stopped (exit {worker.returncode}) before {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


@dataclass(frozen=True)
class Shared:
    """The DATABASE_URL a worker process uses to reach this test's committed rows, how to
    make them reachable there (``publish``) and how to read the outbox's (Message-ID,
    status) pairs back."""

    url: str
    publish: Callable[[], None]
    rows: Callable[[], list[tuple[str, str]]]


@pytest.fixture
def database(tmp_path: Path) -> Shared:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        return Shared(
            url=f"postgres://{auth}@{host}/{db['NAME']}",
            publish=lambda: None,  # committed rows are there already
            rows=lambda: list(OutboundMessage.objects.values_list("message_id", "status")),
        )
    assert connection.vendor == "sqlite"
    path = tmp_path / "outbox.sqlite3"

    def publish() -> None:
        connection.ensure_connection()
        with closing(sqlite3.connect(path)) as copy:
            connection.connection.backup(copy)

    def rows_in_file() -> list[tuple[str, str]]:
        with closing(sqlite3.connect(path, timeout=20)) as file:
            found = file.execute("SELECT message_id, status FROM core_outboundmessage")
            return [(str(m), str(s)) for m, s in found.fetchall()]

    return Shared(url=f"sqlite:///{path}", publish=publish, rows=rows_in_file)


def _start_worker(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HEARTH_MODE": "test",
        "DATABASE_URL": url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_TIMEOUT": "10",
        "HEARTH_DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
        "HEARTH_DELIVERY_BATCH_SIZE": str(BATCH),
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "manage.py", "deliver_messages", "--every", "0.1"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _stop(worker: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if worker.poll() is None:
        worker.send_signal(sig)
        worker.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_nothing_and_sends_at_most_one_duplicate(
    database: Shared, tmp_path: Path
) -> None:
    url, rows = database.url, database.rows
    with smtp_server() as (mailbox, port):
        mailbox.delay = 0.05
        mailbox.hold_at = KILL_AT  # unanswered until the worker has been killed
        for n in range(MESSAGES):
            send(Message(to=[f"team{n}@example.org"], subject=f"Alert {n}", body="Open Hearth."))
        database.publish()
        recorded = dict(rows())
        assert len(recorded) == MESSAGES and set(recorded.values()) == {"queued"}

        log = tmp_path / "worker.log"
        first = _start_worker(url, port, log)
        try:
            _wait_for("the fifth message", lambda: mailbox.count() >= KILL_AT, first)
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            _stop(first, signal.SIGKILL)
            mailbox.release.set()
        # Killed mid-batch: the held message and the rest of its batch are claimed, not sent.
        left = [status for _, status in rows()]
        assert left.count("sending") == BATCH, (left, log.read_text())
        assert left.count("sent") == KILL_AT - 1
        assert mailbox.count() == KILL_AT

        second = _start_worker(url, port, log)
        try:
            _wait_for(
                "every message to be recorded as sent",
                lambda: {status for _, status in rows()} == {"sent"},
                second,
            )
        finally:
            _stop(second)

        final = dict(rows())
        arrived = mailbox.message_ids()
    assert set(final.values()) == {"sent"}, log.read_text()
    # Every message arrived, under the Message-ID it was recorded with...
    assert set(arrived) == set(recorded) == set(final)
    # ...and at most one of them twice: the one in the server's hands at the kill, sent
    # again with the same Message-ID (so here exactly one, under its one Message-ID).
    assert sum(arrived.values()) - MESSAGES == 1, arrived
    assert sorted(arrived.values()) == [1] * (MESSAGES - 1) + [2], arrived
