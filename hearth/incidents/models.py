"""Incidents recorded by the police, and concerns raised by other agencies, with each
person's part in them and each child's own involvement.

An Incident is a police domestic abuse incident or another agency's concern about a child
living with domestic abuse; both enter the same flow. Each child gets a
``ChildInvolvement`` of their own: what they saw, heard and said, whether they were
spoken to away from their parents, so the child is recorded as a victim in their own
right and not as a line in an adult's record.

Access (issue 3 point 11): response officers see the incidents they recorded; public
protection roles see all of their force's; an agency that raised a concern sees its own
concerns; nobody else yet (later issues grant access through referrals).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from hearth.core.actor import Actor, AgencyKind, Role
from hearth.core.models import TimeStampedModel
from hearth.incidents.policy import ABUSE_TYPE_LABELS, PartyRole

# Roles that see every incident their force recorded (public protection, MASH police).
FORCE_WIDE_ROLES = (Role.PUBLIC_PROTECTION_OFFICER,)


class IncidentQuerySet(models.QuerySet["Incident"]):
    def visible_to(self, actor: Actor) -> IncidentQuerySet:
        if not actor.sees_case_content:
            return self.none()
        own_agency = self.filter(recorded_by_agency_id=actor.agency_id)
        if actor.agency_kind == AgencyKind.POLICE_FORCE:
            if actor.has_role(*FORCE_WIDE_ROLES):
                return own_agency
            if actor.has_role(Role.RESPONSE_OFFICER) and actor.user_id is not None:
                return own_agency.filter(recorded_by_id=actor.user_id)
            return self.none()
        # Another agency sees the concerns it raised itself.
        return own_agency.filter(kind=Incident.Kind.CONCERN)


class Incident(TimeStampedModel):
    class Kind(models.TextChoices):
        POLICE = "police_incident", "Police incident"
        CONCERN = "concern", "Concern from another agency"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    class Pattern(models.TextChoices):
        SINGLE = "single_incident", "A single incident"
        COURSE_OF_CONDUCT = "course_of_conduct", "A course of conduct"
        NOT_KNOWN = "not_known", "Not known"

    class Pregnancy(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NOT_KNOWN = "not_known", "Not known"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.POLICE)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(
        default=0, help_text="0 while a draft; 1 when submitted; +1 for each amendment."
    )
    recorded_by_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    police_reference = models.CharField(max_length=40, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    location_line_1 = models.CharField(max_length=200, blank=True)
    location_town = models.CharField(max_length=100, blank=True)
    location_postcode = models.CharField(max_length=10, blank=True)
    local_authority = models.ForeignKey(
        "accounts.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attending_officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+"
    )
    other_attending = models.CharField(
        max_length=300, blank=True, help_text="Officers without a Hearth account."
    )
    abuse_types = models.JSONField(default=list, blank=True)
    pattern = models.CharField(max_length=20, choices=Pattern.choices, default=Pattern.NOT_KNOWN)
    summary = models.TextField(blank=True, help_text="What happened, in the recorder's words.")
    injuries = models.TextField(blank=True)
    weapons_used = models.BooleanField(null=True, blank=True)
    weapons_description = models.CharField(max_length=300, blank=True)
    crimes_recorded = models.CharField(max_length=300, blank=True)
    arrest_made = models.BooleanField(null=True, blank=True)
    no_arrest_reason = models.TextField(blank=True)
    victim_pregnant = models.CharField(
        max_length=10, choices=Pregnancy.choices, default=Pregnancy.NOT_KNOWN
    )
    no_children_attested = models.BooleanField(default=False)
    no_children_how = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The public protection unit's review of a submitted incident (issue 17): who, when and
    # their note. Not reviewed while ``reviewed_at`` is empty.
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.TextField(blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recorded_by_agency", "police_reference"],
                condition=~Q(police_reference=""),
                name="police_reference_unique_per_force",
            )
        ]
        indexes = [
            models.Index(fields=["recorded_by_agency", "status", "occurred_at"]),
            # What changed since a moment: the statistics' refresh reads by it each minute.
            models.Index(fields=["updated_at"], name="incident_updated_at"),
            # An agency's incidents newest first (the list's order, read backwards): the
            # page is the index's first rows, and the count reads the index alone.
            models.Index(
                fields=["recorded_by_agency", "occurred_at", "id"], name="incident_agency_newest"
            ),
            # A force's submitted incidents not yet reviewed: the PPU's count and list.
            models.Index(
                fields=["recorded_by_agency", "occurred_at"],
                condition=Q(status="submitted", reviewed_at__isnull=True),
                name="incident_to_review",
            ),
        ]

    def __str__(self) -> str:
        return self.police_reference or f"{self.get_kind_display()} {self.pk}"

    @property
    def title(self) -> str:
        """What people call it on pages (issue 17): the force's own reference, never a
        database number; a draft without one yet says so."""
        if self.police_reference:
            return self.police_reference
        if self.kind == self.Kind.CONCERN:
            return "Concern about a child"
        return "Incident without a reference yet"

    @property
    def abuse_type_labels(self) -> list[str]:
        return [ABUSE_TYPE_LABELS[t] for t in self.abuse_types if t in ABUSE_TYPE_LABELS]


class Party(TimeStampedModel):
    """A person's part in an incident."""

    class Role(models.TextChoices):
        ADULT_VICTIM = PartyRole.ADULT_VICTIM.value, "Adult victim"
        ALLEGED_PERPETRATOR = PartyRole.ALLEGED_PERPETRATOR.value, "Alleged perpetrator"
        CHILD = PartyRole.CHILD.value, "Child"
        OTHER_HOUSEHOLD_MEMBER = PartyRole.OTHER_HOUSEHOLD_MEMBER.value, "Other household member"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="parties")
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "person"], name="one_part_per_person_per_incident"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} in {self.incident}"


