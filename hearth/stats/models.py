"""Populations and DfE's published figures: the denominators of Hearth's rates and the
national picture each area's figures sit beside (issue 15 §2; domain.md §7.2, §11.4).

- A **PopulationEstimate** is ONS's mid-year estimate of an area's children aged 0 to 17
  (as DfE publishes it), or the demo's made-up one: one per (area code, mid-year, age
  group). The area code is the GSS code (``E06000001``; ``accounts.Area.code`` for a
  local authority), ``E12…``/``E13…`` for a region, ``E92000001`` for England. A police
  force's population is the sum over the local authorities it covers (``population``).
- A **PublishedReferrals** row is one line of DfE's Children in Need table C1 (referrals
  and re-referrals), for England, a region or a local authority, for the year to
  31 March ``year``. DfE's symbols (``c`` suppressed small count, ``x`` not available,
  ``u`` low reliability, ``z`` not applicable) are kept: the number is null and the
  symbol says why. The file publishes no rate: ``rate_per_10k`` is DfE's rate computed
  the way DfE computes it (referrals per 10,000 children at mid-(year−1), ``population``),
  from the imported estimate, and is null while that estimate is missing.

Nothing here is personal data (published aggregates and estimates of areas), so no
queryset needs ``visible_to``. Every change records a timeline event on the changed row
(``imports``).
"""

from __future__ import annotations

from django.db import models

from hearth.core.models import TimeStampedModel

# The age groups Hearth's rates use; other groups are skipped on import. Children aged
# 0 to 17 for the rates per 10,000 children (DfE); women aged 16 and over for MARAC's rate
# per 10,000 adult women (SafeLives).
CHILDREN_0_TO_17 = "0 to 17"
ADULT_WOMEN = "women 16+"
AGE_GROUP_WORDS = {CHILDREN_0_TO_17: "Children aged 0 to 17", ADULT_WOMEN: "Women aged 16 and over"}


class GeographicLevel(models.TextChoices):
    """DfE's ``geographic_level`` (Explore Education Statistics' names in the files)."""

    NATIONAL = "national", "National"
    REGIONAL = "regional", "Regional"
    LOCAL_AUTHORITY = "la", "Local authority"


class PopulationSource(models.TextChoices):
    ONS = "ons", "ONS mid-year estimates (as published by DfE)"
    DEMO = "demo", "Made-up demo figures"


class PopulationEstimate(TimeStampedModel):
    """An area's estimated population in one age group (children aged 0 to 17, or women
    aged 16 and over) at 30 June of ``mid_year``."""

    code = models.CharField(max_length=9, help_text="GSS code of the area.")
    name = models.CharField(max_length=120)
    geographic_level = models.CharField(max_length=16, choices=GeographicLevel.choices)
    mid_year = models.PositiveSmallIntegerField()
    age_group = models.CharField(max_length=20, default=CHILDREN_0_TO_17)
    estimate = models.PositiveIntegerField()
    source = models.CharField(
        max_length=8, choices=PopulationSource.choices, default=PopulationSource.ONS
    )

    class Meta:
        ordering = ["code", "mid_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "mid_year", "age_group"], name="stats_population_once"
            )
        ]

    def __str__(self) -> str:
        words = AGE_GROUP_WORDS.get(self.age_group, f"aged {self.age_group}")
        return f"{self.name} ({self.code}), mid-{self.mid_year}, {words.lower()}"


class PublishedReferrals(TimeStampedModel):
    """DfE's Children in Need table C1 for one area and one year to 31 March ``year``
    (``year`` 2025 is DfE's 2024-25). Counts as published (England and regions rounded
    to the nearest 10 by DfE); each measure's ``*_symbol`` holds DfE's symbol when the
    number is not given."""

    year = models.PositiveSmallIntegerField(help_text="The year to 31 March of this year.")
    geographic_level = models.CharField(max_length=16, choices=GeographicLevel.choices)
    code = models.CharField(max_length=9, help_text="GSS code of the area.")
    name = models.CharField(max_length=120)
    region_code = models.CharField(max_length=9, blank=True)
    region_name = models.CharField(max_length=120, blank=True)
    old_la_code = models.CharField(max_length=3, blank=True, help_text="DfE's LA number.")

    referrals = models.PositiveIntegerField(null=True)
    referrals_symbol = models.CharField(max_length=1, blank=True)
    rereferrals = models.PositiveIntegerField(null=True)
    rereferrals_symbol = models.CharField(max_length=1, blank=True)
    rereferral_percent = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    rereferral_percent_symbol = models.CharField(max_length=1, blank=True)
    no_further_action = models.PositiveIntegerField(null=True)
    no_further_action_symbol = models.CharField(max_length=1, blank=True)
    no_further_action_percent = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    no_further_action_percent_symbol = models.CharField(max_length=1, blank=True)

    rate_per_10k = models.DecimalField(
        max_digits=7,
        decimal_places=1,
        null=True,
        help_text="Referrals per 10,000 children aged 0 to 17 at mid-(year−1).",
    )
    rate_mid_year = models.PositiveSmallIntegerField(
        null=True, help_text="The mid-year estimate the rate was computed on."
    )

    class Meta:
        ordering = ["-year", "code"]
        verbose_name_plural = "published referrals"
        constraints = [
            models.UniqueConstraint(fields=["year", "code"], name="stats_c1_once"),
        ]

    def __str__(self) -> str:
        return f"DfE C1 {self.year - 1}-{self.year % 100:02d}: {self.name} ({self.code})"


