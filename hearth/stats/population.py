"""Which population a rate is computed on, and the rate itself (issue 15 §2; domain.md
§7.2, §11.4).

The rules (pure, no database):

- DfE's rate for the year to 31 March N uses ONS's mid-(N−1) estimate of children aged
  0 to 17 (``rate_year``): 2024-25's referrals (year to 31 March 2025) are divided by the
  children at 30 June 2024, the middle of that financial year.
- Any other period (a month, a quarter, a calendar year) uses the mid-year of the
  financial year its **last day** falls in (``mid_year_for``). For a financial year this
  is DfE's rule; a month or quarter lies in one financial year, so it gets that year's
  estimate; calendar year N ends in financial year N to N+1, so it uses mid-N, the
  estimate at its own middle. The choice keeps every period inside a financial year on
  the same denominator as the year, so the months' rates add up to the year's.
- ``per_10k``: count × 10,000 ÷ population, rounded half up to one decimal place
  (DfE's convention), computed on the unrounded count; no rate without a population.

Two lookups read the database (``children_population``, and ``adult_women_population``
for MARAC's rate per 10,000 women aged 16 and over, by the same rules): the people of one
area, or of several summed (a police force's area is the local authorities it covers), at the
period's mid-year. When that estimate is not published yet (ONS publishes about a year
after), it falls back to the latest earlier mid-year every area has, and says so
(``Population.is_latest_available``), so a page can label the rate rather than show none.
A sum is only made when every area has an estimate for the same mid-year: a partial sum
would understate the population and overstate the rate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from hearth.stats import disclosure

APRIL = 4
PER = 10_000


def rate_year(year_to_31_march: int) -> int:
    """The mid-year estimate a rate for the year to 31 March ``year_to_31_march`` uses:
    mid-(N−1), as DfE does (2024-25, the year to 31 March 2025, uses mid-2024)."""
    return year_to_31_march - 1


def financial_year_ending(day: dt.date) -> int:
    """N for the financial year (1 April N−1 to 31 March N) that ``day`` is in."""
    return day.year + 1 if day.month >= APRIL else day.year


def mid_year_for(last_day: dt.date) -> int:
    """The mid-year estimate for a period ending on ``last_day`` (inclusive): that of the
    financial year the last day falls in. 31 March 2025 → mid-2024; 1 April 2025 (or a
    period ending any day from then to 31 March 2026) → mid-2025."""
    return rate_year(financial_year_ending(last_day))


def per_10k(count: int | None, population: int | None) -> Decimal | None:
    """``count`` per 10,000 of ``population``, rounded as the deployment's disclosure
    rules round rates (DfE's: half up to one decimal place: ``disclosure.rate``); ``None``
    when either is missing or the population is not positive."""
    if count is None or population is None:
        return None
    return disclosure.rate(count, population, per=PER, rules=disclosure.DFE)


@dataclass(frozen=True)
class Population:
    """The people of one age group in ``codes`` together at mid-``mid_year``: children
    aged 0 to 17 (``children_population``) or women aged 16 and over
    (``adult_women_population``; ``children`` then holds the women: the field keeps its
    name for the child rates' callers). ``wanted`` is the mid-year the rule asked for
    (``mid_year`` is earlier when that one is not there)."""

    codes: tuple[str, ...]
    mid_year: int
    wanted: int
    children: int
    age_group: str = "0 to 17"

    @property
    def people(self) -> int:
        """How many people of the age group (children, or adult women)."""
        return self.children

    @property
    def is_latest_available(self) -> bool:
        return self.mid_year != self.wanted


def children_population(*, codes: Iterable[str], last_day: dt.date) -> Population | None:
    """Children in the areas ``codes`` (GSS codes; one, or the local authorities of a
    force) for the period ending ``last_day``: at ``mid_year_for(last_day)``, or the
    latest earlier mid-year every area has; ``None`` when there is none."""
    from hearth.stats.models import CHILDREN_0_TO_17

    return _population(codes=codes, last_day=last_day, age_group=CHILDREN_0_TO_17)


def adult_women_population(*, codes: Iterable[str], last_day: dt.date) -> Population | None:
    """Women aged 16 and over in the areas ``codes`` for the period ending ``last_day``,
    the denominator of MARAC referrals per 10,000 adult women (SafeLives), by the same
    rules as ``children_population``."""
    from hearth.stats.models import ADULT_WOMEN

    return _population(codes=codes, last_day=last_day, age_group=ADULT_WOMEN)


def _population(*, codes: Iterable[str], last_day: dt.date, age_group: str) -> Population | None:
    from hearth.stats.models import PopulationEstimate

    wanted_codes = tuple(sorted(set(codes)))
    if not wanted_codes:
        return None
    wanted = mid_year_for(last_day)
    by_year: dict[int, dict[str, int]] = {}
    rows = PopulationEstimate.objects.filter(
        code__in=wanted_codes, age_group=age_group, mid_year__lte=wanted
    ).values_list("mid_year", "code", "estimate")
    for mid_year, code, estimate in rows:
        by_year.setdefault(mid_year, {})[code] = estimate
    for mid_year in sorted(by_year, reverse=True):
        found = by_year[mid_year]
        if len(found) == len(wanted_codes):
            return Population(
                codes=wanted_codes,
                mid_year=mid_year,
                wanted=wanted,
                children=sum(found.values()),
                age_group=age_group,
            )
    return None
