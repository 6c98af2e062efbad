"""A national year of statistics facts, written directly, for the statistics benchmark at
1.5 million incidents (issue 15 §5): ``manage.py generate_stats_volume``.

**Why the facts are written directly.** The ledger generator (``hearth.demo.volume``,
``manage.py generate_volume``) writes about 200 incidents a second here with everything
the inboxes and records read, so a national year (about 1.5 million domestic abuse
incidents in England and Wales) would take two hours. The statistics pages never read the
ledger: they read the maintained aggregates (``MonthlyFigure``), and at view time only the
open deadlines (``DeadlineFact``). So this module writes the **facts** that
``hearth.stats.refresh`` would have made from such a ledger, in bulk (PostgreSQL ``COPY``
through psycopg's ``cursor.copy``; ``bulk_create`` on SQLite, for the tests), then
``hearth.stats.refresh.rebuild_figures()`` sums them into the figures exactly as a real
refresh does, then ``VACUUM ANALYZE`` (PostgreSQL), as autovacuum soon would. At 100,000
incidents the benchmark uses the real ledger instead (``generate_volume``, then
``refresh``), so the refresh's own cost is measured there.

**The shape** follows ``hearth.demo.volume``'s rates, so the facts are what ``refresh``
would make from ``generate_volume``'s data at that volume:

- 0 to 4 children per incident (weights 25, 30, 25, 13, 7: 1.47 on average), one incident
  in five a repeat at a family already known (same adults, same children, same area);
  most children recorded as victims in their own right (s.3);
- one child concern notification per child to the front door of the child's local
  authority (referral source ``6``, the police), acknowledged 1 to 20 hours after
  receipt, due by the end of the next working day for both acknowledging and deciding;
  re-referrals within 12 months (DfE's rule) follow from the repeats;
- one Operation Encompass notification per school among the school-age children (four
  and over), due before the next school day (weekday fallback, 08:45);
- the adult victim graded high risk in about 6.7 % of incidents (DASH score 14 or more
  of a normal score around 8 ± 4): a MARAC referral (send, acknowledge), an IDVA
  referral (acknowledge) and, once the IDVA acknowledged, each child's follow-up
  (outcome in 10 working days); each such child a "known to children's services" fact;
- a little older work still open (never acknowledged or decided: overdue now), as in a
  live system, so the pages' open-work counts at view time have rows to count.

Beyond ``generate_volume`` (which makes none yet), so every statistics page has figures:
front door decisions spread over all six (``generate_volume`` closes with the three
closing ones only), assessments with domestic abuse factors (3A/3B/3C) after the
decisions that lead to one, offers of specialist support to child victims with
referrals, answers, starts, completions and waits, and unmet need by reason and age band.

**Where:** ``areas`` made-up local authorities ("Test area 1", code ``E06990001``...),
grouped into made-up police force areas ("Test force area 1", ``E23990001``...), no real
place names, each with its front door (a children's services agency), MARAC, schools
(one agency and DSL team per area, a simplification), and per force its police, IDVA
service and specialist service; a made-up child population per area (mid-years around
the year) for the rates; and the demo's analytics agencies are given the areas, so the
Wessex analyst's "whole partnership" is the nation. Incidents are spread over the areas
by population.

**When:** the 12 months of one financial year (``year``: April ``year`` to March
``year + 1``), plus the 12 months before at the same rate, so re-referrals within 12
months and repeats at MARAC have their history. Nothing is dated after now.

Facts carry made-up integer ids from ``ID_BASE`` up (no ledger row has them). Running it
again replaces the facts of the made-up areas (and rebuilds every figure); the same seed
writes the same rows.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import time
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from hearth.accounts.models import Agency, Area, Country, Team, TeamFunction
from hearth.core import calendar, clock
from hearth.core.actor import AgencyKind
from hearth.demo.volume import analyze
from hearth.encompass import policy as enc
from hearth.referrals.policy import Decision, Route
from hearth.specialist import policy as sp
from hearth.stats import keys
from hearth.stats.models import (
    ADULT_WOMEN,
    CHILDREN_0_TO_17,
    AssessmentFact,
    DeadlineFact,
    GeographicLevel,
    IncidentFact,
    KnownFact,
    MaracFact,
    NotificationFact,
    PopulationEstimate,
    PopulationSource,
    SpecialistFact,
    UnmetNeedFact,
)

# Made-up codes: ONS has issued neither E0699xxxx nor E2399xxxx.
LA_CODE = "E0699{:04d}"
FORCE_CODE = "E2399{:04d}"
LA_NAME = "Test area {}"
FORCE_NAME = "Test force area {}"
SLUG_PREFIX = "test-area-"
FORCE_SLUG_PREFIX = "test-force-area-"
ID_BASE = 9_000_000_000_000  # above any ledger id: facts here never meet a real row's
FLUSH_ROWS = 50_000

UTC = dt.UTC

CHILDREN_WEIGHTS = (25, 30, 25, 13, 7)  # 0..4 children, as hearth.demo.volume
REPEAT_SHARE = 0.2
HIGH_RISK_FROM = 14  # DASH yes answers
DECISIONS = (
    (Decision.NO_FURTHER_ACTION, 38),
    (Decision.INFORMATION_AND_ADVICE, 20),
    (Decision.EARLY_HELP, 20),
    (Decision.CHILD_IN_NEED_ASSESSMENT, 14),
    (Decision.STRATEGY_DISCUSSION, 6),
    (Decision.IMMEDIATE_PROTECTION, 2),
)
ASSESSED = {
    Decision.CHILD_IN_NEED_ASSESSMENT,
    Decision.STRATEGY_DISCUSSION,
    Decision.IMMEDIATE_PROTECTION,
}
UNMET_REASONS = (
    (sp.UnmetReason.NO_SERVICE, 15),
    (sp.UnmetReason.ALL_CLOSED_OR_FULL, 30),
    (sp.UnmetReason.WAIT_TOO_LONG, 35),
    (sp.UnmetReason.DECLINED_NO_CAPACITY, 12),
    (sp.UnmetReason.NOT_OFFERED_IN_TIME, 8),
)

# The fact tables and the columns written, in order (``id`` is the table's own).
COMMON = ("month", "local_authority_id", "force_id", "agency_id", "refreshed_at")
COLUMNS: dict[type[Any], tuple[str, ...]] = {
    IncidentFact: (*COMMON, "incident_id", "occurred_at", "children", "victims_in_own_right"),
    NotificationFact: (
        *COMMON,
        "obligation_id",
        "child_id",
        "incident_id",
        "source",
        "received_at",
        "acknowledge_due",
        "acknowledged_at",
        "decide_due",
        "decided_at",
        "decision",
        "re_referral",
    ),
    DeadlineFact: (
        *COMMON,
        "deadline_id",
        "obligation_id",
        "route",
        "stage",
        "team_id",
        "started_at",
        "due_at",
        "done_at",
        "minutes",
    ),
    MaracFact: (*COMMON, "obligation_id", "sent_at", "repeat", "from_police", "heard", "children"),
    AssessmentFact: (
        *COMMON,
        "assessment_id",
        "completed_on",
        "factor_3a",
        "factor_3b",
        "factor_3c",
    ),
    KnownFact: (
        *COMMON,
        "incident_id",
        "child_id",
        "occurred_at",
        "already_known",
        "within_5",
    ),
    SpecialistFact: (
        *COMMON,
        "obligation_id",
        "age_band",
        "referred_at",
        "answer",
        "answered_at",
        "started_on",
        "ended_on",
        "wait_days",
    ),
    UnmetNeedFact: (*COMMON, "unmet_need_id", "age_band", "reason", "opened_on", "closed_on"),
}
FACT_MODELS = tuple(COLUMNS)
# Every fact carries its record key (DISCLOSURE-2), drawn as the refresh draws it, from
# the fact's kind and natural key (``hearth.stats.keys``): written last.
_KIND_AND_KEY = {
    model: (
        keys.NATURAL_KEYS[model.__name__][0],
        [COLUMNS[model].index(f) for f in keys.NATURAL_KEYS[model.__name__][1]],
    )
    for model in FACT_MODELS
}
COLUMNS = {model: (*columns, "record_key") for model, columns in COLUMNS.items()}
_PG_TYPE_OF = {
    "DateField": "date",
    "DateTimeField": "timestamptz",
    "BigIntegerField": "int8",
    "PositiveIntegerField": "int4",
    "PositiveSmallIntegerField": "int2",
    "CharField": "text",
    "BooleanField": "bool",
}
_PG_TYPES: dict[type[Any], dict[str, str]] = {
    model: {c: _PG_TYPE_OF[model._meta.get_field(c).get_internal_type()] for c in COLUMNS[model]}
    for model in COLUMNS
}


class StatsVolumeError(Exception):
    pass


@dataclass
class StatsVolumeReport:
    incidents: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    figures: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass(frozen=True)
class _Place:
    """One made-up local authority and who works there (ids only)."""

    la: int
    force: int
    population: int
    police: int
    front_door_agency: int
    front_door_team: int
    marac_agency: int
    marac_team: int
    schools_agency: int
    schools_team: int
    idva_agency: int
    idva_team: int
    specialist_agency: int
    specialist_team: int


# --- Areas, agencies, teams, populations ---------------------------------------------------


def _forces_for(areas: int) -> int:
    """About 40 force areas for 150 local authorities (England and Wales: 43 for 174)."""
    return max(1, round(areas * 40 / 150))


def ensure_places(*, areas: int, year: int, rng: random.Random) -> list[_Place]:
    """The made-up local authorities, force areas, agencies and teams (created when
    missing, so a second run reuses them), each area's made-up child population, and the
    analytics agencies given every area (so an analyst counts them all)."""
    forces = _forces_for(areas)
    force_areas = _areas(
        [(FORCE_CODE.format(k), FORCE_NAME.format(k), None) for k in range(1, forces + 1)],
        Area.Kind.POLICE_FORCE_AREA,
    )
    la_areas = _areas(
        [
            (LA_CODE.format(i), LA_NAME.format(i), force_areas[(i - 1) % forces])
            for i in range(1, areas + 1)
        ],
        Area.Kind.LOCAL_AUTHORITY,
    )
    force_orgs = []
    for k, force in enumerate(force_areas, start=1):
        slug = f"{FORCE_SLUG_PREFIX}{k}"
        force_orgs.append(
            {
                kind: _agency_team(f"{slug}-{kind}", name, kind, function, [force])
                for kind, name, function in (
                    (
                        AgencyKind.POLICE_FORCE,
                        f"{FORCE_NAME.format(k)} police",
                        TeamFunction.PUBLIC_PROTECTION,
                    ),
                    (
                        AgencyKind.IDVA_SERVICE,
                        f"{FORCE_NAME.format(k)} IDVA service",
                        TeamFunction.IDVA,
                    ),
                    (
                        AgencyKind.SPECIALIST_CHILDRENS_SERVICE,
                        f"{FORCE_NAME.format(k)} children's recovery service",
                        TeamFunction.SPECIALIST,
                    ),
                )
            }
        )
    places = []
    for i, la in enumerate(la_areas, start=1):
        slug = f"{SLUG_PREFIX}{i}"
        orgs = force_orgs[(i - 1) % forces]
        cs = _agency_team(
            f"{slug}-childrens-services",
            f"{LA_NAME.format(i)} children's services",
            AgencyKind.CHILDRENS_SERVICES,
            TeamFunction.FRONT_DOOR,
            [la],
        )
        marac = _agency_team(
            f"{slug}-marac",
            f"{LA_NAME.format(i)} MARAC",
            AgencyKind.MARAC,
            TeamFunction.MARAC,
            [la],
        )
        schools = _agency_team(
            f"{slug}-schools",
            f"{LA_NAME.format(i)} schools",
            AgencyKind.SCHOOL,
            TeamFunction.SCHOOL_SAFEGUARDING,
            [la],
        )
        places.append(
            _Place(
                la=la.pk,
                force=la.police_force_area_id or 0,
                population=rng.randint(20_000, 150_000),  # children aged 0 to 17, made up
                police=orgs[AgencyKind.POLICE_FORCE][0],
                front_door_agency=cs[0],
                front_door_team=cs[1],
                marac_agency=marac[0],
                marac_team=marac[1],
                schools_agency=schools[0],
                schools_team=schools[1],
                idva_agency=orgs[AgencyKind.IDVA_SERVICE][0],
                idva_team=orgs[AgencyKind.IDVA_SERVICE][1],
                specialist_agency=orgs[AgencyKind.SPECIALIST_CHILDRENS_SERVICE][0],
                specialist_team=orgs[AgencyKind.SPECIALIST_CHILDRENS_SERVICE][1],
            )
        )
    _populations(la_areas, places, year)
    for analytics in Agency.objects.filter(kind=AgencyKind.ANALYTICS):
        analytics.areas.add(*force_areas, *la_areas)
    return places


def _areas(wanted: list[tuple[str, str, Area | None]], kind: str) -> list[Area]:
    have = {a.code: a for a in Area.objects.filter(code__in=[c for c, _, _ in wanted])}
    Area.objects.bulk_create(
        [
            Area(code=code, name=name, kind=kind, country=Country.ENGLAND, police_force_area=pfa)
            for code, name, pfa in wanted
            if code not in have
        ]
    )
    have = {a.code: a for a in Area.objects.filter(code__in=[c for c, _, _ in wanted])}
    return [have[code] for code, _, _ in wanted]


def _agency_team(
    slug: str, name: str, kind: str, function: str, areas: list[Area]
) -> tuple[int, int]:
    agency, created = Agency.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind})
    if created:
        agency.areas.set(areas)
    team, _ = Team.objects.get_or_create(
        agency=agency,
        slug=f"{slug}-team",
        defaults={"name": f"{name}: {TeamFunction(function).label}", "function": function},
    )
    return agency.pk, team.pk


def _populations(la_areas: list[Area], places: list[_Place], year: int) -> None:
    """Each made-up area's children aged 0 to 17 and women aged 16 and over (MARAC's
    denominator, 1.3 per child as the demo has it) at mid-(year−2) to mid-(year+1): what
    the year's and the year before's rates use (made up, marked as the demo's)."""
    codes = [a.code for a in la_areas]
    PopulationEstimate.objects.filter(code__in=codes).delete()
    PopulationEstimate.objects.bulk_create(
        [
            PopulationEstimate(
                code=area.code,
                name=area.name,
                geographic_level=GeographicLevel.LOCAL_AUTHORITY,
                mid_year=mid_year,
                age_group=age_group,
                estimate=round(per * place.population * (1 + 0.004 * (mid_year - year))),
                source=PopulationSource.DEMO,
            )
            for area, place in zip(la_areas, places, strict=True)
            for mid_year in range(year - 2, year + 2)
            for age_group, per in ((CHILDREN_0_TO_17, 1.0), (ADULT_WOMEN, 1.3))
        ]
    )


def made_up_local_authority_ids() -> list[int]:
    return list(
        Area.objects.filter(
            kind=Area.Kind.LOCAL_AUTHORITY, code__startswith=LA_CODE[:5]
        ).values_list("pk", flat=True)
    )


# --- Writing facts -------------------------------------------------------------------------


class _Sink:
    """Rows of each fact table, written ``FLUSH_ROWS`` at a time: ``COPY`` on PostgreSQL,
    ``bulk_create`` elsewhere."""

    def __init__(self, report: StatsVolumeReport) -> None:
        self.buffers: dict[type[Any], list[tuple[Any, ...]]] = {m: [] for m in FACT_MODELS}
        self.report = report
        self.pending = 0
        self.postgres = connection.vendor == "postgresql"

    def add(self, model: type[Any], row: tuple[Any, ...]) -> None:
        kind, at = _KIND_AND_KEY[model]
        self.buffers[model].append((*row, keys.record_key(kind, *(row[i] for i in at))))
        self.pending += 1
        if self.pending >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        for model, rows in self.buffers.items():
            if not rows:
                continue
            columns = COLUMNS[model]
            if self.postgres:
                table = model._meta.db_table
                names = ", ".join(columns)
                with connection.cursor() as cursor:
                    # Table and column names are the models', never input. Binary COPY:
                    # psycopg's C dumpers, about twice as fast as text for timestamps.
                    sql = f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)"
                    with cursor.copy(sql) as copy:
                        copy.set_types([_PG_TYPES[model][c] for c in columns])
                        write = copy.write_row
                        for row in rows:
                            write(row)
            else:
                model.objects.bulk_create(
                    [model(**dict(zip(columns, row, strict=True))) for row in rows],
                    batch_size=2000,
                )
            name = model._meta.db_table
            self.report.rows[name] = self.report.rows.get(name, 0) + len(rows)
            rows.clear()
        self.pending = 0


