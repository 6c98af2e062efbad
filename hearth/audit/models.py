"""The append-only access log and the timeline (architecture.md §5).

``AccessEvent``: every read, search and export of personal data: who (user or agency
system), for which agency, which records, why, when. Rows are never changed or
deleted: the model refuses it and, on both SQLite and PostgreSQL, a database trigger
refuses any UPDATE.

``TimelineEvent``: every change, recorded on its subject (actor, verb, target,
payload). Field-level diffs are kept beside it by django-auditlog.

Users, agencies and API keys are referred to by model name, not imported: the audit
log sits below ``accounts`` so that every context, accounts included, can record.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from hearth.core import clock
from hearth.core.actor import Actor, Role


class AppendOnlyError(RuntimeError):
    """The access log and timeline are append-only."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit records are never changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit records are never deleted")


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit records are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit records are never deleted")


class AccessAction(models.TextChoices):
    READ = "read", "Read"
    SEARCH = "search", "Search"
    EXPORT = "export", "Export"


class AccessEventQuerySet(AppendOnlyQuerySet):
    def visible_to(self, actor: Actor) -> AccessEventQuerySet:
        """Administrators see the log: the service operator's for every agency, an
        agency's own for what was done in that agency's name. Nobody else does."""
        if actor.is_host_administrator:
            return self.all()
        if actor.has_role(Role.ADMINISTRATOR):
            return self.filter(agency_id=actor.agency_id)
        return self.none()


class AccessEvent(AppendOnlyModel):
    at = models.DateTimeField(default=clock.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    api_key = models.ForeignKey(
        "accounts.ApiKey", null=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "accounts.Agency", null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=16, choices=AccessAction.choices)
    purpose = models.CharField(max_length=200)
    route = models.CharField(max_length=200, blank=True)
    query = models.JSONField(default=dict, blank=True)
    result_count = models.PositiveIntegerField(default=0)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"]), models.Index(fields=["agency", "at"])]

    def __str__(self) -> str:
        return f"{self.action} by user {self.user_id} at {self.at:%Y-%m-%d %H:%M}"


class AccessEventRecord(AppendOnlyModel):
    """One record touched by an access event, indexed so the log can be searched by record."""

    event = models.ForeignKey(AccessEvent, on_delete=models.PROTECT, related_name="records")
    record_type = models.CharField(max_length=100)
    record_id = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id}"


class TimelineEventQuerySet(AppendOnlyQuerySet):
    def for_subject(self, subject: models.Model) -> TimelineEventQuerySet:
        return self.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk)
        )


class TimelineEvent(AppendOnlyModel):
    """Something that happened to a subject. Visible exactly where the subject is."""

    at = models.DateTimeField(default=clock.now, db_index=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_api_key = models.ForeignKey(
        "accounts.ApiKey", null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_agency = models.ForeignKey(
        "accounts.Agency", null=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.CharField(max_length=64)
    verb = models.CharField(max_length=100)
    summary = models.CharField(max_length=300)
    payload = models.JSONField(default=dict, blank=True)

    objects = TimelineEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"])]

    def __str__(self) -> str:
        return f"{self.verb} at {self.at:%Y-%m-%d %H:%M}"
