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

# The one age group Hearth's child rates use; other groups are skipped on import.
CHILDREN_0_TO_17 = "0 to 17"


class GeographicLevel(models.TextChoices):
    """DfE's ``geographic_level`` (Explore Education Statistics' names in the files)."""

    NATIONAL = "national", "National"
    REGIONAL = "regional", "Regional"
    LOCAL_AUTHORITY = "la", "Local authority"


class PopulationSource(models.TextChoices):
    ONS = "ons", "ONS mid-year estimates (as published by DfE)"
    DEMO = "demo", "Made-up demo figures"


class PopulationEstimate(TimeStampedModel):
    """An area's estimated population in one age group at 30 June of ``mid_year``."""

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
        return f"{self.name} ({self.code}), mid-{self.mid_year}, aged {self.age_group}"


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