def people_in_incidents_visible_to(actor: Actor) -> models.QuerySet[Party, Any]:
    """The ids of everyone who is part of an incident the actor may see (adults and
    children alike: each child is also a party), for ``people.visibility``."""
    return (
        Party.objects.filter(incident__in=Incident.objects.visible_to(actor))
        .order_by()
        .values("person_id")
    )


class Education(models.TextChoices):
    REGISTERED = "registered", "Registered at a school, nursery or college"
    NOT_IN_EDUCATION = "not_in_education", "Not in education"
    ELECTIVELY_HOME_EDUCATED = "electively_home_educated", "Electively home educated"
    UNDER_SCHOOL_AGE = "under_school_age", "Under school age, not at nursery"
    NOT_KNOWN = "not_known", "Not known"


class ChildInvolvementQuerySet(models.QuerySet["ChildInvolvement"]):
    def visible_to(self, actor: Actor) -> ChildInvolvementQuerySet:
        return self.filter(incident__in=Incident.objects.visible_to(actor))


class ChildInvolvement(TimeStampedModel):
    """One child's involvement in one incident, in the officer's and the child's words."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="child_involvements"
    )
    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="involvements"
    )
    normally_resident = models.BooleanField(null=True, blank=True)
    present = models.BooleanField(null=True, blank=True)
    where_present = models.CharField(max_length=200, blank=True)
    saw = models.BooleanField(default=False)
    heard = models.BooleanField(default=False)
    experienced_effects = models.BooleanField(default=False)
    injured = models.BooleanField(null=True, blank=True)
    injuries = models.TextField(blank=True)
    welfare_check_done = models.BooleanField(null=True, blank=True)
    welfare_check_by = models.CharField(max_length=200, blank=True)
    spoken_to = models.BooleanField(null=True, blank=True)
    not_spoken_to_reason = models.TextField(blank=True)
    spoken_to_alone = models.BooleanField(null=True, blank=True, help_text="Away from the parents.")
    not_alone_reason = models.TextField(blank=True)
    spoken_where = models.CharField(max_length=200, blank=True)
    others_present = models.CharField(max_length=200, blank=True)
    own_words = models.TextField(blank=True, help_text="What the child said, word for word.")
    demeanour = models.TextField(blank=True, help_text="Behaviour and demeanour.")
    worries = models.TextField(blank=True, help_text="Worries the child expressed.")
    communication = models.CharField(
        max_length=200, blank=True, help_text="Communication needs or language used."
    )
    education = models.CharField(
        max_length=30, choices=Education.choices, default=Education.NOT_KNOWN
    )
    # The setting chosen from the directory (``incidents.directory``), by its URN; the
    # free-text name is for one the directory does not list.
    education_setting = models.CharField(max_length=200, blank=True)
    education_setting_urn = models.CharField(
        "URN of the school, nursery or college", max_length=8, blank=True
    )
    gp = models.CharField(max_length=200, blank=True)
    health_visitor = models.CharField(max_length=200, blank=True)

    objects = ChildInvolvementQuerySet.as_manager()

    class Meta:
        ordering = ["incident", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "child"], name="one_involvement_per_child_per_incident"
            )
        ]

    def __str__(self) -> str:
        return f"Child {self.child_id} in {self.incident}"


class IncidentVersion(models.Model):
    """The incident as it stood when submitted or amended: earlier versions are kept."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "version"], name="one_snapshot_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.incident} version {self.version}"
