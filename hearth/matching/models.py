"""Links between one person's records across agencies (issue 16 §2).

A ``PersonLink`` joins two ``Person`` rows recorded by different agencies that the
matcher (``hearth.people.matching``) found to be the same person, stamped with the match
probability, the explanation and the model version it came from. The rows joined by
links in force make one identity (``policy.components``).

Access: a link grants nothing. It is read, with the fields needed to decide, only by a
data-quality reviewer through the review queue (``visible_to``); everyone else meets
links only as counts ("also known to 1 other agency") and as history that counts for
MARAC criteria, through ``selectors``, never as another agency's record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from hearth.core.actor import Actor, Role
from hearth.core.models import TimeStampedModel
from hearth.matching.policy import IN_FORCE, STATUS_LABELS, LinkStatus


class LinkQuerySet(models.QuerySet["PersonLink"]):
    def visible_to(self, actor: Actor) -> LinkQuerySet:
        """Data-quality reviewers (of the service operator or a partnership) see every
        link; nobody else sees any (they meet links only as counts)."""
        if not actor.has_role(Role.DATA_QUALITY_REVIEWER):
            return self.none()
        return self.all()

    def in_force(self) -> LinkQuerySet:
        return self.filter(status__in=[s.value for s in IN_FORCE])

    def pending(self) -> LinkQuerySet:
        return self.filter(status=LinkStatus.PENDING.value)


class PersonLink(TimeStampedModel):
    class Status(models.TextChoices):
        """``policy.LinkStatus`` as stored, with its labels."""

        PENDING = LinkStatus.PENDING.value, STATUS_LABELS[LinkStatus.PENDING]
        LINKED = LinkStatus.LINKED.value, STATUS_LABELS[LinkStatus.LINKED]
        CONFIRMED = LinkStatus.CONFIRMED.value, STATUS_LABELS[LinkStatus.CONFIRMED]
        REJECTED = LinkStatus.REJECTED.value, STATUS_LABELS[LinkStatus.REJECTED]
        UNDONE = LinkStatus.UNDONE.value, STATUS_LABELS[LinkStatus.UNDONE]

    class Method(models.TextChoices):
        AUTOMATIC = "automatic", "Found by the matcher"
        BATCH = "batch", "Found by a whole-population run"

    # Stored once per pair, lower id first (``policy.ordered``).
    person_a = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="links_as_a"
    )
    person_b = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="links_as_b"
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    method = models.CharField(max_length=16, choices=Method.choices, default=Method.AUTOMATIC)
    probability = models.FloatField(help_text="The match probability, 0 to 1.")
    # Comparison by comparison, in words a practitioner can check (no personal data:
    # "Same date of birth", "Date of birth with day and month swapped").
    explanation = models.JSONField(default=list, blank=True)
    model_version = models.CharField(max_length=80, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="one_link_per_pair"),
            models.CheckConstraint(condition=Q(person_a__lt=F("person_b")), name="link_ordered"),
        ]
        indexes = [
            # The review queue: pending links, oldest first.
            models.Index(fields=["status", "created_at", "id"], name="link_queue"),
            models.Index(fields=["person_b", "status"], name="link_person_b"),
        ]

    def __str__(self) -> str:
        return f"Link {self.pk} ({self.status})"

    @property
    def link_status(self) -> LinkStatus:
        return LinkStatus(self.status)

    @property
    def in_force(self) -> bool:
        return self.link_status in IN_FORCE

    @property
    def probability_percent(self) -> str:
        return f"{self.probability * 100:.1f}%"
