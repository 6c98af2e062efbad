"""The notify port: every message Hearth's own code sends leaves through ``send``.

Invariants:

- safe contact first: a message that reaches the perpetrator can
  put a victim and their children in danger: domain.md §9.4 (record safe contact details;
  "Is this number safe to call?") and §10.5 ("safe-contact profile enforced on every
  outbound communication ...; suppress addresses/phone numbers shared with the
  perpetrator"). Each recipient is compared, normalised (``normalise_contact``), with
  the ``UnsafeContact`` rows; a match is refused: recorded with the reason and never
  sent. The check is made again just before sending, so a contact marked unsafe while
  the message waited for its transaction is still suppressed;
- every recipient of every message is recorded as an ``OutboundMessage`` (queued, then
  sent or failed; or refused) in the caller's transaction, so what was and was not sent
  can be shown. The body is not kept;
- mail leaves only after that transaction commits (``transaction.on_commit``), so a
  rolled-back change sends nothing and leaves no record (Saleor's pattern, style.md §8);
- one email per recipient, so no recipient learns another's address;
- sending happens after the caller's change has committed, so a failure there must not
  undo or break it: the row is marked failed and logged, and nothing is raised. A row
  left queued (the process stopped, or the database failed, before delivery finished)
  stays queued: delivery sends only queued rows, so it can safely be retried;
- logs carry ids, statuses and error types only, never an address or a subject
  (style.md §22).

Adapters: email, through Django's mail (SMTP in production, the console in demo, locmem
in tests). SMS is reserved: unsafe phone numbers can be recorded now, but ``send``
refuses an SMS message until an adapter exists. Delivery could move to a task
(django-tasks, enqueued in the same transaction) without changing ``send``'s callers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import structlog
from django.core.mail import send_mail
from django.db import transaction

from hearth.core import clock
from hearth.core.models import Channel, OutboundMessage, UnsafeContact

log = structlog.get_logger(__name__)

RECORD_TYPE = "core.outboundmessage"
NO_ADDRESS = "No address was given"


@dataclass(frozen=True)
class Message:
    """What to send and to whom. ``about`` names the record the message is about, as a
    model label and an id (``("obligations.obligation", "12")``); ``purpose`` says why
    it is sent (``"school_notification"``). Neither is shown to the recipient."""

    to: Sequence[str]
    subject: str
    body: str
    channel: str = Channel.EMAIL
    about: tuple[str, str] | None = None
    purpose: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.to, str):  # a lone address would be sent to letter by letter
            raise TypeError("Message.to is a sequence of addresses, not one address")


@dataclass(frozen=True)
class SendResult:
    """``sent``: the recipients queued to be sent once the transaction commits;
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


def _send_email(recipient: str, subject: str, body: str) -> None:
    send_mail(subject, body, None, [recipient], fail_silently=False)


# Channel -> how one message reaches one recipient. SMS has none yet.
_ADAPTERS: dict[str, Callable[[str, str, str], None]] = {Channel.EMAIL: _send_email}


def _unsafe_reasons(channel: str, values: set[str]) -> dict[str, str]:
    rows = UnsafeContact.objects.filter(channel=channel, value__in=values)
    return dict(rows.values_list("value", "reason"))


def send(message: Message) -> SendResult:
    """Record ``message`` for each distinct recipient and send it to those whose contact
    is safe once the current transaction commits (at once when there is none).

    Raises ``ValueError`` for a channel with no adapter: that is a programming error,
    not something to record."""
    if message.channel not in _ADAPTERS:
        raise ValueError(f"No adapter sends {message.channel} messages yet")
    recipients: dict[str, str] = {}  # normalised -> as given (stripped), first spelling kept
    for address in message.to:
        recipients.setdefault(normalise_contact(message.channel, address), address.strip())
    about_type, about_id = message.about or ("", "")
    sent: list[str] = []
    refused: list[str] = []
    ids: list[int] = []
    queued: list[int] = []
    with transaction.atomic():
        unsafe = _unsafe_reasons(message.channel, set(recipients) - {""})
        for normalised, address in recipients.items():
            reason = unsafe.get(normalised) if normalised else NO_ADDRESS
            record = OutboundMessage.objects.create(
                channel=message.channel,
                recipient=address,
                subject=message.subject[:255],
                status=OutboundMessage.Status.QUEUED
                if reason is None
                else OutboundMessage.Status.REFUSED,
                refused_reason=reason or "",
                about_type=about_type,
                about_id=str(about_id),
                purpose=message.purpose[:100],
            )
            ids.append(record.pk)
            if reason is None:
                sent.append(address)
                queued.append(record.pk)
            else:
                refused.append(address)
                log.info("notify.refused", record_type=RECORD_TYPE, record_id=record.pk)
        if queued:
            batch = tuple(queued)

            def deliver_after_commit() -> None:
                _deliver(message.channel, batch, message.subject, message.body)

            # robust: an error the delivery does not catch itself (the database, say) is
            # logged by Django and goes no further. (A closure, not functools.partial:
            # Django names the callback by its __qualname__ when it logs.)
            transaction.on_commit(deliver_after_commit, robust=True)
    return SendResult(sent=tuple(sent), refused=tuple(refused), message_ids=tuple(ids))


def _deliver(channel: str, message_ids: tuple[int, ...], subject: str, body: str) -> None:
    """Send the rows ``message_ids`` that are still queued (after commit), so running this
    twice sends nothing twice."""
    records = list(
        OutboundMessage.objects.filter(
            pk__in=message_ids, status=OutboundMessage.Status.QUEUED
        ).order_by("pk")
    )
    unsafe = _unsafe_reasons(channel, {normalise_contact(channel, r.recipient) for r in records})
    for record in records:
        still_queued = OutboundMessage.objects.filter(
            pk=record.pk, status=OutboundMessage.Status.QUEUED
        )
        reason = unsafe.get(normalise_contact(channel, record.recipient))
        if reason is not None:  # marked unsafe while the message waited
            still_queued.update(status=OutboundMessage.Status.REFUSED, refused_reason=reason)
            log.info("notify.refused", record_type=RECORD_TYPE, record_id=record.pk)
            continue
        try:
            _ADAPTERS[channel](record.recipient, subject, body)
        except Exception as error:  # the change has committed: record the failure, go on
            still_queued.update(status=OutboundMessage.Status.FAILED)
            log.warning(
                "notify.failed",
                record_type=RECORD_TYPE,
                record_id=record.pk,
                code=type(error).__name__,
            )
            continue
        still_queued.update(status=OutboundMessage.Status.SENT, sent_at=clock.now())
        log.info("notify.sent", record_type=RECORD_TYPE, record_id=record.pk)
