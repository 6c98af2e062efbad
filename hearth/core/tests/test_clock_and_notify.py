"""The clock tells London time when asked. Every message passes through the notify port:
it is recorded in the outbox with its change, sent by the delivery worker, never from the
caller's process, and never to a contact marked unsafe (domain.md §9.4, §10.5)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.mail.backends import locmem
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from hearth.core import clock, notify
from hearth.core.delivery import deliver_due
from hearth.core.models import Channel, OutboundMessage, UnsafeContact
from hearth.core.notify import Message, normalise_contact, send

TEAM = "front-door@northshire.example"
VICTIM = "zoe.walsh@example.org"
REASON = "The perpetrator has access to this address"
NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)

Capture = Callable[..., Any]


def test_the_clock_is_aware_and_local_time_follows_british_summer_time() -> None:
    with time_machine.travel(dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        assert clock.now().tzinfo is not None
        assert clock.local_now().hour == 13
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        assert clock.local_now().hour == 12


def mark_unsafe(value: str, reason: str = REASON) -> UnsafeContact:
    return UnsafeContact.objects.create(
        channel=Channel.EMAIL, value=normalise_contact(Channel.EMAIL, value), reason=reason
    )


def notification(*to: str) -> Message:
    return Message(
        to=list(to),
        subject="New child concern notification",
        body="Sign in to Hearth to see it.",
        about=("obligations.obligation", "12"),
        purpose="child_concern_notification",
    )


@pytest.mark.django_db
def test_a_message_to_a_safe_team_address_is_recorded_queued_then_sent_by_the_worker(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    with (
        time_machine.travel(NOW, tick=False),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        result = send(notification(TEAM))
        queued = OutboundMessage.objects.get(pk=result.message_ids[0])
        assert queued.status == OutboundMessage.Status.QUEUED
    # Nothing is sent from the caller's process, not even after its commit.
    assert callbacks == []
    assert mail.outbox == []
    assert (result.sent, result.refused) == ((TEAM,), ())
    with time_machine.travel(NOW + dt.timedelta(seconds=5), tick=False):
        deliver_due()
    assert [(m.to, m.subject) for m in mail.outbox] == [([TEAM], "New child concern notification")]
    assert mail.outbox[0].extra_headers["Message-ID"] == queued.message_id
    queued.refresh_from_db()
    assert queued.status == OutboundMessage.Status.SENT
    assert queued.sent_at == NOW + dt.timedelta(seconds=5)
    assert queued.attempts == 1
    assert (queued.recipient, queued.about_type, queued.about_id, queued.purpose) == (
        TEAM,
        "obligations.obligation",
        "12",
        "child_concern_notification",
    )


@pytest.mark.django_db
def test_the_outbox_keeps_what_it_needs_to_send_later_and_the_body_only_until_delivered() -> None:
    result = send(
        Message(
            to=[TEAM],
            subject="New child concern notification",
            body="Sign in to Hearth to see it.",
            sender_agency_id=3,
            sender_team_id=7,
        )
    )
    record = OutboundMessage.objects.get(pk=result.message_ids[0])
    assert record.body == "Sign in to Hearth to see it."
    assert record.sender == settings.DEFAULT_FROM_EMAIL
    assert (record.sender_agency_id, record.sender_team_id) == (3, 7)
    assert record.message_id.startswith("<") and record.message_id.endswith(">")
    assert "@" in record.message_id
    deliver_due()
    record.refresh_from_db()
    assert (record.status, record.body) == (OutboundMessage.Status.SENT, "")
    assert mail.outbox[0].body == "Sign in to Hearth to see it."


@pytest.mark.django_db
def test_every_message_gets_its_own_message_id() -> None:
    result = send(notification(TEAM, "dsl@ashcombe.example"))
    send(notification(TEAM))
    ids = set(OutboundMessage.objects.values_list("message_id", flat=True))
    assert len(ids) == 3
    assert len(result.message_ids) == 2


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_or_recorded_when_the_change_rolls_back() -> None:
    def failing_change() -> None:
        with transaction.atomic():
            send(notification(TEAM))
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    assert not OutboundMessage.objects.exists()
    deliver_due()
    assert mail.outbox == []

    with transaction.atomic():
        send(notification(TEAM))
    assert mail.outbox == []
    deliver_due()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [VICTIM, "  Zoe.Walsh@Example.ORG ", "zoe.walsh@EXAMPLE.org\n"])
def test_a_message_to_a_contact_marked_unsafe_is_refused_and_recorded_with_its_reason(
    typed: str,
) -> None:
    mark_unsafe(VICTIM)
    result = send(notification(typed))
    deliver_due()
    assert mail.outbox == []
    assert (result.sent, result.refused) == ((), (typed.strip(),))
    record = OutboundMessage.objects.get(pk=result.message_ids[0])
    assert record.status == OutboundMessage.Status.REFUSED
    assert record.refused_reason == REASON
    assert record.sent_at is None
    assert record.body == ""


@pytest.mark.django_db
def test_a_message_to_a_safe_and_an_unsafe_recipient_goes_only_to_the_safe_one() -> None:
    mark_unsafe(VICTIM)
    result = send(notification(VICTIM, TEAM))
    deliver_due()
    assert (result.sent, result.refused) == ((TEAM,), (VICTIM,))
    assert [m.to for m in mail.outbox] == [[TEAM]]
    statuses = dict(
        OutboundMessage.objects.filter(pk__in=result.message_ids).values_list("recipient", "status")
    )
    assert statuses == {VICTIM: "refused", TEAM: "sent"}


@pytest.mark.django_db
def test_each_recipient_gets_their_own_email_and_a_repeated_address_one() -> None:
    other = "dsl@ashcombe.example"
    result = send(notification(TEAM, other, TEAM.upper()))
    deliver_due()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([TEAM, other])
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    assert len(result.message_ids) == 2


@pytest.mark.django_db
def test_a_contact_marked_unsafe_after_queueing_is_refused_at_delivery() -> None:
    result = send(notification(VICTIM))
    mark_unsafe(VICTIM.upper())
    deliver_due()
    assert mail.outbox == []
    record = OutboundMessage.objects.get(pk=result.message_ids[0])
    assert (record.status, record.refused_reason) == (OutboundMessage.Status.REFUSED, REASON)
    assert record.body == ""


@pytest.mark.django_db
def test_an_empty_address_is_refused_not_sent() -> None:
    result = send(notification("  ", TEAM))
    deliver_due()
    assert result.refused == ("",)
    assert [m.to for m in mail.outbox] == [[TEAM]]
    assert OutboundMessage.objects.get(recipient="").refused_reason == notify.NO_ADDRESS


@pytest.mark.django_db
def test_a_failure_to_send_is_recorded_for_a_retry_and_never_logged_with_the_address(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    def refusing_server(self: Any, messages: Any) -> int:
        raise ConnectionRefusedError(f"cannot send to {messages[0].to[0]}")

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", refusing_server)
    with time_machine.travel(NOW, tick=False):
        result = send(notification(TEAM))
        deliver_due()
    record = OutboundMessage.objects.get(pk=result.message_ids[0])
    assert record.status == OutboundMessage.Status.FAILED
    assert (record.attempts, record.last_error) == (1, "ConnectionRefusedError")
    assert record.next_attempt_at == NOW + dt.timedelta(minutes=1)
    assert "notify.failed" in caplog.text
    assert "ConnectionRefusedError" in caplog.text
    assert TEAM not in caplog.text
    assert "New child concern notification" not in caplog.text


@pytest.mark.django_db
def test_delivery_run_twice_sends_once() -> None:
    send(notification(TEAM))
    deliver_due()
    deliver_due()
    assert len(mail.outbox) == 1


def test_only_channels_with_an_adapter_can_send_and_to_is_a_list() -> None:
    with pytest.raises(ValueError, match="sms"):
        send(Message(to=["07700 900982"], subject="", body="", channel=Channel.SMS))
    with pytest.raises(TypeError, match="sequence"):
        Message(to=TEAM, subject="", body="")


@pytest.mark.parametrize(
    ("channel", "typed", "stored"),
    [
        (Channel.EMAIL, "  Zoe.Walsh@Example.ORG ", "zoe.walsh@example.org"),
        (Channel.EMAIL, "zoe.walsh @example.org", "zoe.walsh@example.org"),
        (Channel.SMS, "07700 900 982", "+447700900982"),
        (Channel.SMS, " +44 (7700) 900-982 ", "+447700900982"),
        (Channel.SMS, "+44 (0)7700 900982", "+447700900982"),
        (Channel.SMS, "0044 7700 900982", "+447700900982"),
        (Channel.SMS, "tel", ""),
        (Channel.SMS, "00", ""),
    ],
)
def test_contacts_are_compared_normalised(channel: str, typed: str, stored: str) -> None:
    assert normalise_contact(channel, typed) == stored


@given(value=st.text(max_size=40), channel=st.sampled_from(list(Channel)))
def test_normalising_a_contact_twice_changes_nothing(value: str, channel: str) -> None:
    once = normalise_contact(channel, value)
    assert normalise_contact(channel, once) == once


def test_an_unknown_channel_is_refused() -> None:
    with pytest.raises(ValueError, match="pigeon"):
        normalise_contact("pigeon", "x")
