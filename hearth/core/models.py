"""Base model for Hearth's records, and the records core keeps itself: idempotency keys,
outbound messages and the contacts they must never go to."""

from __future__ import annotations

from typing import Any

from django.db import models

from hearth.core import clock
from hearth.core.actor import Actor


class TimeStampedModel(models.Model):
    """Every record says when it was made and last changed, by Hearth's one clock."""

    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.updated_at = clock.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)


class IdempotencyRecord(models.Model):
    """A create request made with an ``Idempotency-Key``: a retry gets the same resource,
    the same key with a different request is refused (architecture §7)."""

    scope = models.CharField(max_length=80, help_text="Who made the request, e.g. agency:3.")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    resource_type = models.CharField(max_length=100)
    resource_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_unique_in_scope")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class Channel(models.TextChoices):
    """How a message reaches someone. Only email has an adapter; SMS is reserved so that
    unsafe phone numbers can be recorded now and suppressed when texts are added."""

    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class OutboundMessageQuerySet(models.QuerySet["OutboundMessage"]):
    def visible_to(self, actor: Actor) -> OutboundMessageQuerySet:
        """Who may see a message and its recipient (an address is personal data): the
        service operator's administrators, who keep mail flowing, see every message; the
        people of the team that sent it see their team's. Nobody else, so another team's
        messages look missing (architecture §4)."""
        if actor.is_host_administrator:
            return self.all()
        return self.filter(sender_team_id__in=actor.team_ids)

    def about(self, about_type: str, about_id: object) -> OutboundMessageQuerySet:
        """The messages about one record (``"obligations.obligation"``, ``12``)."""
        return self.filter(about_type=about_type, about_id=str(about_id))

    def not_delivered(self) -> OutboundMessageQuerySet:
        """Given up on, or failed and waiting to be tried again."""
        return self.filter(
            status__in=[OutboundMessage.Status.UNDELIVERABLE, OutboundMessage.Status.FAILED]
        )


class OutboundMessage(models.Model):
    """One message to one recipient, recorded whether it was sent or refused (domain.md
    §10.5: safe-contact enforcement on every outbound communication needs a record of
    what was and was not sent), and the outbox it waits in until it is delivered. Only
    ``notify`` creates these rows and only ``notify`` and its delivery worker
    (``core.delivery``) change them.

    The row keeps what delivery needs later, in another process: the body, the sender and
    a ``Message-ID`` made once, when the row is written, so a message sent twice (a worker
    stopped between sending and recording) reaches mail systems as one message.

    The body is kept only while the message may still be sent: it is cleared once the
    message is delivered, refused or given up on (undeliverable), because it may say more
    than the record needs (a sign-in link, for one); the subject, recipient, purpose and
    what it is about stay. ``about_type`` and ``about_id`` name the record the message is
    about (``"obligations.obligation"``, ``"12"``) and ``sender_agency_id`` and
    ``sender_team_id`` who sent it, as ids, because ``core`` refers to nothing else in
    Hearth.

    Statuses: queued (waiting for its first try) → sending (claimed by a worker until
    ``claimed_until``) → sent (delivered at ``sent_at``), or failed (will be tried again at
    ``next_attempt_at``) and, after the last attempt or a permanent refusal by the mail
    server, undeliverable. Refused: never sent, because the contact is unsafe."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Delivered"
        FAILED = "failed", "Failed: will be tried again"
        UNDELIVERABLE = "undeliverable", "Undeliverable"
        REFUSED = "refused", "Refused: the contact is not safe"

    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.CharField(max_length=254, help_text="The address it was sent to.")
    sender = models.CharField(max_length=254, blank=True, help_text="The From address.")
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField(blank=True, help_text="Kept only until it is sent or given up.")
    message_id = models.CharField(
        max_length=255, blank=True, help_text="The RFC 5322 Message-ID every try carries."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    refused_reason = models.CharField(
        max_length=200,
        blank=True,
        help_text="Why it was not sent: the reason the contact was marked unsafe.",
    )
    about_type = models.CharField(max_length=100, blank=True)
    about_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=100, blank=True)
    sender_agency_id = models.PositiveBigIntegerField(null=True, blank=True)
    sender_team_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(
        max_length=32, blank=True, help_text="Which worker's claim holds it while sending."
    )
    last_error = models.CharField(
        max_length=100, blank=True, help_text="The type of the last error, never its text."
    )
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutboundMessageQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["about_type", "about_id"]),
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"],
                condition=~models.Q(message_id=""),
                name="outbound_message_id_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} message {self.pk} ({self.status})"


class UnsafeContact(models.Model):
    """An email address or phone number that must never be written to (domain.md §9.4 and
    §10.5: suppress addresses and numbers shared with the perpetrator).

    ``value`` is stored normalised (``notify.normalise_contact``), so the same address
    typed with other capitals or spacing is the same row; a value is unsafe for every
    message, whoever it was recorded for. ``person_id`` and ``marked_by_agency_id`` are
    ids only: ``core`` refers to nothing else in Hearth."""

    channel = models.CharField(max_length=16, choices=Channel.choices)
    value = models.CharField(max_length=254)
    reason = models.CharField(
        max_length=200, help_text="For example: the perpetrator has access to this address."
    )
    person_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    marked_by_agency_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "value"], name="unsafe_contact_unique_per_channel"
            )
        ]

    def __str__(self) -> str:
        return f"Unsafe {self.channel} contact {self.pk}"
