"""Education settings, the people who keep their pupils safe, and their term calendars.

- An **EducationSetting** is a school, college or other establishment as the
  Department for Education's "Get Information About Schools" (GIAS) register lists it,
  keyed by its URN (unique reference number). It is reference data, not personal data:
  imported (``schools.imports``), re-imported idempotently, and never deleted: a closed
  setting is kept (a child's record may name it) but never notified.
- Where the setting uses Hearth it has an ``agency`` (kind ``school``) and a
  ``dsl_team``: the designated safeguarding lead's inbox that Operation Encompass
  notifications are addressed to (domain.md §3.2: "notification to the school's
  Designated Safeguarding Lead (DSL)").
- A **SettingContact** names a Hearth user as the setting's DSL or a deputy DSL. The
  sweeper escalates an unacknowledged notification to the DSL, then the deputies, then
  the local authority's education safeguarding team (issue 6 point 6).
- A **TermCalendar** belongs to a local authority (its maintained schools' terms) or to
  one setting (academies and independent schools set their own, overriding the local
  authority's). It has **TermPeriod** rows (the days the school is open, weekends and
  bank holidays aside), **InsetDay** rows (training days inside a term when pupils are
  not in), the school day's start time, and a version that goes up with every change,
  so a stored due time says which calendar produced it. ``core.calendar`` does the
  arithmetic on plain copies of these rows (``selectors.school_calendars_for``).

Access: settings and calendars are reference data that every signed-in person may read
(the intake chooses a child's school from the directory); only the service operator's
administrators change them. A setting's contacts are people who work there: shown to
administrators and to the setting's own agency.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from hearth.core.actor import Actor
from hearth.core.models import TimeStampedModel

# The school day starts at 08:45 unless a calendar says otherwise (most English schools
# open their doors between 08:30 and 09:00; domain.md §3.2 sets the deadline at "the start
# of the next school day", so each calendar records its own).
DEFAULT_DAY_STARTS = dt.time(8, 45)


class SettingStatus(models.TextChoices):
    """GIAS ``EstablishmentStatus (name)``, folded to what routing needs: a setting that
    is open (including "open, but proposed to close") is notified; any other is not."""

    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    PROPOSED_TO_OPEN = "proposed_to_open", "Proposed to open"


class EducationSettingQuerySet(models.QuerySet["EducationSetting"]):
    def visible_to(self, actor: Actor) -> EducationSettingQuerySet:
        """The directory is public reference data: every acting person may read it."""
        return self.all()

    def open(self) -> EducationSettingQuerySet:
        return self.filter(status=SettingStatus.OPEN)


class EducationSetting(TimeStampedModel):
    urn = models.CharField("URN", max_length=8, unique=True)
    name = models.CharField(max_length=200)
    type_of_establishment = models.CharField(max_length=120, blank=True)
    phase = models.CharField(max_length=60, blank=True)
    statutory_low_age = models.PositiveSmallIntegerField(null=True, blank=True)
    statutory_high_age = models.PositiveSmallIntegerField(null=True, blank=True)
    la_code = models.CharField("local authority code", max_length=8, blank=True)
    la_name = models.CharField("local authority name", max_length=120, blank=True)
    local_authority = models.ForeignKey(
        "accounts.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="education_settings",
        help_text="The Hearth area of the setting's local authority, matched by name.",
    )
    status = models.CharField(max_length=20, choices=SettingStatus.choices)
    postcode = models.CharField(max_length=10, blank=True)
    agency = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="education_settings",
        help_text="The setting's own agency in Hearth, where it uses Hearth.",
    )
    trust = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trust_settings",
        help_text="A trust or federation whose system may act for this setting's DSL.",
    )
    dsl_team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="education_settings",
        help_text="The designated safeguarding lead's inbox for notifications.",
    )
    # A digest of the GIAS fields last imported: a re-import changes only what changed.
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    objects = EducationSettingQuerySet.as_manager()

    class Meta:
        ordering = ["name", "urn"]
        indexes = [models.Index(fields=["local_authority", "status"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"

    @property
    def is_open(self) -> bool:
        return self.status == SettingStatus.OPEN


class ContactRole(models.TextChoices):
    DSL = "dsl", "Designated safeguarding lead"
    DEPUTY = "deputy", "Deputy designated safeguarding lead"


class SettingContactQuerySet(models.QuerySet["SettingContact"]):
    def visible_to(self, actor: Actor) -> SettingContactQuerySet:
        if actor.is_host_administrator:
            return self.all()
        return self.filter(
            Q(setting__agency_id=actor.agency_id) | Q(setting__trust_id=actor.agency_id)
        )

    def current(self) -> SettingContactQuerySet:
        return self.filter(ended_at__isnull=True, user__is_active=True)


class SettingContact(TimeStampedModel):
    """A Hearth user who is the setting's DSL or a deputy (their team is their
    membership's team in the setting's agency)."""

    setting = models.ForeignKey(EducationSetting, on_delete=models.CASCADE, related_name="contacts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="setting_contacts"
    )
    role = models.CharField(max_length=10, choices=ContactRole.choices)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = SettingContactQuerySet.as_manager()

    class Meta:
        ordering = ["setting", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["setting", "user"],
                condition=Q(ended_at__isnull=True),
                name="one_current_contact_role_per_user_and_setting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} at setting {self.setting_id}"


class TermCalendar(TimeStampedModel):
    """One local authority's terms, or one setting's own (which override them)."""

    local_authority = models.ForeignKey(
        "accounts.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="term_calendars",
    )
    setting = models.OneToOneField(
        EducationSetting,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="own_calendar",
    )
    name = models.CharField(max_length=200)
    day_starts = models.TimeField(default=DEFAULT_DAY_STARTS)
    version = models.PositiveIntegerField(
        default=1, help_text="Goes up with every change to the calendar or its dates."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(local_authority__isnull=False) & Q(setting__isnull=True))
                | (Q(local_authority__isnull=True) & Q(setting__isnull=False)),
                name="term_calendar_for_an_authority_or_a_setting",
            ),
            models.UniqueConstraint(
                fields=["local_authority"],
                condition=Q(local_authority__isnull=False),
                name="one_term_calendar_per_local_authority",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def stamp(self) -> str:
        """Which calendar, at which version: stored on every due time it produces."""
        owner = (
            f"la-{self.local_authority_id}" if self.local_authority_id else f"urn-{self.setting_id}"
        )
        return f"{owner}/v{self.version}"


class TermPeriod(models.Model):
    """Days the school is open, from ``starts_on`` to ``ends_on`` inclusive (weekends and
    bank holidays inside it are still closed)."""

    calendar = models.ForeignKey(TermCalendar, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=80)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="term_ends_after_it_starts"
            ),
            models.UniqueConstraint(
                fields=["calendar", "starts_on"], name="one_term_per_start_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.starts_on}–{self.ends_on}"


class InsetDay(models.Model):
    """A training day in term time: staff in, pupils not, so not a school day for the
    purpose of a notification."""

    calendar = models.ForeignKey(TermCalendar, on_delete=models.CASCADE, related_name="inset_days")
    day = models.DateField()
    note = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "day"], name="one_inset_day_per_date")
        ]

    def __str__(self) -> str:
        return f"INSET day {self.day}"
