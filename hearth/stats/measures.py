"""The measures' definitions (issue 15 §1; domain.md §7, §11.4), pure.

Every function takes plain rows (the frozen dataclasses below, which the ledger is read
into elsewhere) and returns counts, with shares and rates where a population is given.
Nothing here reads the database, logs, or rounds: disclosure control and rounding are
applied to the results afterwards, and rates are computed on unrounded counts (§11.4).

Definitions, in short (docs/stats.md "Measures" says them in plain words):

- A row is *in a period* when its defining moment (received, sent, incident) falls in it
  by its London day (``hearth.stats.periods``).
- **Re-referral** (DfE CIN table C1): a referral of a child received on a London day no
  later than 12 calendar months after the day of a previous referral of the same child to
  the same front door. "12 months" is by calendar date: a referral on 1 March 2024 is
  followed within 12 months by one on 1 March 2025, not by one on 2 March 2025 (12
  months and 1 day); from 29 February the 12 months end on 28 February. Rows from the 12
  months before the period must be passed in for the look-back.
- **Timeliness**: a stage is on time when it was done at or before its due moment; late
  when done after it, or not done and the due moment has passed; pending otherwise
  (excluded from the share). Times are the elapsed time from start to done; median and
  90th percentile by the **nearest-rank** method (the value at rank ceil(p/100 × n) in
  ascending order: always an observed value, so the median of two values is the
  smaller).
- **Children in MARAC households**: each case counts its children (a child in two
  households' cases counts in each case, as SafeLives counts), and ``distinct_children``
  counts each child once.
- **Known to children's services**: see ``known_to_childrens_services``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from hearth.core.calendar import Jurisdiction, local_date, working_day_deadline
from hearth.obligations.policy.deadlines import Stage
from hearth.referrals.policy import Decision, MaracOutcome, Route
from hearth.stats.periods import Period, add_months

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")

RE_REFERRAL_MONTHS = 12
KNOWN_WITHIN_WORKING_DAYS = 5
POLICE_SOURCE = "6"  # CIN census referral source code for the police (domain.md §7.1)
PER = 10_000


# --- Shares and rates ------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """``count`` of ``of``: a percentage only where ``of`` is not zero."""

    count: int
    of: int

    @property
    def percent(self) -> float | None:
        return 100 * self.count / self.of if self.of else None


def per_10000(count: int, population: int | None) -> float | None:
    """A rate per 10,000 of ``population`` (children aged 0-17, or adult women for
    MARAC), unrounded; None when there is no population to divide by."""
    return PER * count / population if population else None


def rates(counts: Mapping[K, int], populations: Mapping[K, int]) -> dict[K, float | None]:
    """``per_10000`` for every key of ``counts`` (None where its population is unknown)."""
    return {key: per_10000(n, populations.get(key)) for key, n in counts.items()}


def percentile(values: Sequence[T], p: float) -> T | None:
    """The ``p``-th percentile (0 < p <= 100) by nearest rank: the value at rank
    ceil(p/100 × n) of the values in ascending order; None for no values."""
    if not 0 < p <= 100:
        raise ValueError(f"A percentile is above 0 and at most 100 (p={p})")
    if not values:
        return None
    ordered = sorted(values)  # type: ignore[type-var]
    rank = math.ceil(p / 100 * len(ordered))
    return ordered[max(rank, 1) - 1]


def _in(period: Period, moment: dt.datetime | None) -> bool:
    return moment is not None and period.contains(moment)


# --- Rows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotificationRow:
    """One child concern notification (one child of one incident) at a front door.
    ``source`` is the CIN census referral source code ("6" for the police, §7.1);
    ``force`` and ``local_authority`` are the police force and the local authority the
    incident is in (used for the police's notifications); due moments are the stored
    deadlines."""

    notification_id: Hashable
    child_id: Hashable
    incident_id: Hashable
    front_door: Hashable
    source: str
    received_at: dt.datetime
    force: Hashable | None = None
    local_authority: Hashable | None = None
    acknowledge_due: dt.datetime | None = None
    acknowledged_at: dt.datetime | None = None
    decide_due: dt.datetime | None = None
    decided_at: dt.datetime | None = None
    decision: str | None = None  # a hearth.referrals.policy.Decision value


@dataclass(frozen=True)
class DeadlineRow:
    """One stage of one obligation with a deadline: a route's acknowledgement, decision
    or outcome, an Operation Encompass school told or acknowledged, a follow-up done."""

    route: str
    stage: str
    area: Hashable
    started_at: dt.datetime
    due_at: dt.datetime
    done_at: dt.datetime | None = None


@dataclass(frozen=True)
class IncidentChild:
    child_id: Hashable
    victim_in_own_right: bool  # Domestic Abuse Act 2021 s.3 (domain.md §5.3)


@dataclass(frozen=True)
class IncidentRow:
    incident_id: Hashable
    area: Hashable
    occurred_at: dt.datetime
    children: tuple[IncidentChild, ...] = ()


@dataclass(frozen=True)
class MaracReferralRow:
    """One MARAC referral (one case): the adult victim, the perpetrator, the children of
    the household, whether it is a repeat (SafeLives: a further incident within 12
    months of the last referral), and whether the police referred it."""

    referral_id: Hashable
    marac: Hashable
    victim_id: Hashable
    perpetrator_id: Hashable | None
    sent_at: dt.datetime
    repeat: bool
    from_police: bool = True
    outcome: str | None = None  # a hearth.referrals.policy.MaracOutcome value
    children: tuple[Hashable, ...] = ()


@dataclass(frozen=True)
class HighRiskHousehold:
    """An incident whose adult victim was graded high risk or referred to MARAC, with
    the children of the household and the jurisdiction whose working days count."""

    incident_id: Hashable
    area: Hashable
    occurred_at: dt.datetime
    children: tuple[Hashable, ...]
    jurisdiction: str = Jurisdiction.ENGLAND


@dataclass(frozen=True)
class ChildServicesContact:
    """When children's services came to know a child: a notification acknowledged
    (``known_from`` = its acknowledgement), or an assessment or plan open from
    ``known_from`` until ``until`` (None while open)."""

    child_id: Hashable
    known_from: dt.datetime
    until: dt.datetime | None = None
    is_notification: bool = True


# --- Referrals -------------------------------------------------------------------------


def referrals_by_source(
    rows: Iterable[NotificationRow], period: Period
) -> dict[tuple[Hashable, str], int]:
    """Notifications received in ``period``, by (front door, referral source)."""
    counts: Counter[tuple[Hashable, str]] = Counter()
    for row in rows:
        if period.contains(row.received_at):
            counts[(row.front_door, row.source)] += 1
    return dict(counts)


def referrals_by_front_door(rows: Iterable[NotificationRow], period: Period) -> dict[Hashable, int]:
    """Notifications received in ``period`` by each front door, every source."""
    counts: Counter[Hashable] = Counter()
    for (front_door, _source), n in referrals_by_source(rows, period).items():
        counts[front_door] += n
    return dict(counts)


def police_referrals_by_area(
    rows: Iterable[NotificationRow], period: Period
) -> dict[tuple[Hashable | None, Hashable | None], int]:
    """The police's notifications (source "6") received in ``period``, by (force,
    local authority)."""
    counts: Counter[tuple[Hashable | None, Hashable | None]] = Counter()
    for row in rows:
        if row.source == POLICE_SOURCE and period.contains(row.received_at):
            counts[(row.force, row.local_authority)] += 1
    return dict(counts)


def is_within_12_months(previous: dt.date, later: dt.date) -> bool:
    """Whether ``later`` is on or after ``previous`` and no later than the same date 12
    calendar months on (DfE's re-referral window)."""
    return previous <= later <= add_months(previous, RE_REFERRAL_MONTHS)


@dataclass(frozen=True)
class ReReferrals:
    referrals: int
    re_referrals: int

    @property
    def share(self) -> Share:
        return Share(self.re_referrals, self.referrals)


def re_referrals(rows: Iterable[NotificationRow], period: Period) -> dict[Hashable, ReReferrals]:
    """By front door: notifications received in ``period``, and those that are
    re-referrals (an earlier notification of the same child to the same front door
    received on a London day within the 12 months before, by calendar date). Two
    notifications of one child on the same day: the later one is a re-referral."""
    by_child: defaultdict[tuple[Hashable, Hashable], list[dt.datetime]] = defaultdict(list)
    for row in rows:
        by_child[(row.front_door, row.child_id)].append(row.received_at)
    referrals: Counter[Hashable] = Counter()
    repeats: Counter[Hashable] = Counter()
    for (front_door, _child), moments in by_child.items():
        moments.sort()
        previous: dt.date | None = None
        for moment in moments:
            day = local_date(moment)
            if period.contains_day(day):
                referrals[front_door] += 1
                if previous is not None and is_within_12_months(previous, day):
                    repeats[front_door] += 1
            previous = day
    return {door: ReReferrals(referrals[door], repeats[door]) for door in referrals}


# --- Incidents and children ------------------------------------------------------------


@dataclass(frozen=True)
class ChildrenAtIncidents:
    incidents: int
    children: int  # child-incident pairs: a child at two incidents counts at each
    distinct_children: int
    by_number: Mapping[int, int]  # how many incidents had 0, 1, 2, ... children
    victims_in_own_right: int  # child-incident pairs recorded as s.3 victims
    distinct_victims_in_own_right: int

    @property
    def children_per_incident(self) -> float | None:
        return self.children / self.incidents if self.incidents else None

    @property
    def victims_share(self) -> Share:
        """Of the children at incidents, those recorded as victims in their own right."""
        return Share(self.victims_in_own_right, self.children)


def children_at_incidents(rows: Iterable[IncidentRow], period: Period) -> ChildrenAtIncidents:
    """Incidents that happened in ``period``, their children, and s.3 victims."""
    incidents = 0
    pairs = victims = 0
    children: set[Hashable] = set()
    victim_children: set[Hashable] = set()
    by_number: Counter[int] = Counter()
    for row in rows:
        if not period.contains(row.occurred_at):
            continue
        incidents += 1
        ids = {child.child_id: child for child in row.children}  # one child once per incident
        by_number[len(ids)] += 1
        pairs += len(ids)
        children.update(ids)
        for child in ids.values():
            if child.victim_in_own_right:
                victims += 1
                victim_children.add(child.child_id)
    return ChildrenAtIncidents(
        incidents=incidents,
        children=pairs,
        distinct_children=len(children),
        by_number=dict(sorted(by_number.items())),
        victims_in_own_right=victims,
        distinct_victims_in_own_right=len(victim_children),
    )


# --- Timeliness ------------------------------------------------------------------------


def notification_deadlines(rows: Iterable[NotificationRow]) -> list[DeadlineRow]:
    """A notification's acknowledgement and decision as deadline rows (stages with no
    stored deadline are left out)."""
    stages: list[DeadlineRow] = []
    for row in rows:
        for stage, due, done in (
            (Stage.ACKNOWLEDGE, row.acknowledge_due, row.acknowledged_at),
            (Stage.DECIDE, row.decide_due, row.decided_at),
        ):
            if due is not None:
                stages.append(
                    DeadlineRow(
                        route=Route.CHILD_CONCERN,
                        stage=stage,
                        area=row.front_door,
                        started_at=row.received_at,
                        due_at=due,
                        done_at=done,
                    )
                )
    return stages


@dataclass(frozen=True)
class Timeliness:
    started: int
    on_time: int
    late: int  # done late, or not done with the deadline passed
    pending: int  # not done, deadline not yet passed
    overdue_now: int  # not done, deadline passed (included in ``late``)
    median: dt.timedelta | None
    p90: dt.timedelta | None

    @property
    def on_time_share(self) -> Share:
        return Share(self.on_time, self.on_time + self.late)


def timeliness(rows: Iterable[DeadlineRow], period: Period, now: dt.datetime) -> Timeliness:
    """Of the stages started in ``period``: done on time (at or before the due moment),
    late, pending, overdue now; median and 90th percentile time to done (nearest
    rank)."""
    started = on_time = late = pending = overdue = 0
    durations: list[dt.timedelta] = []
    for row in rows:
        if not period.contains(row.started_at):
            continue
        started += 1
        if row.done_at is not None:
            durations.append(row.done_at - row.started_at)
            if row.done_at <= row.due_at:
                on_time += 1
            else:
                late += 1
        elif now > row.due_at:
            late += 1
            overdue += 1
        else:
            pending += 1
    return Timeliness(
        started=started,
        on_time=on_time,
        late=late,
        pending=pending,
        overdue_now=overdue,
        median=percentile(durations, 50),
        p90=percentile(durations, 90),
    )


def timeliness_by(
    rows: Iterable[DeadlineRow],
    period: Period,
    now: dt.datetime,
    key: Callable[[DeadlineRow], K],
) -> dict[K, Timeliness]:
    """``timeliness`` for each group of rows (for example by route and stage, or by
    area)."""
    groups: defaultdict[K, list[DeadlineRow]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return {k: timeliness(group, period, now) for k, group in groups.items()}


def overdue_now(rows: Iterable[DeadlineRow], now: dt.datetime) -> int:
    """Stages not done whose due moment has passed, whenever they started."""
    return sum(1 for row in rows if row.done_at is None and now > row.due_at)


# --- Outcomes --------------------------------------------------------------------------

AWAITING = "awaiting_decision"


def decisions(rows: Iterable[NotificationRow], period: Period) -> dict[str, int]:
    """Of the notifications received in ``period``: how many of each front door decision
    (every ``Decision``, zero included), and ``AWAITING`` those not yet decided."""
    counts: dict[str, int] = {decision.value: 0 for decision in Decision}
    counts[AWAITING] = 0
    for row in rows:
        if period.contains(row.received_at):
            key = row.decision if row.decision is not None else AWAITING
            counts[key] = counts.get(key, 0) + 1
    return counts


@dataclass(frozen=True)
class MaracMeasures:
    referrals: int
    repeats: int
    from_others: int  # referred by an agency other than the police
    heard: int
    children: int  # children of each case: a child in two cases counts twice
    distinct_children: int

    @property
    def repeat_rate(self) -> Share:
        return Share(self.repeats, self.referrals)

    @property
    def non_police_share(self) -> Share:
        return Share(self.from_others, self.referrals)


def marac_measures(rows: Iterable[MaracReferralRow], period: Period) -> MaracMeasures:
    """MARAC referrals sent in ``period``: repeats, non-police referrals, cases heard,
    and the children in the cases' households (per case, and each child once)."""
    referrals = repeats = others = heard = children = 0
    distinct: set[Hashable] = set()
    for row in rows:
        if not period.contains(row.sent_at):
            continue
        referrals += 1
        repeats += row.repeat
        others += not row.from_police
        heard += row.outcome == MaracOutcome.HEARD
        household = set(row.children)
        children += len(household)
        distinct.update(household)
    return MaracMeasures(referrals, repeats, others, heard, children, len(distinct))


DOMESTIC_ABUSE_FACTORS = frozenset({"3A", "3B", "3C"})  # CIN census (domain.md §7.1)


@dataclass(frozen=True)
class AssessmentRow:
    """One child and family assessment completed, with its CIN census factors."""

    child_id: Hashable
    front_door: Hashable
    completed_at: dt.datetime
    factors: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DomesticAbuseFactors:
    assessments: int
    with_domestic_abuse: int  # any of 3A, 3B, 3C
    by_factor: Mapping[str, int]  # 3A, 3B and 3C each (an assessment may have several)

    @property
    def share(self) -> Share:
        return Share(self.with_domestic_abuse, self.assessments)


def domestic_abuse_factors(rows: Iterable[AssessmentRow], period: Period) -> DomesticAbuseFactors:
    """Assessments completed in ``period``, those with a domestic abuse factor (3A the
    child, 3B a parent or carer, 3C another person in the household is the subject), and
    each factor's count (DfE CIN table C3)."""
    assessments = with_da = 0
    by_factor = dict.fromkeys(sorted(DOMESTIC_ABUSE_FACTORS), 0)
    for row in rows:
        if not period.contains(row.completed_at):
            continue
        assessments += 1
        found = row.factors & DOMESTIC_ABUSE_FACTORS
        with_da += bool(found)
        for code in found:
            by_factor[code] += 1
    return DomesticAbuseFactors(assessments, with_da, by_factor)


# --- Known to children's services -----------------------------------------------------


@dataclass(frozen=True)
class KnownToChildrensServices:
    children: int
    already_known: int
    known_within: int  # not known before the incident, known within 5 working days after
    not_known: int

    @property
    def already_known_share(self) -> Share:
        return Share(self.already_known, self.children)

    @property
    def known_within_share(self) -> Share:
        return Share(self.known_within, self.children)

    @property
    def known_by_then_share(self) -> Share:
        """Known before or within 5 working days after."""
        return Share(self.already_known + self.known_within, self.children)


@dataclass
class _Known:
    moments: list[ChildServicesContact] = field(default_factory=list)

    def known_at(self, moment: dt.datetime) -> bool:
        """An earlier notification acknowledged, or an assessment or plan open, at
        ``moment``."""
        for contact in self.moments:
            if contact.is_notification:
                if contact.known_from <= moment:
                    return True
            elif contact.known_from <= moment and (contact.until is None or contact.until > moment):
                return True
        return False

    def known_between(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Came to be known after ``start`` and at or before ``end``."""
        return any(start < contact.known_from <= end for contact in self.moments)


def known_to_childrens_services(
    households: Iterable[HighRiskHousehold],
    contacts: Iterable[ChildServicesContact],
    period: Period,
) -> KnownToChildrensServices:
    """Of the children in households whose incident in ``period`` had its adult victim
    graded high risk or referred to MARAC (each child once, at their first such incident
    in the period): those already known to children's services when the incident
    happened (a notification acknowledged at or before it, or an assessment or plan
    open at it), and those not known then but known by the end of the 5th working day
    after the incident's London day (``hearth.core.calendar.working_day_deadline``)."""
    first: dict[Hashable, HighRiskHousehold] = {}
    for household in sorted(households, key=lambda h: h.occurred_at):
        if not period.contains(household.occurred_at):
            continue
        for child in household.children:
            first.setdefault(child, household)
    known: defaultdict[Hashable, _Known] = defaultdict(_Known)
    for contact in contacts:
        if contact.child_id in first:
            known[contact.child_id].moments.append(contact)
    already = within = 0
    for child, household in first.items():
        record = known[child]
        if record.known_at(household.occurred_at):
            already += 1
            continue
        end = working_day_deadline(
            household.occurred_at, KNOWN_WITHIN_WORKING_DAYS, household.jurisdiction
        )
        if record.known_between(household.occurred_at, end):
            within += 1
    return KnownToChildrensServices(
        children=len(first),
        already_known=already,
        known_within=within,
        not_known=len(first) - already - within,
    )