class _Clock:
    """London days from ``first`` (inclusive) to ``last``, with their starts as epoch
    seconds, for fast day and month look-ups and cached working-day deadlines."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.first = first
        days = (last - first).days + 1
        self.days = [first + dt.timedelta(days=n) for n in range(days + 1)]
        self.starts = [
            dt.datetime.combine(d, dt.time(0), tzinfo=clock.LONDON).timestamp() for d in self.days
        ]
        self.months = [d.replace(day=1) for d in self.days]
        self._working: dict[tuple[int, int], float] = {}
        self._school: dict[int, float] = {}

    def index(self, ts: float) -> int:
        return min(bisect.bisect_right(self.starts, ts) - 1, len(self.days) - 1)

    def day(self, ts: float) -> dt.date:
        return self.days[self.index(ts)]

    def month(self, ts: float) -> dt.date:
        i = bisect.bisect_right(self.starts, ts) - 1
        if 0 <= i < len(self.months):
            return self.months[i]
        return dt.datetime.fromtimestamp(ts, clock.LONDON).date().replace(day=1)

    def working_deadline(self, ts: float, n: int) -> float:
        """The end (London) of the ``n``-th working day after ``ts``'s London day."""
        i = self.index(ts)
        key = (i, n)
        if key not in self._working:
            self._working[key] = calendar.working_day_deadline(
                dt.datetime.fromtimestamp(ts, UTC), n
            ).timestamp()
        return self._working[key]

    def next_school_day(self, ts: float) -> float:
        """08:45 on the next weekday that is not a bank holiday (Operation Encompass's
        fallback when no term calendar covers the day, as ``generate_volume`` uses)."""
        i = self.index(ts)
        if i not in self._school:
            day = calendar.next_working_day(self.days[i])
            self._school[i] = dt.datetime.combine(
                day, calendar.SCHOOL_DAY_FALLBACK_STARTS, clock.LONDON
            ).timestamp()
        return self._school[i]


