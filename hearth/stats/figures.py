"""The vocabulary of the maintained aggregates (``MonthlyFigure``), pure: each measure's
key and what its ``category`` holds, and the duration buckets the median and 90th
percentile are read from (issue 15 §1 and §5; docs/stats.md "Maintained aggregates").

A month's figures are sums, so any period of whole months is a sum of them. A median is
not a sum, so times are counted in **buckets**: whole minutes up to an hour, then
buckets each about 5 % wider than the one before (about 250 buckets cover a year). The
nearest-rank percentile over the buckets is the upper bound of the bucket that holds the
exact nearest-rank time, so it is never below the exact time and at most 5 % (or one
minute) above it: about the median, within 5 % or a minute; pages say "about". The
buckets are coarse on purpose: the figures are split by area, month, route and stage,
and finer buckets made nearly one figure per deadline at national scale.

Timeliness is counted twice: ``DEADLINES_MET`` and ``DURATIONS`` summed over agencies
(``agency_id`` null), which every page reads unless it names an agency, and
``DEADLINES_MET_BY_AGENCY`` and ``DURATIONS_BY_AGENCY`` split by the agency whose clock it
is, read only when the filters or the scope name an agency (a manager's own work, the
agency filter). With Operation Encompass every school is an agency, so the split by
agency has about as many figures as there are deadlines; the page for a whole area should
not sum them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from enum import StrEnum


class Measure(StrEnum):
    """``MonthlyFigure.measure``; the comment says what ``category`` holds."""

    # Notifications received (referrals): category = CIN referral source code ("6" police).
    REFERRALS = "referrals"
    # Referrals that were re-referrals within 12 months: category "".
    RE_REFERRALS = "re_referrals"
    # Front door decisions of notifications received in the month: category = decision.
    DECISIONS = "decisions"
    # Incidents that happened: category = number of children ("0" … "4", "5+").
    INCIDENTS = "incidents"
    # Children at incidents (child-incident pairs): category "" (all) or "s3" (victims in
    # their own right).
    CHILDREN = "children"
    # Deadlines started in the month and met, summed over agencies (agency_id null):
    # category "route:stage:on_time" or "route:stage:late". Open ones are counted from
    # DeadlineFact at view time.
    DEADLINES_MET = "deadlines_met"
    # Deadlines met, by time taken, summed over agencies (agency_id null): category
    # "route:stage:<bucket upper bound, minutes>".
    DURATIONS = "durations"
    # The same two split by the agency whose clock it is: read only when the filters or
    # the scope name an agency.
    DEADLINES_MET_BY_AGENCY = "deadlines_met_by_agency"
    DURATIONS_BY_AGENCY = "durations_by_agency"
    # The same two summed over every area as well (local authority, force and agency all
    # null; only facts with a local authority or a force area): read when a scope covers
    # every local authority of the deployment and nothing narrows it (a national
    # analyst), where summing each area's figures would read a row per area, month,
    # route, stage and time bucket.
    DEADLINES_MET_ALL_AREAS = "deadlines_met_all_areas"
    DURATIONS_ALL_AREAS = "durations_all_areas"
    # Assessments completed: category "" (all), "3A", "3B", "3C", "any" (any of them).
    ASSESSMENTS = "assessments"
    # MARAC referrals sent: category "" (all), "repeat", "others" (not from the police),
    # "heard", "children".
    MARAC = "marac"
    # Children in high-risk households: category "" (all), "already", "within_5",
    # "decided" (the 5 working days have ended).
    KNOWN = "known"
    # Specialist referrals made in the month: category "" (all), "accepted",
    # "waiting_list", "declined", "started", "completed", "age:<band>".
    SPECIALIST = "specialist"
    # Days waited from referral to start, of referrals that started: category = days.
    SPECIALIST_WAIT = "specialist_wait"
    # Unmet needs opened: category "reason:<reason>|age:<band>".
    UNMET_NEED = "unmet_need"


ON_TIME = "on_time"
LATE = "late"

# Up to an hour every minute is its own bucket; after that each bucket is 5 % wider.
EXACT_MINUTES = 60
GROWTH = 1.05


def bucket(minutes: int) -> int:
    """The upper bound (in whole minutes) of the bucket holding ``minutes``."""
    if minutes < 0:
        raise ValueError("a time taken cannot be negative")
    if minutes <= EXACT_MINUTES:
        return minutes
    # The bounds are whole minutes: ceil(60 × 1.05^k) for k = 1, 2, ...; the bucket is
    # the first bound at or above ``minutes`` (k found by logarithm, then checked either
    # side, since the bounds are rounded up).
    k = max(1, math.ceil(math.log(minutes / EXACT_MINUTES) / math.log(GROWTH)) - 1)
    while _bound(k) < minutes:
        k += 1
    return _bound(k)


def _bound(k: int) -> int:
    return math.ceil(EXACT_MINUTES * GROWTH**k)


def percentile_of_buckets(counts: Mapping[int, int], p: float) -> int | None:
    """The nearest-rank ``p``th percentile (value at rank ceil(p/100 × n), ascending) of
    the times counted in ``counts`` (bucket upper bound → how many): the upper bound of
    the bucket holding that rank. None when nothing was counted."""
    n = sum(counts.values())
    if n == 0:
        return None
    rank = max(1, math.ceil(p / 100 * n))
    seen = 0
    for upper in sorted(counts):
        seen += counts[upper]
        if seen >= rank:
            return upper
    raise AssertionError("unreachable: the ranks add up to n")


def deadline_category(route: str, stage: str, result: str) -> str:
    return f"{route}:{stage}:{result}"


def split_category(category: str) -> tuple[str, str, str]:
    route, stage, rest = category.split(":", 2)
    return route, stage, rest


def children_category(n: int) -> str:
    return "5+" if n >= 5 else str(n)


def unmet_category(reason: str, age_band: str) -> str:
    return f"reason:{reason}|age:{age_band}"


def sum_by(rows: Iterable[tuple[str, int]]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for key, value in rows:
        totals[key] = totals.get(key, 0) + value
    return totals
