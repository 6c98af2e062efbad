"""The outbox's delivery worker: sends the messages ``notify.send`` wrote, retries those
that fail, and gives up visibly (``manage.py deliver_messages``).

The promise: every committed message is delivered or shown as undeliverable; none is
left queued. A worker may be stopped at any moment (``kill -9``) and another carries on.

How, step by step:

1. **Claim.** In one short transaction a worker takes a small batch of due rows: queued or
   failed rows whose ``next_attempt_at`` has come, and rows left ``sending`` by a worker
   whose lease (``claimed_until``) has run out. It marks them ``sending`` with its own
   ``claim`` token, a lease of ``HEARTH_DELIVERY_LEASE_SECONDS`` and one more attempt.
   On PostgreSQL the rows are read ``FOR UPDATE SKIP LOCKED``, so workers running at once
   take different rows and never wait for one another. SQLite has no row locks, but
   Hearth opens its transactions ``IMMEDIATE`` (settings), which takes the database's one
   write lock at the start: claims run one at a time, so there is one claimer at a time
   and no row is claimed twice.
2. **Send.** Just before each message the worker renews the lease of that row under its
   claim (if another worker has taken the row over, it leaves it) and checks the contact
   against the unsafe list again: a contact marked unsafe while the message waited is
   refused, never sent. The message goes through Django's mail with the row's stored
   ``Message-ID`` header.
3. **Record.** Delivered (with the time), or failed: tried again after the next wait of
   ``HEARTH_DELIVERY_BACKOFF_MINUTES`` (1, 5, 15, 60 and 240 minutes by default) and,
   after the last attempt, or at once when the mail server refuses the recipient
   permanently (a 5xx reply to RCPT: the address does not exist), undeliverable, which
   the sending team and the operator's administrators see. The record is conditional on
   the claim, so a worker that lost its lease records nothing.

A worker stopped between claiming and sending leaves rows ``sending``; once the lease
runs out another worker claims and sends them. A worker stopped between sending and
recording leaves one row that another worker will send again: **at most one duplicate
per stopped worker, carrying the same Message-ID**, which mail systems use to drop it.
A row claimed more than the allowed number of times without a recorded result (each
claim of it stopped a worker) is given up as undeliverable rather than tried for ever.

Logs carry ids, statuses, attempt counts and error types only (style.md §22).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import smtplib
import uuid
from dataclasses import dataclass
from typing import Any

import structlog
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F, Q

from hearth.core import clock
from hearth.core.models import OutboundMessage
from hearth.core.notify import RECORD_TYPE, normalise_contact, unsafe_reasons

log = structlog.get_logger(__name__)

Status = OutboundMessage.Status

# The defaults of the settings that tune delivery (config/settings.py sets them from the
# environment, with these values when it says nothing). Retries: quick ones
# for a mail server that is briefly busy, then longer ones for an outage, about 5 hours
# in all; after the last wait comes the last attempt. The lease: far longer than one
# send can take (EMAIL_TIMEOUT, 30 s). The batch: small, so a stopped worker strands few.
DEFAULT_BACKOFF_MINUTES: tuple[float, ...] = (1, 5, 15, 60, 240)
DEFAULT_LEASE_SECONDS = 300.0
DEFAULT_BATCH_SIZE = 10

# What ``last_error`` says of a row claimed by a worker that stopped each time.
WORKER_STOPPED = "WorkerStoppedWhileSending"


def backoff_minutes() -> tuple[float, ...]:
    return tuple(getattr(settings, "HEARTH_DELIVERY_BACKOFF_MINUTES", DEFAULT_BACKOFF_MINUTES))


def max_attempts() -> int:
    """The first attempt, then one after each wait."""
    return len(backoff_minutes()) + 1


def lease() -> dt.timedelta:
    seconds: float = getattr(settings, "HEARTH_DELIVERY_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)
    return dt.timedelta(seconds=seconds)


@dataclass
class DeliveryReport:
    claimed: int = 0
    delivered: int = 0
    failed: int = 0
    undeliverable: int = 0
    refused: int = 0

    @property
    def total(self) -> int:
        return self.claimed + self.undeliverable

    def __str__(self) -> str:
        return (
            f"Claimed {self.claimed} messages: {self.delivered} delivered, {self.failed} "
            f"to retry, {self.undeliverable} undeliverable, {self.refused} refused"
        )


def _due(now: dt.datetime, started: dt.datetime) -> Any:
    waiting = Q(status__in=[Status.QUEUED, Status.FAILED]) & (
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True)
    )
    abandoned = Q(status=Status.SENDING, claimed_until__lte=now)
    # Not a row this pass has already tried (a zero wait under a frozen clock in tests).
    untried = Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lt=started)
    return OutboundMessage.objects.filter((waiting | abandoned) & untried)


@dataclass(frozen=True)
class Claim:
    token: str  # this claim's, recorded on each row it holds
    ids: list[int]  # the rows it holds, to send
    given_up: int = 0  # rows it found abandoned too often and marked undeliverable

    @property
    def found(self) -> bool:
        return bool(self.ids or self.given_up)


def claim(*, batch_size: int, started: dt.datetime | None = None) -> Claim:
    """Claim up to ``batch_size`` due messages for this worker (step 1 above)."""
    token = uuid.uuid4().hex
    now = clock.now()
    with transaction.atomic():
        due = _due(now, started or now).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:batch_size])
        if not ids:
            return Claim(token, [])
        # A row every claim of which stopped its worker is given up, not tried for ever.
        exhausted = list(
            OutboundMessage.objects.filter(
                pk__in=ids, status=Status.SENDING, attempts__gte=max_attempts()
            ).values_list("pk", flat=True)
        )
        if exhausted:
            OutboundMessage.objects.filter(pk__in=exhausted).update(
                status=Status.UNDELIVERABLE,
                body="",
                claim="",
                claimed_until=None,
                next_attempt_at=None,
                last_error=WORKER_STOPPED,
            )
            for pk in exhausted:
                log.warning(
                    "notify.undeliverable",
                    record_type=RECORD_TYPE,
                    record_id=pk,
                    code=WORKER_STOPPED,
                )
        ids = [pk for pk in ids if pk not in exhausted]
        OutboundMessage.objects.filter(pk__in=ids).update(
            status=Status.SENDING,
            claim=token,
            claimed_until=now + lease(),
            attempts=F("attempts") + 1,
            last_attempt_at=now,
        )
    return Claim(token, ids, given_up=len(exhausted))


def deliver_due(*, batch_size: int | None = None) -> DeliveryReport:
    """Send every message due now, a batch at a time, and record each result. Returns
    when nothing more is due; messages that failed wait for their next attempt."""
    configured: int = getattr(settings, "HEARTH_DELIVERY_BATCH_SIZE", DEFAULT_BATCH_SIZE)
    size = batch_size or configured
    started = clock.now()
    report = DeliveryReport()
    while True:
        claimed = claim(batch_size=size, started=started)
        if not claimed.found:
            return report
        report.undeliverable += claimed.given_up
        if not claimed.ids:
            continue
        report.claimed += len(claimed.ids)
        log.info("notify.claimed", record_type=RECORD_TYPE, count=len(claimed.ids))
        _deliver_batch(claimed.token, claimed.ids, report)


def _deliver_batch(token: str, ids: list[int], report: DeliveryReport) -> None:
    mail = get_connection(fail_silently=False)
    try:
        for record in OutboundMessage.objects.filter(pk__in=ids, claim=token).order_by("pk"):
            if not _renew(record, token):
                log.warning("notify.claim_lost", record_type=RECORD_TYPE, record_id=record.pk)
                continue
            reason = unsafe_reasons(
                record.channel, {normalise_contact(record.channel, record.recipient)}
            )
            if reason:  # marked unsafe while the message waited
                _record(
                    record,
                    token,
                    status=Status.REFUSED,
                    refused_reason=next(iter(reason.values())),
                    body="",
                    next_attempt_at=None,
                )
                report.refused += 1
                log.info("notify.refused", record_type=RECORD_TYPE, record_id=record.pk)
                continue
            try:
                _send_email(record, mail)
            except Exception as error:  # recorded, and the next message is tried
                _failed(record, token, error, report)
                with contextlib.suppress(Exception):
                    mail.close()  # a broken session must not fail the next message
                mail = get_connection(fail_silently=False)
                continue
            _record(
                record,
                token,
                status=Status.SENT,
                sent_at=clock.now(),
                body="",
                last_error="",
                next_attempt_at=None,
            )
            report.delivered += 1
            log.info(
                "notify.delivered",
                record_type=RECORD_TYPE,
                record_id=record.pk,
                attempts=record.attempts,
            )
    finally:
        with contextlib.suppress(Exception):
            mail.close()


def _renew(record: OutboundMessage, token: str) -> bool:
    """Hold the row for one more lease just before sending it; ``False`` if another
    worker has taken it over (this worker was too slow), so it is not sent twice here."""
    return bool(
        OutboundMessage.objects.filter(pk=record.pk, claim=token, status=Status.SENDING).update(
            claimed_until=clock.now() + lease()
        )
    )


def _record(record: OutboundMessage, token: str, **fields: Any) -> None:
    """Record a result, only while this worker's claim holds the row."""
    OutboundMessage.objects.filter(pk=record.pk, claim=token).update(
        claim="", claimed_until=None, **fields
    )