# ---------------------------------------------------------------------------------------
# The maintained aggregates (issue 15 §5): what the statistics pages read instead of the
# ledger. Two levels, both kept up to date by ``hearth.stats.refresh`` (run by the worker,
# ``manage.py refresh_stats --every 60``), with a watermark per source so a missed run
# catches up:
#
# 1. **Facts**: one narrow row per thing counted (a notification, a deadline, an
#    incident, a MARAC referral, an assessment, a child in a high-risk household, a
#    specialist referral, an unmet need), copied from the ledger with only what the
#    measures need: integer ids (never shown, never joined to a person by any page),
#    areas, agencies, moments, codes. No names, no text.
# 2. **MonthlyFigure**: counts by London month, measure, local authority, force, agency
#    and category, summed from the facts for each month a refresh touched. Every period
#    the pages offer (month, quarter, year, financial year) is a set of whole months, so
#    a page sums at most a few hundred of these rows per area.
#
# Only what depends on "now" (work open now: pending or overdue) is counted from the
# facts at view time, through a partial index of open deadlines.
# ---------------------------------------------------------------------------------------


class Watermark(models.Model):
    """How far the refresh of one source has got: rows of the source changed at or before
    ``position`` are in the facts. A run re-reads from ``position − overlap`` (a transaction
    that committed late is not missed) and upserts, so re-reading is harmless."""

    source = models.CharField(max_length=40, unique=True)
    position = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_run_rows = models.PositiveIntegerField(default=0)
    last_run_seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"{self.source} at {self.position}"


class _Fact(models.Model):
    """Common columns: the London month the fact counts in (first day), its local
    authority (``accounts.Area`` id), the police force area covering it (``accounts.Area``
    id), the agency whose work it is (``accounts.Agency`` id) and when it was refreshed.
    Plain integers, not foreign keys: the facts are a copy, rebuilt at will, and never a
    way back to a record."""

    month = models.DateField()
    local_authority_id = models.BigIntegerField(null=True)
    force_id = models.BigIntegerField(null=True)
    agency_id = models.BigIntegerField(null=True)
    refreshed_at = models.DateTimeField()
    # DISCLOSURE-2's record key (0 to 255, ``hearth.stats.keys``): summed into the cell
    # key of every figure that counts this fact.
    record_key = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk} ({self.month:%Y-%m})"


class NotificationFact(_Fact):
    """A child concern notification (one child, one incident, one front door): the
    referral. ``agency_id`` is the front door's agency; ``source`` the CIN census
    referral source code (``6`` the police); ``re_referral`` whether the same child's
    previous referral to the same front door was within 12 months (DfE table C1)."""

    obligation_id = models.BigIntegerField(unique=True)
    child_id = models.BigIntegerField()
    incident_id = models.BigIntegerField(null=True)
    source = models.CharField(max_length=4)
    received_at = models.DateTimeField()
    acknowledge_due = models.DateTimeField(null=True)
    acknowledged_at = models.DateTimeField(null=True)
    decide_due = models.DateTimeField(null=True)
    decided_at = models.DateTimeField(null=True)
    decision = models.CharField(max_length=40, blank=True)
    re_referral = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["child_id", "agency_id", "received_at"])]


class DeadlineFact(_Fact):
    """One stage's clock of one obligation (``obligations.Deadline``): the route, the
    stage, when it started and was due, when it was met. ``agency_id``/``team_id`` are
    the recipient's (whose clock it is); ``minutes`` the whole minutes from start to met."""

    deadline_id = models.BigIntegerField(unique=True)
    obligation_id = models.BigIntegerField()
    route = models.CharField(max_length=40)
    stage = models.CharField(max_length=20)
    team_id = models.BigIntegerField(null=True)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True)
    minutes = models.PositiveIntegerField(null=True)

    class Meta:
        indexes = [
            # Work open now: pending or overdue, counted at view time. It holds what the
            # count filters by (PostgreSQL: an index-only scan), so the open work's rows,
            # scattered through the table, are not read one page each.
            models.Index(
                fields=["route", "stage", "due_at"],
                name="stats_deadline_open_cover",
                condition=models.Q(done_at__isnull=True),
                include=["month", "local_authority_id", "force_id", "agency_id", "record_key"],
            ),
            models.Index(fields=["team_id", "month"]),
        ]


