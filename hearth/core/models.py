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
