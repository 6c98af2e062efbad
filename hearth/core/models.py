"""Base model for Hearth's records."""

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
