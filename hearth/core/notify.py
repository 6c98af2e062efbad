"""The notify port: every message Hearth sends (its own alerts, and django-allauth's sign-in
emails through ``accounts.adapters``) leaves through ``send``, into an outbox.

Invariants:

- safe contact first: a message that reaches the perpetrator can
  put a victim and their children in danger: domain.md §9.4 (record safe contact details;
  "Is this number safe to call?") and §10.5 ("safe-contact profile enforced on every
  outbound communication ...; suppress addresses/phone numbers shared with the
  perpetrator"). Each recipient is compared, normalised (``normalise_contact``), with
  the ``UnsafeContact`` rows; a match is refused: recorded with the reason and never
  sent. The delivery worker checks again just before sending, so a contact marked unsafe
  while the message waited is still suppressed;
- a transactional outbox: ``send`` only writes an ``OutboundMessage`` per recipient
  (queued, or refused) in the caller's transaction, with everything needed to send it
  later (body, sender, a ``Message-ID`` made now). A rolled-back change leaves neither a
  record nor a message; a committed one leaves a queued row that the delivery worker
  (``core.delivery``, ``manage.py deliver_messages``) sends, retries with backoff and
  records. Nothing sends from the request, the sweeper or the caller's process, so a
  crash there loses nothing;
- one email per recipient, so no recipient learns another's address;
- logs carry ids, statuses and error types only, never an address or a subject
  (style.md §22).

Adapters: email, through Django's mail (SMTP in production, the console in demo). SMS is
reserved: unsafe phone numbers can be recorded now, but ``send`` refuses an SMS message
until an adapter exists.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import structlog
from django.conf import settings

from hearth.core import clock
from hearth.core.models import Channel, OutboundMessage, UnsafeContact

log = structlog.get_logger(__name__)

RECORD_TYPE = "core.outboundmessage"
NO_ADDRESS = "No address was given"


@dataclass(frozen=True)
class Message:
    """What to send and to whom. ``about`` names the record the message is about, as a
    model label and an id (``("obligations.obligation", "12")``); ``purpose`` says why
    it is sent (``"school_notification"``). Neither is shown to the recipient.

    ``sender_agency_id`` and ``sender_team_id`` name the agency and team on whose behalf
    it is sent (ids: ``core`` knows nothing of agencies): that team sees it if it cannot
    be delivered. ``sender`` is the From address (``DEFAULT_FROM_EMAIL`` when empty)."""

    to: Sequence[str]
    subject: str
    body: str
    channel: str = Channel.EMAIL
    about: tuple[str, str] | None = None
    purpose: str = ""
    sender_agency_id: int | None = None
    sender_team_id: int | None = None
    sender: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.to, str):  # a lone address would be sent to letter by letter
            raise TypeError("Message.to is a sequence of addresses, not one address")


@dataclass(frozen=True)
class SendResult:
    """``sent``: the recipients queued, to be sent by the delivery worker once the
    transaction commits;
    ``refused``: those not sent to because the contact is unsafe (or empty);
    ``message_ids``: the ``OutboundMessage`` rows, one per distinct recipient, in order."""

    sent: tuple[str, ...]
    refused: tuple[str, ...]
    message_ids: tuple[int, ...]


def normalise_contact(channel: str, value: str) -> str:
    """The form a contact is compared and stored in: an email address without spaces and
    in lower case; a phone number in international form (``+44...`` for a UK number
    written from ``0``), digits only.

    Raises ``ValueError`` for an unknown channel."""
    if channel == Channel.EMAIL:
        return "".join(value.split()).lower()
    if channel == Channel.SMS:
        # "+44 (0)7700 900123", "0044 7700 900123" and "07700 900123" are one number: the
        # perpetrator's access to it does not depend on how it was written down.
        cleaned = value.strip().replace("(0)", "")
        digits = re.sub(r"[^0-9]", "", cleaned)
        if cleaned.startswith("+"):
            international = digits
        elif digits.startswith("00"):
            international = digits[2:]
        elif digits.startswith("0"):
            international = "44" + digits[1:]  # a UK number written nationally
        else:
            return digits
        return "+" + international if international else ""
    raise ValueError(f"Unknown channel '{channel}'")


# The channels with a way to deliver them (``core.delivery``). SMS has none yet.
DELIVERABLE = frozenset({Channel.EMAIL})


def new_message_id() -> str:
    """An RFC 5322 ``Message-ID``, unique in the world: a random part at the host Hearth is
    served from. Made once, when the message is written, so every try carries it."""
    domain = urlsplit(settings.HEARTH_BASE_URL).hostname or "hearth.invalid"
    return f"<{uuid.uuid4().hex}@{domain}>"


def unsafe_reasons(channel: str, values: set[str]) -> dict[str, str]:
    rows = UnsafeContact.objects.filter(channel=channel, value__in=values)
    return dict(rows.values_list("value", "reason"))


def send(message: Message) -> SendResult:
    """Record ``message`` in the outbox for each distinct recipient: queued for the
    delivery worker when the contact is safe, refused (and never sent) when it is not.
    The rows are part of the current transaction: they exist, and will be sent, only if
    it commits.

    Raises ``ValueError`` for a channel with no adapter: that is a programming error,
    not something to record."""
    return send_many([message])[0]


def send_many(messages: Sequence[Message]) -> list[SendResult]:
    """``send`` for each of ``messages``, with the unsafe contacts read once per channel
    and every row written in one statement; a result for each message, in order."""
    for message in messages:
        if message.channel not in DELIVERABLE:
            raise ValueError(f"No adapter sends {message.channel} messages yet")
    now = clock.now()
    plans = []  # (message, {normalised: address as given (stripped), first spelling kept})
    wanted: dict[str, set[str]] = {}
    for message in messages:
        recipients: dict[str, str] = {}
        for address in message.to:
            recipients.setdefault(normalise_contact(message.channel, address), address.strip())
        plans.append((message, recipients))
        wanted.setdefault(message.channel, set()).update(set(recipients) - {""})
    unsafe = {
        channel: unsafe_reasons(channel, values) if values else {}
        for channel, values in wanted.items()
    }
    rows: list[tuple[int, str, str | None, OutboundMessage]] = []
    for index, (message, recipients) in enumerate(plans):
        about_type, about_id = message.about or ("", "")
        sender = message.sender or settings.DEFAULT_FROM_EMAIL
        for normalised, address in recipients.items():
            reason = unsafe[message.channel].get(normalised) if normalised else NO_ADDRESS
            record = OutboundMessage(
                channel=message.channel,
                recipient=address,
                sender=sender,
                subject=message.subject[:255],
                # A refused message is never sent: its body is not kept.
                body=message.body if reason is None else "",
                message_id=new_message_id(),
                status=OutboundMessage.Status.QUEUED
                if reason is None
                else OutboundMessage.Status.REFUSED,
                refused_reason=reason or "",
                about_type=about_type,
                about_id=str(about_id),
                purpose=message.purpose[:100],
                sender_agency_id=message.sender_agency_id,
                sender_team_id=message.sender_team_id,
                next_attempt_at=now if reason is None else None,
                created_at=now,
            )
            rows.append((index, address, reason, record))
    # One statement, part of the caller's transaction.
    OutboundMessage.objects.bulk_create([record for _, _, _, record in rows])
    sent: list[list[str]] = [[] for _ in messages]
    refused: list[list[str]] = [[] for _ in messages]
    ids: list[list[int]] = [[] for _ in messages]
    for index, address, reason, record in rows:
        ids[index].append(record.pk)
        if reason is None:
            sent[index].append(address)
            log.info("notify.queued", record_type=RECORD_TYPE, record_id=record.pk)
        else:
            refused[index].append(address)
            log.info("notify.refused", record_type=RECORD_TYPE, record_id=record.pk)
    return [
        SendResult(sent=tuple(s), refused=tuple(r), message_ids=tuple(i))
        for s, r, i in zip(sent, refused, ids, strict=True)
    ]
