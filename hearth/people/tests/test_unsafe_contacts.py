"""Marking a person's contact unsafe: stored once, normalised, recorded on the person's
timeline without the address, and from then on every message to it is refused
(domain.md §9.4, §10.5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from hearth.accounts.selectors import actor_for_user
from hearth.accounts.tests.factories import agency_with_team, person
from hearth.audit.models import TimelineEvent
from hearth.core.actor import Actor, Role
from hearth.core.errors import ValidationFailed
from hearth.core.models import Channel, OutboundMessage, UnsafeContact
from hearth.core.notify import Message, send
from hearth.people.models import Person
from hearth.people.services import PersonDetails, contact_mark_unsafe, person_create

REASON = "The perpetrator has access to this address"


@pytest.fixture
def officer(db: None) -> Actor:
    police, team = agency_with_team("Testshire Police")
    user = person(
        "officer@police.testshire.example", [(police, team, Role.RESPONSE_OFFICER)], totp=False
    ).user
    actor = actor_for_user(user=user, agency_id=police.pk)
    assert actor is not None
    return actor


@pytest.fixture
def victim(officer: Actor) -> Person:
    return person_create(
        actor=officer, details=PersonDetails(given_names="Zoe", family_name="Walsh")
    )


def test_an_email_address_marked_unsafe_is_stored_normalised_with_who_marked_it(
    officer: Actor, victim: Person
) -> None:
    contact = contact_mark_unsafe(
        actor=officer,
        person=victim,
        channel=Channel.EMAIL,
        value="  Zoe.Walsh@Example.ORG ",
        reason=f"  {REASON} ",
    )
    assert (contact.channel, contact.value, contact.reason) == (
        Channel.EMAIL,
        "zoe.walsh@example.org",
        REASON,
    )
    assert (contact.person_id, contact.marked_by_agency_id) == (victim.pk, officer.agency_id)


def test_the_timeline_records_the_marking_but_never_the_address(
    officer: Actor, victim: Person
) -> None:
    contact = contact_mark_unsafe(
        actor=officer,
        person=victim,
        channel=Channel.EMAIL,
        value="zoe.walsh@example.org",
        reason=REASON,
    )
    event = TimelineEvent.objects.for_subject(victim).get(verb="contact.marked_unsafe")
    assert event.payload == {"unsafe_contact_id": contact.pk, "channel": "email"}
    assert "zoe" not in event.summary.lower()
    assert REASON not in event.summary


def test_marking_the_same_contact_again_updates_the_reason_and_adds_no_row(
    officer: Actor, victim: Person
) -> None:
    first = contact_mark_unsafe(
        actor=officer, person=victim, channel=Channel.SMS, value="07700 900982", reason=REASON
    )
    again = contact_mark_unsafe(
        actor=officer,
        person=victim,
        channel=Channel.SMS,
        value="077009-00982",
        reason="He checks her phone",
    )
    assert again.pk == first.pk
    assert UnsafeContact.objects.get().value == "+447700900982"
    assert UnsafeContact.objects.get().reason == "He checks her phone"
    markings = TimelineEvent.objects.for_subject(victim).filter(verb="contact.marked_unsafe")
    assert list(markings.values_list("summary", flat=True)) == [
        "Unsafe contact updated",
        "Contact marked as not safe to use",
    ]


@pytest.mark.parametrize(
    ("channel", "value", "reason", "problems"),
    [
        (Channel.EMAIL, "  ", REASON, {"value": ["Enter the email address"]}),
        (Channel.SMS, "", REASON, {"value": ["Enter the phone number"]}),
        (
            Channel.EMAIL,
            "zoe.walsh@example.org",
            "  ",
            {"reason": ["Enter why this contact is not safe"]},
        ),
        (
            Channel.EMAIL,
            "",
            "",
            {
                "value": ["Enter the email address"],
                "reason": ["Enter why this contact is not safe"],
            },
        ),
        (
            Channel.EMAIL,
            "zoe.walsh",
            REASON,
            {"value": ["Enter an email address in the correct format, like name@example.com"]},
        ),
        (
            Channel.SMS,
            "call 07700 900982",
            REASON,
            {
                "value": [
                    "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
                ]
            },
        ),
        (
            Channel.EMAIL,
            "zoe.walsh@example.org",
            "x" * 201,
            {"reason": ["Reason must be 200 characters or less"]},
        ),
        (
            "pigeon",
            "loft 3",
            REASON,
            {"channel": ["Select whether it is an email address or a phone number"]},
        ),
    ],
)
def test_an_empty_or_malformed_contact_or_reason_is_refused_and_nothing_is_recorded(
    officer: Actor,
    victim: Person,
    channel: str,
    value: str,
    reason: str,
    problems: dict[str, list[str]],
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        contact_mark_unsafe(
            actor=officer, person=victim, channel=channel, value=value, reason=reason
        )
    assert refused.value.fields == problems
    assert not UnsafeContact.objects.exists()
    assert (
        not TimelineEvent.objects.for_subject(victim).filter(verb="contact.marked_unsafe").exists()
    )


def test_once_marked_unsafe_no_message_is_sent_to_the_contact(
    officer: Actor,
    victim: Person,
    django_capture_on_commit_callbacks: Callable[..., Any],
    deliver_outbox: Callable[[], Any],
) -> None:
    contact_mark_unsafe(
        actor=officer,
        person=victim,
        channel=Channel.EMAIL,
        value="zoe.walsh@example.org",
        reason=REASON,
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = send(
            Message(to=["Zoe.Walsh@example.org"], subject="Your support worker", body="Hello")
        )
    deliver_outbox()
    assert mail.outbox == []
    record = OutboundMessage.objects.get(pk=result.message_ids[0])
    assert (record.status, record.refused_reason) == (OutboundMessage.Status.REFUSED, REASON)
