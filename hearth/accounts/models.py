"""Agencies, their areas and teams, the people who work there, and agency systems' API keys.

- An **Agency** is an organisation in the safeguarding flow (a police force, a local
  authority's children's services, a school, a MARAC, an IDVA service ...) serving one
  or more **Areas** (police force areas and local authorities, by ONS-style code).
- A **Team** is an organisation-addressed inbox inside an agency ("Northshire front
  door"): work is addressed to teams, never to a named person, so it survives
  holidays and staff changes.
- A **Membership** gives a user one role in one agency, optionally in one team. A user
  may hold memberships in several agencies and acts for one at a time.
- An **ApiKey** lets an agency's own system call the API; only its hash is stored.

Each model holding personal data has ``visible_to(actor)`` on its queryset; selectors
use it and nothing else decides who sees what (architecture §4).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q

from hearth.core import clock
from hearth.core.actor import Actor, AgencyKind, Role
from hearth.core.models import TimeStampedModel


class Country(models.TextChoices):
    ENGLAND = "england", "England"
    WALES = "wales", "Wales"


class Area(TimeStampedModel):
    """A police force area or a local authority, the unit that decides where work goes."""

    class Kind(models.TextChoices):
        POLICE_FORCE_AREA = "police_force_area", "Police force area"
        LOCAL_AUTHORITY = "local_authority", "Local authority"

    code = models.CharField(max_length=16, unique=True, help_text="ONS-style area code.")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    country = models.CharField(max_length=16, choices=Country.choices, default=Country.ENGLAND)
    police_force_area = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_authorities",
        limit_choices_to={"kind": Kind.POLICE_FORCE_AREA},
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agency(TimeStampedModel):
    kind = models.CharField(max_length=40, choices=AgencyKind.choices)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    areas = models.ManyToManyField(Area, blank=True, related_name="agencies")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class TeamFunction(models.TextChoices):
    """What a team's inbox is for; routing (a later issue) addresses work by function and area."""

    RESPONSE = "response", "Response policing"
    PUBLIC_PROTECTION = "public_protection", "Public protection"
    FRONT_DOOR = "front_door", "Children's services front door"
    EDUCATION_SAFEGUARDING = "education_safeguarding", "Education safeguarding"
    SCHOOL_SAFEGUARDING = "school_safeguarding", "School safeguarding (DSL)"
    MARAC = "marac", "MARAC coordination"
    IDVA = "idva", "IDVA service"
    SPECIALIST = "specialist", "Specialist children's service"
    HEALTH_VISITING = "health_visiting", "Health visiting"
    DUTY = "duty", "Duty and escalation"
    ANALYSIS = "analysis", "Analysis"
    ADMINISTRATION = "administration", "Administration"


class TeamQuerySet(models.QuerySet["Team"]):
    def visible_to(self, actor: Actor) -> TeamQuerySet:
        """A team, with its members, is visible to people acting for its agency, and to
        the service operator's administrators who configure it."""
        if actor.is_host_administrator:
            return self.all()
        return self.filter(agency_id=actor.agency_id)


class Team(TimeStampedModel):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    function = models.CharField(max_length=40, choices=TeamFunction.choices)
    email = models.EmailField(blank=True, help_text="The team's shared mailbox for alerts.")
    escalation_team = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Where overdue work goes after the team's manager (for example a duty team).",
    )
    is_active = models.BooleanField(default=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "slug"], name="team_slug_unique_in_agency")
        ]

    def __str__(self) -> str:
        return self.name


class HearthUserManager(UserManager["User"]):
    """Users sign in with their work email address; there are no usernames."""

    def _create_user_object(self, username: Any, email: Any, password: Any, **extra: Any) -> User:
        email = self.normalize_email(email or username)
        user = self.model(email=email, **extra)
        user.set_password(password)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        user = self._create_user_object(None, email, password, **extra)
        user.save(using=self._db)
        return user

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)

    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def visible_to(self, actor: Actor) -> UserQuerySet:
        return self.get_queryset().visible_to(actor)


class UserQuerySet(models.QuerySet["User"]):
    def visible_to(self, actor: Actor) -> UserQuerySet:
        """People who work for the actor's agency; the operator's administrators see all."""
        if actor.is_host_administrator:
            return self.all()
        return self.filter(memberships__agency_id=actor.agency_id).distinct()


class User(AbstractUser):
    """A person who works for one or more agencies. Signs in with email, password and TOTP."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    is_demo = models.BooleanField(
        default=False,
        help_text="A seeded demo account; may skip the second factor in demo mode only.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = HearthUserManager()  # type: ignore[misc]

    class Meta:
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class MembershipQuerySet(models.QuerySet["Membership"]):
    def visible_to(self, actor: Actor) -> MembershipQuerySet:
        if actor.is_host_administrator:
            return self.all()
        return self.filter(agency_id=actor.agency_id)

    def current(self) -> MembershipQuerySet:
        return self.filter(ended_at__isnull=True, agency__is_active=True)


class Membership(TimeStampedModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=40, choices=Role.choices)
    is_manager = models.BooleanField(
        default=False,
        help_text="Manages the team: its manager view, withdrawing work, and escalations.",
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "team", "role"],
                condition=Q(ended_at__isnull=True),
                name="membership_unique_while_current",
            ),
            models.UniqueConstraint(
                fields=["user", "agency", "role"],
                condition=Q(ended_at__isnull=True, team__isnull=True),
                name="membership_unique_without_team_while_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}, {self.agency}"


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def visible_to(self, actor: Actor) -> ApiKeyQuerySet:
        if actor.is_host_administrator:
            return self.all()
        if actor.has_role(Role.ADMINISTRATOR):
            return self.filter(agency_id=actor.agency_id)
        return self.none()

    def usable(self) -> ApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True, agency__is_active=True)


class ApiKey(TimeStampedModel):
    """A key for one agency system. Shown once when issued; only a SHA-256 hash is kept
    (the key is 256 random bits, so a slow hash adds nothing but latency)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="api_keys")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="api_keys"
    )
    name = models.CharField(max_length=120, help_text="Which system uses this key.")
    roles = models.JSONField(default=list, help_text="Roles the system acts with.")
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None and self.revoked_at <= clock.now()
