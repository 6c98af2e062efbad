"""People, their names, identifiers and addresses, how they are related, and who lives where.

A Person is recorded once and referred to by every incident, concern and (later)
obligation, so that a child is one record across agencies, not a line in an adult's
case. Access: a person is visible to whoever may see a record that names them
(``people.visibility``: the incidents and checklists they are part of); the agency that
recorded them finds them only through the audited intake lookup (``for_intake``). Names
for matching are stored normalised beside the names people typed
(``people.policy.normalise_name``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q

from hearth.core.actor import Actor
from hearth.core.models import TimeStampedModel
from hearth.people.policy import KINSHIP_LABELS, Kinship, age_on, family_name_key, normalise_name
from hearth.people.visibility import person_ids_visible_to


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    UNKNOWN = "unknown", "Not known"


class Ethnicity(models.TextChoices):
    """The DfE census ethnicity codes (used in the CIN census), optional."""

    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WROM = "WROM", "Gypsy or Roma"
    WOTH = "WOTH", "Any other White background"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Black Caribbean"
    BAFR = "BAFR", "Black African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, actor: Actor) -> PersonQuerySet:
        """People named by a record the actor may see (an incident they may see, a
        checklist of their agency's): ``people.visibility``. Being recorded by the actor's
        agency is not enough. Administrators (of any agency) and analysts see no one."""
        if not actor.sees_case_content:
            return self.none()
        ids = person_ids_visible_to(actor)
        if ids is None:
            return self.none()
        return self.filter(pk__in=ids)

    def for_intake(self, actor: Actor) -> PersonQuerySet:
        """The scope of the intake lookup only: the people the actor's agency recorded,
        among whom someone recording an incident looks for an existing record (every
        lookup is an audited search, ``selectors.person_find_candidates``). Not a way to
        read a person: their page follows ``visible_to``."""
        if not actor.sees_case_content:
            return self.none()
        return self.filter(recorded_by_agency_id=actor.agency_id)


class Person(TimeStampedModel):
    given_names = models.CharField(max_length=120)
    family_name = models.CharField(max_length=120)
    date_of_birth = models.DateField(null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Years, when the date of birth is not known."
    )
    estimated_age_on = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=16, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, blank=True)
    first_language = models.CharField(max_length=80, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    communication_needs = models.TextField(blank=True)
    nhs_number = models.CharField(max_length=10, blank=True, db_index=True)
    unique_pupil_number = models.CharField(max_length=13, blank=True, db_index=True)
    police_person_id = models.CharField(max_length=40, blank=True)
    # Normalised keys for person lookup (``find_candidates``).
    given_names_key = models.CharField(max_length=120, editable=False, db_index=True)
    family_name_key = models.CharField(max_length=120, editable=False, db_index=True)
    recorded_by_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_names"]
        indexes = [
            models.Index(fields=["family_name_key", "date_of_birth"]),
            # Blocking for the person matcher (hearth.matching.lookup): each block is its
            # own indexed query. The search by name reads the first and last too (they
            # replaced its PostgreSQL-only copies, search 0004): with ``id``, an exact
            # family name's people are found from the index alone.
            models.Index(fields=["date_of_birth"], name="person_dob_idx"),
            models.Index(fields=["given_names_key", "date_of_birth"], name="person_given_dob_idx"),
            models.Index(
                fields=["family_name_key", "given_names_key", "id"],
                name="person_family_given_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.given_names_key = normalise_name(self.given_names)
        self.family_name_key = family_name_key(self.family_name)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    def age_on(self, day: dt.date) -> int | None:
        """Age in completed years, from the date of birth or the estimate."""
        if self.date_of_birth:
            return age_on(self.date_of_birth, day)
        if self.estimated_age is not None:
            since = self.estimated_age_on or day
            return self.estimated_age + max(0, age_on(since, day))
        return None


class PersonName(TimeStampedModel):
    """Another name a person is or was known by."""

    class Kind(models.TextChoices):
        ALIAS = "alias", "Also known as"
        PREVIOUS = "previous", "Previous name"
        BIRTH = "birth", "Name at birth"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="other_names")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ALIAS)
    given_names = models.CharField(max_length=120, blank=True)
    family_name = models.CharField(max_length=120)
    given_names_key = models.CharField(max_length=120, editable=False, db_index=True)
    family_name_key = models.CharField(max_length=120, editable=False, db_index=True)

    def __str__(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.given_names_key = normalise_name(self.given_names)
        self.family_name_key = family_name_key(self.family_name)
        super().save(*args, **kwargs)


class Address(TimeStampedModel):
    line_1 = models.CharField(max_length=200)
    line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100)
    # Indexed for the person matcher's postcode block (hearth.matching.lookup).
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    local_authority = models.ForeignKey(
        "accounts.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_confidential = models.BooleanField(
        default=False,
        help_text="For example a refuge: never shown to anyone who might tell the abuser.",
    )

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line_1, self.line_2, self.town, self.postcode) if p)


class PersonAddress(TimeStampedModel):
    """Where someone lives or lived: the history of a person's addresses."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="residents")
    lived_from = models.DateField(null=True, blank=True)
    lived_to = models.DateField(null=True, blank=True)

    class Meta:
        # The current address (no end date) first, on every database.
        ordering = [
            models.F("lived_to").desc(nulls_first=True),
            models.F("lived_from").desc(nulls_last=True),
        ]

    def __str__(self) -> str:
        return str(self.address)


class Relationship(TimeStampedModel):
    """How ``person`` stands to ``other`` (``kinship``), stored once per pair."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ties")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ties_back")
    kinship = models.CharField(
        max_length=40, choices=[(k.value, v) for k, v in KINSHIP_LABELS.items()]
    )
    parental_responsibility = models.BooleanField(
        default=False, help_text="``person`` has parental responsibility for ``other``."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "other"], name="one_relationship_per_pair"),
            models.CheckConstraint(condition=~Q(person=models.F("other")), name="not_self_related"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {KINSHIP_LABELS[Kinship(self.kinship)]} {self.other}"


class Household(TimeStampedModel):
    """The people who normally live together at an address."""

    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="households")

    def __str__(self) -> str:
        return f"Household at {self.address}"


class HouseholdMember(TimeStampedModel):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="households")
    lived_from = models.DateField(null=True, blank=True)
    lived_to = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "person"],
                condition=Q(lived_to__isnull=True),
                name="one_current_membership_per_household",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.household}"
