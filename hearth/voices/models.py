"""The child's voice after the scene (issue 14 §4): what a child said and how they are,
recorded by any practitioner who sees them (a school, the front door, a specialist
service, health, an IDVA, the police), with where they were seen, who else was there and
whether they were seen alone.

A ``VoiceEntry`` is append-only: it is never changed or deleted; a correction is a new
entry that names the entry it corrects (``corrects``). The child's own words are free
text: they are shown on the child's pages to whoever may see the child and never written
to a log or a timeline summary.

Access: whoever may see the child (``hearth.specialist.selectors.child_visible_to``: a
record naming them, or an obligation about them the actor may see); nobody else.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from hearth.core import clock
from hearth.core.actor import Actor
from hearth.obligations import policy as ledger
from hearth.obligations import registry
from hearth.obligations.models import Obligation
from hearth.people.models import Person


class AppendOnly(RuntimeError):
    """What a child said is never changed or deleted: record a correction instead."""


class VoiceEntryQuerySet(models.QuerySet["VoiceEntry"]):
    def visible_to(self, actor: Actor) -> VoiceEntryQuerySet:
        """Entries about a child the actor may see: named by a record it may see, or the
        subject of an obligation about a child it may see (or received, within the
        ledger's access window, for a route read on its own pages). One subquery; the
        pages about one child decide first with ``child_visible_to`` (which also follows
        a child listed on a sibling's notification)."""
        if not actor.sees_case_content:
            return self.none()
        named = Person.objects.visible_to(actor).order_by().values("pk")
        owed = (
            Obligation.objects.visible_to(actor)
            .filter(route__in=sorted(registry.about_child_keys()))
            .order_by()
            .values("subject_id")
        )
        received = (
            Obligation.objects.filter(
                team__agency_id=actor.agency_id, route__in=registry.read_elsewhere()
            )
            .exclude(status=ledger.Status.CREATED)
            .filter(Q(access_ends_at__isnull=True) | Q(access_ends_at__gt=clock.now()))
            .order_by()
            .values("subject_id")
        )
        return self.filter(Q(child_id__in=named) | Q(child_id__in=owed) | Q(child_id__in=received))

    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("A child's voice entry is never changed")

    def delete(self) -> Any:
        raise AppendOnly("A child's voice entry is never deleted")


class VoiceEntry(models.Model):
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    seen_on = models.DateField()
    where = models.CharField(max_length=200, help_text="For example at school, at home.")
    present = models.CharField(
        max_length=300, blank=True, help_text="Who else was there, if anyone."
    )
    seen_alone = models.BooleanField()
    said = models.TextField(help_text="What the child said, in their own words.")
    how_they_are = models.TextField(blank=True, help_text="How they presented, their demeanour.")
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    objects = VoiceEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-seen_on", "-created_at", "-id"]
        indexes = [models.Index(fields=["child", "seen_on"])]
        verbose_name_plural = "voice entries"

    def __str__(self) -> str:
        return f"What child {self.child_id} said, {self.seen_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("A child's voice entry is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly("A child's voice entry is never deleted")
