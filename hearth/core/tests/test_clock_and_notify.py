"""The clock tells London time when asked; mail leaves only once its change is committed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from hearth.core import clock
from hearth.core.notify import Message, send_after_commit


def test_the_clock_is_aware_and_local_time_follows_british_summer_time() -> None:
    with time_machine.travel(dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        assert clock.now().tzinfo is not None
        assert clock.local_now().hour == 13
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        assert clock.local_now().hour == 12


@pytest.mark.django_db(transaction=True)
def test_mail_is_sent_after_commit_and_never_after_a_rollback() -> None:
    message = Message(to=["front-door@northshire.example"], subject="New notification", body="x")
    with transaction.atomic():
        send_after_commit(message)
        assert mail.outbox == []
    assert [m.subject for m in mail.outbox] == ["New notification"]

    def failing_change() -> None:
        with transaction.atomic():
            send_after_commit(message)
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    assert len(mail.outbox) == 1
