"""The outbox's delivery worker against a real SMTP server (aiosmtpd, in the test process):
messages arrive once with their stored Message-ID; a server that refuses, then accepts,
gets the message on retry after the backoff; after the last attempt the message is
undeliverable; a worker stopped between claiming and sending leaves the message to be
claimed again once its lease runs out (issue 11 point 1)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from hearth.core import delivery
from hearth.core.delivery import claim, deliver_due
from hearth.core.models import Channel, OutboundMessage, UnsafeContact
from hearth.core.notify import Message, send
from hearth.core.tests.smtp import Mailbox, smtp_server, smtp_settings

TEAM = "front-door@northshire.example"
DSL = "dsl@ashcombe.example"
NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
TRY_LATER = "451 4.3.0 Try again later"

Status = OutboundMessage.Status


@pytest.fixture
def server() -> Iterator[Mailbox]:
    with smtp_server() as (mailbox, port), override_settings(**smtp_settings(port)):
        yield mailbox


def alert(*to: str) -> Message:
    return Message(
        to=list(to),
        subject="New child concern notification",
        body="Sign in to Hearth to see it.",
        about=("obligations.obligation", "12"),
        purpose="child_concern_notification",
        sender_agency_id=1,
        sender_team_id=2,
    )


def at(minutes: float) -> time_machine.travel:
    return time_machine.travel(NOW + dt.timedelta(minutes=minutes), tick=False)


@pytest.mark.django_db
def test_each_message_arrives_once_with_the_message_id_it_was_recorded_with(
    server: Mailbox,
) -> None:
    result = send(alert(TEAM, DSL))
    report = deliver_due()
    deliver_due()  # running again sends nothing again
    assert (report.claimed, report.delivered) == (2, 2)
    records = OutboundMessage.objects.filter(pk__in=result.message_ids)
    assert {r.status for r in records} == {Status.SENT}
    assert server.message_ids() == {r.message_id: 1 for r in records}
    assert sorted(r.to[0] for r in server.received) == sorted([TEAM, DSL])
    assert all(r.body.strip() == "Sign in to Hearth to see it." for r in server.received)


@pytest.mark.django_db
def test_a_server_that_refuses_then_accepts_gets_the_message_on_retry_after_the_backoff(
    server: Mailbox,
) -> None:
    server.replies = [TRY_LATER]
    with at(0):
        (pk,) = send(alert(TEAM)).message_ids
        deliver_due()
    record = OutboundMessage.objects.get(pk=pk)
    assert (record.status, record.attempts, record.last_error) == (
        Status.FAILED,
        1,
        "SMTPDataError",
    )
    assert record.next_attempt_at == NOW + dt.timedelta(minutes=1)
    assert record.body  # kept: it will be sent again

    with at(0.5):
        assert deliver_due().claimed == 0  # not before its wait is over
    with at(1):
        deliver_due()
    record.refresh_from_db()
    assert (record.status, record.attempts, record.sent_at) == (
        Status.SENT,
        2,
        NOW + dt.timedelta(minutes=1),
    )
    assert server.message_ids() == {record.message_id: 1}


@pytest.mark.django_db
def test_after_the_last_attempt_the_message_is_undeliverable_and_its_body_is_not_kept(
    server: Mailbox,
) -> None:
    server.refuse_data = TRY_LATER
    with at(0):
        (pk,) = send(alert(TEAM)).message_ids
    waits = [1, 5, 15, 60, 240]
    elapsed = 0.0
    for attempt, wait in enumerate([0, *waits], start=1):
        elapsed += wait
        with at(elapsed):
            deliver_due()
        record = OutboundMessage.objects.get(pk=pk)
        assert record.attempts == attempt
    assert (record.status, record.last_error, record.body) == (
        Status.UNDELIVERABLE,
        "SMTPDataError",
        "",
    )
    assert record.next_attempt_at is None
    with at(elapsed + 10_000):
        assert deliver_due().claimed == 0  # given up: never tried again
    assert server.count() == 0


@pytest.mark.django_db
@override_settings(HEARTH_DELIVERY_BACKOFF_MINUTES=[2, 3])
def test_the_backoff_and_the_number_of_attempts_come_from_the_settings(server: Mailbox) -> None:
    server.refuse_data = TRY_LATER
    with at(0):
        (pk,) = send(alert(TEAM)).message_ids
        deliver_due()
    assert OutboundMessage.objects.get(pk=pk).next_attempt_at == NOW + dt.timedelta(minutes=2)
    with at(2):
        deliver_due()
    assert OutboundMessage.objects.get(pk=pk).next_attempt_at == NOW + dt.timedelta(minutes=5)
    with at(5):
        deliver_due()
    assert OutboundMessage.objects.get(pk=pk).status == Status.UNDELIVERABLE


@pytest.mark.django_db
def test_an_address_the_server_refuses_for_good_is_undeliverable_at_once(
    server: Mailbox,
) -> None:
    server.refuse_rcpt = "550 5.1.1 No such mailbox"
    (pk,) = send(alert(DSL)).message_ids
    deliver_due()
    record = OutboundMessage.objects.get(pk=pk)
    assert (record.status, record.attempts, record.last_error) == (
        Status.UNDELIVERABLE,
        1,
        "SMTPRecipientsRefused",
    )


@pytest.mark.django_db
def test_a_server_that_is_down_is_a_failure_to_retry_not_a_crash() -> None:
    with smtp_server() as (_, port):
        pass  # stopped: nothing listens on the port now
    with override_settings(**smtp_settings(port)), at(0):
        (pk,) = send(alert(TEAM)).message_ids
        deliver_due()
    record = OutboundMessage.objects.get(pk=pk)
    assert (record.status, record.last_error) == (Status.FAILED, "ConnectionRefusedError")


@pytest.mark.django_db
def test_a_worker_stopped_between_claim_and_send_leaves_the_message_to_be_claimed_again(
    server: Mailbox,
) -> None:
    with at(0):
        ids = send(alert(TEAM, DSL)).message_ids
        claimed = claim(batch_size=10)  # a worker claims, then dies before sending
    assert sorted(claimed.ids) == sorted(ids)
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {Status.SENDING}

    with at(1):  # another worker: the dead worker's lease still holds the messages
        assert deliver_due().claimed == 0
    lease = delivery.lease().total_seconds() / 60
    with at(lease + 0.1):
        report = deliver_due()
    assert report.delivered == 2
    records = OutboundMessage.objects.filter(pk__in=ids)
    assert {r.status for r in records} == {Status.SENT}
    assert {r.attempts for r in records} == {2}
    assert server.message_ids() == {r.message_id: 1 for r in records}


@pytest.mark.django_db
def test_a_message_whose_every_claim_stopped_its_worker_is_given_up_not_tried_for_ever(
    server: Mailbox,
) -> None:
    lease = delivery.lease().total_seconds() / 60
    with at(0):
        (pk,) = send(alert(TEAM)).message_ids
    for n in range(delivery.max_attempts()):
        with at(n * (lease + 1)):
            claim(batch_size=10)
    with at(delivery.max_attempts() * (lease + 1)):
        deliver_due()
    record = OutboundMessage.objects.get(pk=pk)
    assert (record.status, record.last_error) == (Status.UNDELIVERABLE, delivery.WORKER_STOPPED)
    assert server.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_sends_nothing(server: Mailbox) -> None:
    def failing_change() -> None:
        with transaction.atomic():
            send(alert(TEAM))
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    deliver_due()
    assert server.count() == 0
    assert not OutboundMessage.objects.exists()


@pytest.mark.django_db
def test_a_contact_marked_unsafe_after_queueing_is_refused_at_delivery(server: Mailbox) -> None:
    (pk,) = send(alert(DSL)).message_ids
    UnsafeContact.objects.create(channel=Channel.EMAIL, value=DSL, reason="Shared with him")
    deliver_due()
    assert server.count() == 0
    record = OutboundMessage.objects.get(pk=pk)
    assert (record.status, record.refused_reason) == (Status.REFUSED, "Shared with him")


@pytest.mark.django_db
def test_the_command_delivers_once_and_says_what_it_did(
    server: Mailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    send(alert(TEAM, DSL))
    call_command("deliver_messages", "--once")
    assert "2 delivered" in capsys.readouterr().out
    assert server.count() == 2


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_worker_skips_messages_another_is_claiming_and_does_not_wait() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite's IMMEDIATE transactions serialise claims")
    ids = sorted(send(alert(TEAM, DSL, "mash@southmoor.example")).message_ids)
    locked, release = threading.Event(), threading.Event()

    def another_worker_mid_claim() -> None:
        try:
            with transaction.atomic():
                rows = OutboundMessage.objects.select_for_update().filter(pk__in=ids[:2])
                assert len(list(rows)) == 2
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    other = threading.Thread(target=another_worker_mid_claim)
    other.start()
    try:
        assert locked.wait(timeout=30)
        started = time.monotonic()
        claimed = claim(batch_size=10)
        assert time.monotonic() - started < 5  # it did not wait for the other's locks
    finally:
        release.set()
        other.join(timeout=30)
    assert claimed.ids == ids[2:]