def _at(ts: float | None) -> dt.datetime | None:
    return None if ts is None else dt.datetime.fromtimestamp(ts, UTC)


def _on(ts: float | None) -> dt.date | None:
    return None if ts is None else dt.datetime.fromtimestamp(ts, clock.LONDON).date()


def _minutes(start: float, done: float | None) -> int | None:
    return None if done is None else max(0, int((done - start) // 60))


class _Families:
    """Every family so far, in flat arrays (millions of them fit in a few tens of MB):
    its place, its first child's id and how many children, each child's birth day
    (ordinal, one per child id), the London day and moment of its children's last
    notification and when it was acknowledged, and its victim's last MARAC referral."""

    def __init__(self) -> None:
        self.place = array("H")
        self.first_child = array("q")
        self.children = array("B")
        self.last_received_day = array("i")
        self.last_ack = array("d")
        self.last_marac = array("d")
        self.last_known_month = array("i")
        self.born = array("i")  # by child id − ID_BASE

    def __len__(self) -> int:
        return len(self.place)


@dataclass
class _Ids:
    next: int = ID_BASE

    def take(self) -> int:
        self.next += 1
        return self.next


class _Generator:
    def __init__(
        self,
        *,
        rng: random.Random,
        places: list[_Place],
        clock_: _Clock,
        now: float,
        sink: _Sink,
    ) -> None:
        self.rng = rng
        self.places = places
        self.clock = clock_
        self.now = now
        self.sink = sink
        self.families = _Families()
        self.ids = _Ids()
        self.child_ids = _Ids()
        self.weights = [p.population for p in places]
        self.cum = []
        total = 0
        for w in self.weights:
            total += w
            self.cum.append(total)
        self.refreshed = dt.datetime.fromtimestamp(now, UTC)

    def _done(self, ts: float | None) -> float | None:
        return ts if ts is not None and ts <= self.now else None

    def _place_index(self) -> int:
        return bisect.bisect_left(self.cum, self.rng.random() * self.cum[-1])

    def _new_family(self, occurred: float) -> int:
        rng, fam = self.rng, self.families
        n = rng.choices(range(5), weights=CHILDREN_WEIGHTS)[0]
        fam.place.append(self._place_index())
        first = self.child_ids.next + 1
        fam.first_child.append(first)
        fam.children.append(n)
        day = self.clock.day(occurred).toordinal()
        for _ in range(n):
            self.child_ids.take()
            fam.born.append(day - rng.randint(60, 17 * 365))
        fam.last_received_day.append(-1)
        fam.last_ack.append(-1.0)
        fam.last_marac.append(-1.0)
        fam.last_known_month.append(-1)
        return len(fam) - 1

    def incident(self, occurred: float) -> None:
        rng, fam, sink, clk = self.rng, self.families, self.sink, self.clock
        if len(fam) and rng.random() < REPEAT_SHARE:
            f = rng.randrange(len(fam))  # a repeat victim: the same family again
        else:
            f = self._new_family(occurred)
        place = self.places[fam.place[f]]
        n = fam.children[f]
        first_child = fam.first_child[f]
        incident_id = self.ids.take()
        submitted = occurred + rng.randint(30, 300) * 60
        month = clk.month(occurred)
        occurred_day = clk.day(occurred)
        victims = sum(1 for _ in range(n) if rng.random() < 0.95)
        common = (place.la, place.force)
        refreshed = self.refreshed
        sink.add(
            IncidentFact,
            (
                month,
                *common,
                place.police,
                refreshed,
                incident_id,
                _at(occurred),
                n,
                victims,
            ),
        )
        received_month = clk.month(submitted)
        received_day = clk.day(submitted)
        ack_due = clk.working_deadline(submitted, 1)
        previous_day = fam.last_received_day[f]
        re_referral = previous_day >= 0 and _within_12_months(
            dt.date.fromordinal(previous_day), received_day
        )
        previous_ack = fam.last_ack[f]
        already_known = 0 <= previous_ack <= occurred
        ack_times: list[float | None] = []
        school_age = 0
        for c in range(n):
            child_id = first_child + c
            age = (occurred_day.toordinal() - fam.born[child_id - ID_BASE - 1]) // 365
            if age >= 4:
                school_age += 1
            obligation_id = self.ids.take()
            left_open = rng.random()
            ack = None if left_open < 0.01 else submitted + rng.randint(60, 1200) * 60
            ack = self._done(ack)
            decided = None
            decision = ""
            if ack is not None and left_open >= 0.02:
                decided = self._done(ack + rng.randint(30, 4320) * 60)
                if decided is not None:
                    decision = _pick(rng, DECISIONS)
            ack_times.append(ack)
            sink.add(
                NotificationFact,
                (
                    received_month,
                    *common,
                    place.front_door_agency,
                    refreshed,
                    obligation_id,
                    child_id,
                    incident_id,
                    "6",
                    _at(submitted),
                    _at(ack_due),
                    _at(ack),
                    _at(ack_due),
                    _at(decided),
                    decision,
                    re_referral,
                ),
            )
            for stage, done in (("acknowledge", ack), ("decide", decided)):
                self.deadline(
                    place.front_door_agency,
                    place.front_door_team,
                    place,
                    obligation_id,
                    Route.CHILD_CONCERN,
                    stage,
                    submitted,
                    ack_due,
                    done,
                )
            if decided is not None and decision in ASSESSED:
                completed = self._done(decided + rng.randint(10, 45) * 86400)
                if completed is not None:
                    sink.add(
                        AssessmentFact,
                        (
                            clk.month(completed),
                            *common,
                            place.front_door_agency,
                            refreshed,
                            self.ids.take(),
                            _on(completed),
                            rng.random() < 0.3,
                            rng.random() < 0.9,
                            rng.random() < 0.1,
                        ),
                    )
            if c < victims:
                self.specialist(place, age, ack_due, decided)
        if ack_times:
            fam.last_received_day[f] = received_day.toordinal()
            # Known from the first acknowledgement on: keep the earliest.
            for a in ack_times:
                if a is not None and (fam.last_ack[f] < 0 or a < fam.last_ack[f]):
                    fam.last_ack[f] = a
        self.encompass(place, submitted, school_age)
        score = min(27, max(0, int(rng.gauss(8, 4))))
        if score >= HIGH_RISK_FROM:
            self.high_risk(place, f, incident_id, occurred, submitted, n, already_known, ack_times)

    def deadline(
        self,
        agency: int,
        team: int,
        place: _Place,
        obligation_id: int,
        route: str,
        stage: str,
        started: float,
        due: float,
        done: float | None,
    ) -> None:
        self.sink.add(
            DeadlineFact,
            (
                self.clock.month(started),
                place.la,
                place.force,
                agency,
                self.refreshed,
                self.ids.take(),
                obligation_id,
                str(route),
                stage,
                team,
                _at(started),
                _at(due),
                _at(done),
                _minutes(started, done),
            ),
        )

    def encompass(self, place: _Place, submitted: float, school_age: int) -> None:
        """One notification per school: brothers and sisters share a school half the time."""
        rng = self.rng
        schools = 0
        for c in range(school_age):
            if c == 0 or rng.random() < 0.5:
                schools += 1
        due = self.clock.next_school_day(submitted)
        for _ in range(schools):
            done = self._done(submitted + rng.randint(60, 1200) * 60)
            if rng.random() < 0.01:
                done = None
            self.deadline(
                place.schools_agency,
                place.schools_team,
                place,
                self.ids.take(),
                enc.ROUTE,
                "acknowledge",
                submitted,
                due,
                done,
            )

    def specialist(self, place: _Place, age: int, decide_due: float, decided: float | None) -> None:
        """A child victim's offer of specialist support (due 10 working days after the
        front door's decision), a referral for about a third, and unmet need for some."""
        rng, clk = self.rng, self.clock
        start = decided if decided is not None else decide_due
        offer_id = self.ids.take()
        offer_due = clk.working_deadline(start, 10)
        offered = self._done(start + rng.randint(1, 20) * 86400) if rng.random() < 0.95 else None
        self.deadline(
            place.front_door_agency,
            place.front_door_team,
            place,
            offer_id,
            sp.OFFER_ROUTE,
            "outcome",
            start,
            offer_due,
            offered,
        )
        band = str(sp.age_band(age))
        if offered is not None and rng.random() < 0.35:
            referral_id = self.ids.take()
            answered = self._done(offered + rng.randint(2, 120) * 3600)
            self.deadline(
                place.specialist_agency,
                place.specialist_team,
                place,
                referral_id,
                sp.REFERRAL_ROUTE,
                "acknowledge",
                offered,
                clk.working_deadline(offered, 2),
                answered,
            )
            answer = ""
            started = ended = None
            if answered is not None:
                answer = rng.choices(["accepted", "waiting_list", "declined"], [55, 30, 15])[0]
                if answer != "declined":
                    wait = rng.randint(7, 40) if answer == "accepted" else rng.randint(30, 120)
                    started = self._done(offered + wait * 86400)
                    if started is not None:
                        ended = self._done(started + rng.randint(60, 150) * 86400)
            self.sink.add(
                SpecialistFact,
                (
                    clk.month(offered),
                    place.la,
                    place.force,
                    place.specialist_agency,
                    self.refreshed,
                    referral_id,
                    band,
                    _at(offered),
                    answer,
                    _at(answered),
                    _on(started),
                    _on(ended),
                    None if started is None else int((started - offered) // 86400),
                ),
            )
        if offered is None or rng.random() < 0.06:
            opened = offer_due if offered is None else offered
            if opened <= self.now:
                closed = self._done(opened + rng.randint(14, 200) * 86400)
                self.sink.add(
                    UnmetNeedFact,
                    (
                        clk.month(opened),
                        place.la,
                        place.force,
                        place.front_door_agency,
                        self.refreshed,
                        self.ids.take(),
                        band,
                        str(
                            sp.UnmetReason.NOT_OFFERED_IN_TIME
                            if offered is None
                            else _pick(rng, UNMET_REASONS)
                        ),
                        _on(opened),
                        _on(closed),
                    ),
                )

    def high_risk(
        self,
        place: _Place,
        f: int,
        incident_id: int,
        occurred: float,
        submitted: float,
        n: int,
        already_known: bool,
        ack_times: list[float | None],
    ) -> None:
        rng, fam, clk = self.rng, self.families, self.clock
        sent = self._done(submitted + rng.randint(10, 1440) * 60)
        marac_id = self.ids.take()
        send_due = clk.working_deadline(submitted, 1)
        self.deadline(
            place.marac_agency,
            place.marac_team,
            place,
            marac_id,
            Route.MARAC_REFERRAL,
            "send",
            submitted,
            send_due,
            sent,
        )
        if sent is not None:
            previous = fam.last_marac[f]
            repeat = previous >= 0 and sent - previous <= 365 * 86400
            fam.last_marac[f] = sent
            ack = self._done(sent + rng.randint(1, 60) * 3600)
            self.deadline(
                place.marac_agency,
                place.marac_team,
                place,
                marac_id,
                Route.MARAC_REFERRAL,
                "acknowledge",
                sent,
                clk.working_deadline(sent, 2),
                ack,
            )
            self.sink.add(
                MaracFact,
                (
                    clk.month(sent),
                    place.la,
                    place.force,
                    place.marac_agency,
                    self.refreshed,
                    marac_id,
                    _at(sent),
                    repeat,
                    rng.random() < 0.75,
                    ack is not None and rng.random() < 0.85,
                    n,
                ),
            )
        idva_id = self.ids.take()
        idva_ack = self._done(submitted + rng.randint(1, 48) * 3600)
        self.deadline(
            place.idva_agency,
            place.idva_team,
            place,
            idva_id,
            Route.IDVA_REFERRAL,
            "acknowledge",
            submitted,
            clk.working_deadline(submitted, 1),
            idva_ack,
        )
        if idva_ack is not None:
            due = clk.working_deadline(idva_ack, 10)
            for _ in range(n):
                done = self._done(idva_ack + rng.randint(1, 18) * 86400)
                self.deadline(
                    place.front_door_agency,
                    place.front_door_team,
                    place,
                    self.ids.take(),
                    Route.CHILD_FOLLOW_UP,
                    "outcome",
                    idva_ack,
                    due,
                    done,
                )
        # Known to children's services: each child once a month (their first high-risk
        # incident in it).
        month = clk.month(occurred)
        month_key = month.year * 12 + month.month
        if fam.last_known_month[f] == month_key:
            return
        fam.last_known_month[f] = month_key
        window_end = calendar.end_of_day(
            calendar.add_working_days(clk.day(occurred), 5)
        ).timestamp()
        decided = window_end <= self.now
        first_child = fam.first_child[f]
        for c in range(n):
            ack = ack_times[c] if c < len(ack_times) else None
            within = None
            if decided:
                within = not already_known and ack is not None and ack <= window_end
            self.sink.add(
                KnownFact,
                (
                    month,
                    place.la,
                    place.force,
                    place.police,  # the force that recorded the incident, as refresh has it
                    self.refreshed,
                    incident_id,
                    first_child + c,
                    _at(occurred),
                    already_known,
                    within,
                ),
            )


def _pick(rng: random.Random, weighted: Iterable[tuple[Any, int]]) -> str:
    options = list(weighted)
    return str(rng.choices([o for o, _ in options], [w for _, w in options])[0])


def _within_12_months(previous: dt.date, later: dt.date) -> bool:
    from hearth.stats.measures import is_within_12_months

    return is_within_12_months(previous, later)


# --- The whole run -------------------------------------------------------------------------


def default_year(now: dt.datetime) -> int:
    """The last financial year that has ended: April ``year`` to March ``year + 1``."""
    today = now.astimezone(clock.LONDON).date()
    return today.year - 2 if today.month < 4 else today.year - 1


def clear_made_up_facts(la_ids: list[int]) -> None:
    for model in FACT_MODELS:
        model.objects.filter(local_authority_id__in=la_ids).delete()


def generate_stats_volume(
    *,
    incidents: int,
    seed: int = 1,
    areas: int = 150,
    year: int | None = None,
    progress: Callable[[str], None] | None = None,
    days_progress: Callable[[int], None] | None = None,
) -> StatsVolumeReport:
    """Write ``incidents`` incidents' facts a year over ``areas`` made-up local
    authorities, for the financial year starting April ``year`` and the year before, then
    rebuild every monthly figure from the facts and analyse. Returns what was written
    and how long each part took. ``days_progress`` is told how many days there are, then
    ``progress`` is called once a day written."""
    from hearth.stats.refresh import rebuild_figures

    if incidents < 1:
        raise StatsVolumeError("Give a number of incidents above 0.")
    if areas < 1:
        raise StatsVolumeError("Give a number of areas above 0.")
    now = clock.now()
    year = default_year(now) if year is None else year
    first = dt.date(year - 1, 4, 1)
    after = dt.date(year + 1, 4, 1)
    if dt.datetime.combine(first, dt.time(0), tzinfo=clock.LONDON) >= now:
        raise StatsVolumeError(f"The year before {year}-{(year + 1) % 100:02d} has not begun.")
    report = StatsVolumeReport()
    rng = random.Random(f"stats:{seed}")  # noqa: S311 (synthetic data, not secrets)
    started = time.monotonic()
    with transaction.atomic():
        places = ensure_places(areas=areas, year=year, rng=rng)
        clear_made_up_facts([p.la for p in places])
    report.seconds["areas"] = round(time.monotonic() - started, 1)

    started = time.monotonic()
    clk = _Clock(first, after + dt.timedelta(days=400))
    sink = _Sink(report)
    now_ts = now.timestamp()
    generator = _Generator(rng=rng, places=places, clock_=clk, now=now_ts, sink=sink)
    days = (after - first).days
    if days_progress:
        days_progress(days)
    per_day = incidents / 365.25
    carry = 0.0
    year_starts = clk.starts[(dt.date(year, 4, 1) - first).days]
    for d in range(days):
        day_start, day_end = clk.starts[d], clk.starts[d + 1]
        carry += per_day
        count = int(carry)
        carry -= count
        moments = sorted(rng.uniform(day_start, day_end) for _ in range(count))
        for occurred in moments:
            if occurred > now_ts - 3600:
                continue
            generator.incident(occurred)
            if day_start >= year_starts:
                report.incidents += 1
        if progress:
            progress(f"{clk.days[d]:%B %Y}")
    sink.flush()
    report.seconds["facts"] = round(time.monotonic() - started, 1)

    started = time.monotonic()
    report.figures = rebuild_figures()
    report.seconds["figures"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    analyze()
    report.seconds["analyze"] = round(time.monotonic() - started, 1)
    return report