def _send_email(record: OutboundMessage, mail: Any) -> None:
    EmailMessage(
        subject=record.subject,
        body=record.body,
        from_email=record.sender or None,
        to=[record.recipient],
        headers={"Message-ID": record.message_id} if record.message_id else None,
        connection=mail,
    ).send()


def is_permanent(error: BaseException) -> bool:
    """The mail server refused the recipient for good (RFC 5321 §4.2.1: a 5yz reply is a
    permanent failure; to RCPT it means the address will not be accepted). Other errors,
    a refused sender or a server that is down included, may be put right: retried."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    return False


def _failed(record: OutboundMessage, token: str, error: Exception, report: DeliveryReport) -> None:
    code = type(error).__name__[:100]
    waits = backoff_minutes()
    if is_permanent(error) or record.attempts >= len(waits) + 1:
        _record(
            record,
            token,
            status=Status.UNDELIVERABLE,
            body="",
            last_error=code,
            next_attempt_at=None,
        )
        report.undeliverable += 1
        log.warning(
            "notify.undeliverable",
            record_type=RECORD_TYPE,
            record_id=record.pk,
            attempts=record.attempts,
            code=code,
        )
        return
    wait = dt.timedelta(minutes=waits[record.attempts - 1])
    _record(
        record, token, status=Status.FAILED, last_error=code, next_attempt_at=clock.now() + wait
    )
    report.failed += 1
    log.warning(
        "notify.failed",
        record_type=RECORD_TYPE,
        record_id=record.pk,
        attempts=record.attempts,
        code=code,
    )
