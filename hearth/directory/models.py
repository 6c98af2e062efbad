"""The directory of specialist services for children affected by domestic abuse, in the
shape of Open Referral UK 3.0 (domain.md §11.2; the profile's schemas are in
``../shared/data/oruk/schema/``).

- An **Organisation** (ORUK ``organization``) provides services; a Hearth agency may keep
  it current (``agency``), and an imported one may have none.
- A **Service** (ORUK ``service``) is what a child is referred to: who it is for (ages,
  which children), where (the local authorities it covers: ORUK ``service_area``), how it
  is delivered, and its **capacity** (places, taken, waiting weeks, open to referrals),
  which ORUK 3.0 has no field for (domain.md §11.2; HSDS 3.1's ``service_capacity``), so
  the feed carries it as the extra field ``x_capacity``.
- A **Location** (ORUK ``location``) and **ServiceAtLocation** say where it is delivered.
  A service with a secret location (a refuge) never shows an address outside Hearth.

Nothing here is personal data: every row describes an organisation, so no queryset
needs ``visible_to``. Every change records a timeline event on the changed row
(``services``).

``source`` and ``source_id`` name where an imported row came from (the feed or file and
the row's id there): a re-import matches on both and changes only what changed. Local
entries have a blank ``source``.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.db import models

from hearth.core.models import TimeStampedModel


class Eligible(models.TextChoices):
    """Which children a service is for (domain.md §11.1)."""

    CHILD_VICTIM = "child_victim", "Children who have lived with domestic abuse"
    YOUNG_PERSON_OWN_RELATIONSHIP = (
        "young_person_own_relationship",
        "Young people harmed in their own relationships",
    )
    CHILD_HARMING_PARENT = "child_harming_parent", "Children who harm a parent"
    WITH_MOTHER = "with_mother", "Children with their mother"


class Delivery(models.TextChoices):
    """How a service is delivered."""

    IN_PERSON = "in_person", "In person"
    GROUP = "group", "Group"
    ONLINE = "online", "Online"
    PHONE = "phone", "Phone"


class ServiceStatus(models.TextChoices):
    """ORUK 3.0 ``service.status`` (the profile also has defunct and temporarily closed:
    Hearth keeps active and inactive)."""

    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"


class Organisation(TimeStampedModel):
    """ORUK ``organization``: a provider of services."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    url = models.URLField(blank=True, max_length=500)
    agency = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directory_organisations",
        help_text="The Hearth agency that keeps this entry current (none for imported ones).",
    )
    source = models.CharField(max_length=500, blank=True, help_text="Blank for local entries.")
    source_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~models.Q(source=""),
                name="directory_organisation_source_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Service(TimeStampedModel):
    """ORUK ``service``: what a child can be referred to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=500)
    email = models.EmailField(blank=True)
    status = models.CharField(
        max_length=16, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directory_services",
        help_text="The Hearth team that receives referrals to this service.",
    )
    areas = models.ManyToManyField(
        "accounts.Area",
        blank=True,
        related_name="directory_services",
        help_text="The local authorities it covers (ORUK service_area).",
    )
    min_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Youngest age taken, inclusive; empty for no bound."
    )
    max_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Oldest age taken, inclusive; empty for no bound."
    )
    # Lists of codes held as JSON so that SQLite and PostgreSQL store them alike.
    eligible = models.JSONField(default=list, blank=True, help_text="Codes from Eligible.")
    delivery = models.JSONField(default=list, blank=True, help_text="Codes from Delivery.")
    languages = models.JSONField(default=list, blank=True, help_text="Language names.")
    free = models.BooleanField(default=True)
    cost_note = models.CharField(max_length=500, blank=True)
    secret_location = models.BooleanField(
        default=False, help_text="A refuge: its address never leaves Hearth."
    )
    # Capacity, kept by the provider (domain.md §11.1: waiting lists and turning away).
    places = models.PositiveIntegerField(null=True, blank=True)
    places_taken = models.PositiveIntegerField(null=True, blank=True)
    waiting_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    open_to_referrals = models.BooleanField(default=True)
    capacity_confirmed_on = models.DateField(null=True, blank=True)
    confirmed_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the provider last confirmed the entry (ORUK assured_date).",
    )
    # The confirmed_on date an assurance reminder was last sent for: one reminder per
    # lapse (a later confirmation makes a new lapse possible).
    reminded_for = models.DateField(null=True, blank=True, editable=False)
    source = models.CharField(max_length=500, blank=True, help_text="Blank for local entries.")
    source_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~models.Q(source=""),
                name="directory_service_source_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(min_age__isnull=True)
                | models.Q(max_age__isnull=True)
                | models.Q(min_age__lte=models.F("max_age")),
                name="directory_service_ages_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == ServiceStatus.ACTIVE

    @property
    def places_free(self) -> int | None:
        if self.places is None:
            return None
        return max(self.places - (self.places_taken or 0), 0)

    def unconfirmed_since(self, today: date) -> date | None:
        """The date last confirmed if that is more than the assurance period ago (or
        None while it is fresh). See ``policy.assurance_lapsed``."""
        from hearth.directory.policy import assurance_lapsed

        return self.confirmed_on if assurance_lapsed(self.confirmed_on, today) else None


class Location(TimeStampedModel):
    """ORUK ``location``: a place where services are delivered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="locations",
    )
    name = models.CharField(max_length=200, blank=True)
    address_1 = models.CharField(max_length=200, blank=True)
    address_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    source = models.CharField(max_length=500, blank=True)
    source_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.postcode or str(self.id)


class ServiceAtLocation(TimeStampedModel):
    """ORUK ``service_at_location``: a service delivered at a location."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="services_at")
    source = models.CharField(max_length=500, blank=True)
    source_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["service__name", "location__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"], name="directory_service_at_location_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} at {self.location}"