class IncidentFact(_Fact):
    """A submitted incident: its children and how many were recorded as victims in
    their own right (Domestic Abuse Act 2021 s.3). ``month`` is when it happened."""

    incident_id = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    children = models.PositiveSmallIntegerField(default=0)
    victims_in_own_right = models.PositiveSmallIntegerField(default=0)


class MaracFact(_Fact):
    """A MARAC referral (a case): sent when, a repeat or not, from the police or another
    agency, heard or not, and the children of its household."""

    obligation_id = models.BigIntegerField(unique=True)
    sent_at = models.DateTimeField()
    repeat = models.BooleanField(default=False)
    from_police = models.BooleanField(default=True)
    heard = models.BooleanField(default=False)
    children = models.PositiveSmallIntegerField(default=0)


class AssessmentFact(_Fact):
    """A completed front-door assessment and its domestic abuse factors (CIN codes 3A the
    child, 3B a parent or carer, 3C another person in the household). ``month`` is when
    it was completed (authorised)."""

    assessment_id = models.BigIntegerField(unique=True)
    completed_on = models.DateField()
    factor_3a = models.BooleanField(default=False)
    factor_3b = models.BooleanField(default=False)
    factor_3c = models.BooleanField(default=False)


class KnownFact(_Fact):
    """A child in a household whose adult victim was graded high risk or referred to
    MARAC at an incident (the child's first such incident in its month): known to
    children's services when it happened, or within 5 working days after. ``within_5``
    is null until the 5th working day has ended (not yet decidable)."""

    incident_id = models.BigIntegerField()
    child_id = models.BigIntegerField()
    occurred_at = models.DateTimeField()
    already_known = models.BooleanField(default=False)
    within_5 = models.BooleanField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident_id", "child_id"], name="stats_known_once")
        ]


class SpecialistFact(_Fact):
    """A referral to specialist support for a child victim: when referred, answered
    (``answer``: accepted, waiting_list, declined), started and ended, the child's age
    band, and the days waited from referral to start."""

    obligation_id = models.BigIntegerField(unique=True)
    age_band = models.CharField(max_length=20, blank=True)
    referred_at = models.DateTimeField()
    answer = models.CharField(max_length=20, blank=True)
    answered_at = models.DateTimeField(null=True)
    started_on = models.DateField(null=True)
    ended_on = models.DateField(null=True)
    wait_days = models.PositiveIntegerField(null=True)


class UnmetNeedFact(_Fact):
    """A child's need for specialist support that no service could meet: area, age band,
    reason, when it was opened and closed."""

    unmet_need_id = models.BigIntegerField(unique=True)
    age_band = models.CharField(max_length=20, blank=True)
    reason = models.CharField(max_length=40)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True)


class MonthlyFigure(models.Model):
    """One count: ``value`` of ``measure`` (a ``hearth.stats.figures.Measure``) in the
    London month starting ``month``, for one local authority, force area and agency
    (each may be null: not applicable), split by ``category`` (a source code, a
    decision, ``route:stage:result``, a duration bucket; ``""`` when not split).
    Rebuilt from the facts for every month a refresh touched."""

    measure = models.CharField(max_length=40)
    month = models.DateField()
    local_authority_id = models.BigIntegerField(null=True)
    force_id = models.BigIntegerField(null=True)
    agency_id = models.BigIntegerField(null=True)
    category = models.CharField(max_length=80, blank=True)
    value = models.BigIntegerField()
    # The sum of the record keys of what ``value`` counts (DISCLOSURE-2): additive like
    # ``value``, so a period's or an area's cell key is a sum of these, modulo 256.
    ckey = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["measure", "month"]),
            # One agency's figures (a manager's own work, the agency filter): the
            # ``*_BY_AGENCY`` measures are split by agency, with schools as agencies.
            models.Index(fields=["measure", "agency_id", "month"], name="stats_figure_agency"),
            # One area's figures (the area and force filters, a partnership of a few
            # areas among a nation's): read from the index alone on PostgreSQL.
            models.Index(
                fields=["measure", "local_authority_id", "month"],
                include=["category", "value", "ckey"],
                name="stats_figure_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.month:%Y-%m} {self.category}: {self.value}"
