"""Links between one person's records across agencies (issue 16 §2).

A ``PersonLink`` joins two ``Person`` rows recorded by different agencies that the
matcher (``hearth.people.matching``) found to be the same person, stamped with the match
probability, the explanation and the model version it came from. The rows joined by
links in force make one identity (``policy.components``).

Access: a link grants nothing. It is read, with the fields needed to decide, only by a
data-quality reviewer through the review queue (``visible_to``): the service operator's
reviewers every link, a safeguarding partnership's the links with a side recorded in its
areas. Everyone else meets links only as counts ("also known to 1 other agency") and as
history that counts for MARAC criteria, through ``selectors``, never as another agency's
record.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q, QuerySet

from hearth.accounts.models import Agency, Area
from hearth.core.actor import Actor, AgencyKind, Role
from hearth.core.models import TimeStampedModel
from hearth.matching.policy import IN_FORCE, STATUS_LABELS, LinkStatus


def _recorded_in_areas_of(agency_id: int) -> QuerySet[Any, Any]:
    """The agencies sharing an area with the partnership ``agency_id``, as a subquery of
    ids: each agency with an area among the partnership's own areas, its local
    authorities, or the police force areas covering them.

    The partnership's local authorities are those the statistics give its analysts
    (``stats.selectors._local_authorities_of``): its own, and every one in a police
    force area among its areas, so a force-wide partnership covers the whole force. A
    force-wide agency (a police force, whose area is the force area) serves each local
    authority in its force, as MARAC meetings (``marac.services.area_ids_of``) and
    routing (``obligations.reference``) already count it, so its records are in the scope
    of each of those authorities' partnerships: Northshire's partnership reviews a link
    between a Wessex Police record and a Southmoor front door's, as Southmoor's does.
    The recording agency is the record's area because every record has one; an address
    (and its local authority) is often unknown or confidential."""
    through = Agency.areas.through.objects
    own = through.filter(agency_id=agency_id).values("area_id")
    local_authorities = Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY).filter(
        Q(pk__in=own) | Q(police_force_area_id__in=own)
    )
    return through.filter(
        Q(area_id__in=own)
        | Q(area_id__in=local_authorities.values("pk"))
        | Q(area_id__in=local_authorities.values("police_force_area_id"))
    ).values("agency_id")


class LinkQuerySet(models.QuerySet["PersonLink"]):
    def visible_to(self, actor: Actor) -> LinkQuerySet:
        """The links a data-quality reviewer may read and decide (issue 16 §2).

        - The service operator's reviewers (``AgencyKind.HOST``) see every link: the
          operator answers for the whole service's data.
        - A safeguarding partnership's reviewers (``AgencyKind.ANALYTICS``) see the links
          with **at least one** side recorded by an agency that shares an area with the
          partnership (``_recorded_in_areas_of``). At least one, not both: a link is
          between two agencies, often of different areas (a Northshire police record
          and a Southmoor school's), and each area's partnership holds one side of it,
          so either may be the one to confirm or undo it; asking for both would leave
          every cross-area link to the operator alone, and those are the links most
          likely to matter (a family that moved). A record of another area is shown to
          a partnership only as the other side of a link to a record of its own.
        - Nobody else sees any link (they meet links only as counts), a reviewer of any
          other kind of agency included (``ROLES_BY_AGENCY_KIND`` allows none).

        No query of its own, whatever the scope: the agencies in the partnership's
        areas are one small uncorrelated subquery (agencies and areas, not people), and
        each side is its person's row by primary key, the join the review pages make
        anyway to show it, so the queue's query count does not change and no query
        reads every person (an ``EXISTS`` per side was planned by PostgreSQL as a hash
        of every person recorded in the areas). Lock with ``select_for_update(of=
        ("self",))``: the link's row, not its people's."""
        if not actor.has_role(Role.DATA_QUALITY_REVIEWER):
            return self.none()
        if actor.agency_kind == AgencyKind.HOST:
            return self.all()
        if actor.agency_kind == AgencyKind.ANALYTICS:
            agencies = _recorded_in_areas_of(actor.agency_id)
            return self.filter(
                Q(person_a__recorded_by_agency_id__in=agencies)
                | Q(person_b__recorded_by_agency_id__in=agencies)
            )
        return self.none()

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
