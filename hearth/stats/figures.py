"""The vocabulary of the maintained aggregates (``MonthlyFigure``), pure: each measure's
key and what its ``category`` holds, and the duration buckets the median and 90th
percentile are read from (issue 15 §1 and §5; docs/stats.md "Maintained aggregates").

A month's figures are sums, so any period of whole months is a sum of them. A median is
not a sum, so times are counted in **buckets**: whole minutes up to two hours, then
buckets each about 2 % wider than the one before. The nearest-rank percentile over the
buckets is the upper bound of the bucket that holds the exact nearest-rank time, so it is
never below the exact time and at most 2 % (or one minute) above it; pages say "about".
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
    # Deadlines started in the month and met: category "route:stage:on_time" or
    # "route:stage:late". Open ones are counted from DeadlineFact at view time.
    DEADLINES_MET = "deadlines_met"
    # Deadlines met, by time taken: category "route:stage:<bucket upper bound, minutes>".
    DURATIONS = "durations"
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

# Up to two hours every minute is its own bucket; after that each bucket is 2 % wider.
EXACT_MINUTES = 120
GROWTH = 1.02


def bucket(minutes: int) -> int:
    """The upper bound (in whole minutes) of the bucket holding ``minutes``."""
    if minutes < 0:
        raise ValueError("a time taken cannot be negative")
    if minutes <= EXACT_MINUTES:
        return minutes
    # The bounds are whole minutes: ceil(120 × 1.02^k) for k = 1, 2, ...; the bucket is
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
