"""Several messages sent at once (issue 12): each recorded as ``send`` records it, with
the unsafe contacts read once and the rows written in one statement."""

from __future__ import annotations

from typing import Any

import pytest

from hearth.core.models import Channel, OutboundMessage, UnsafeContact
from hearth.core.notify import Message, normalise_contact, send, send_many

TEAM = "front-door@northshire.example"
SCHOOL = "dsl@ashcombe-primary.example"
VICTIM = "zoe.walsh@example.org"


def _message(*to: str, about: str = "12") -> Message:
    return Message(
        to=list(to),
        subject="New child concern notification",
        body="Sign in to Hearth to see it.",
        about=("obligations.obligation", about),
        purpose="child_concern_notification",
    )


def _rows(ids: tuple[int, ...]) -> list[tuple[Any, ...]]:
    fields = ("recipient", "status", "refused_reason", "body", "about_id", "purpose")
    rows = OutboundMessage.objects.filter(pk__in=ids).order_by("id")
    return [tuple(getattr(r, f) for f in fields) for r in rows]


@pytest.mark.django_db
def test_messages_sent_at_once_are_recorded_as_each_sent_alone(
    django_assert_num_queries: Any,
) -> None:
    UnsafeContact.objects.create(
        channel=Channel.EMAIL, value=normalise_contact(Channel.EMAIL, VICTIM), reason="Unsafe"
    )
    messages = [
        _message(TEAM, f" {VICTIM.upper()} ", TEAM.upper(), about="1"),
        _message(SCHOOL, "", about="2"),
        _message(about="3"),
    ]
    alone = [send(m) for m in messages]
    with django_assert_num_queries(2):  # the unsafe contacts, then every row
        together = send_many(messages)
    assert [(r.sent, r.refused) for r in together] == [(r.sent, r.refused) for r in alone]
    assert together[0].sent == (TEAM,) and together[0].refused == (VICTIM.upper(),)
    assert together[2].message_ids == ()
    for one, many in zip(alone, together, strict=True):
        assert _rows(many.message_ids) == _rows(one.message_ids)
    ids = [i for r in together for i in r.message_ids]
    assert ids == sorted(ids)
    ids_ = OutboundMessage.objects.filter(pk__in=ids).values_list("message_id", flat=True)
    assert len(set(ids_)) == len(ids)


@pytest.mark.django_db
def test_nothing_is_recorded_when_one_message_has_no_adapter() -> None:
    with pytest.raises(ValueError, match="No adapter"):
        send_many(
            [
                _message(TEAM),
                Message(to=["07700 900982"], subject="x", body="y", channel=Channel.SMS),
            ]
        )
    assert not OutboundMessage.objects.exists()
