"""Base model for Hearth's records, and the records core keeps itself: idempotency keys,
outbound messages and the contacts they must never go to."""

from __future__ import annotations

from typing import Any

from django.db import models

from hearth.core import clock


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


class OutboundMessage(models.Model):
    """One message to one recipient, recorded whether it was sent or refused (domain.md
    §10.5: safe-contact enforcement on every outbound communication needs a record of
    what was and was not sent). Only ``notify`` creates or changes these rows.

    The body is not kept: it may say more than the record needs. ``about_type`` and
    ``about_id`` name the record the message is about (``"obligations.obligation"``,
    ``"12"``) as strings, because ``core`` refers to nothing else in Hearth."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        REFUSED = "refused", "Refused: the contact is not safe"
        FAILED = "failed", "Failed"

    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.CharField(max_length=254, help_text="The address it was sent to.")
    subject = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    refused_reason = models.CharField(
        max_length=200,
        blank=True,
        help_text="Why it was not sent: the reason the contact was marked unsafe.",
    )
    about_type = models.CharField(max_length=100, blank=True)
    about_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["about_type", "about_id"])]

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
