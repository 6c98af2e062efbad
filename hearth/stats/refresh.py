"""The maintained aggregates kept up to date from the ledger (issue 15 §5; docs/stats.md
"Maintained aggregates").

``refresh`` upserts the fact tables from the ledger rows changed since each source's
watermark (``hearth.stats.ledger`` reads them), then ``rebuild_figures`` sums the facts
into ``MonthlyFigure`` for every month it touched. ``rebuild_figures`` reads the fact
tables only, never the ledger, so a caller that writes facts itself (the benchmark) can
rebuild the figures from them.

Every figure is one ``GROUP BY`` of one fact table over (month, local authority, force,
agency) and what the category is made from; what cannot be grouped in SQL on every
database (a duration's bucket, "5 or more" children) is folded in Python over the
grouped rows, which are few (one per group, not one per fact).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction
from django.db.models import BigIntegerField, Count, Exists, F, Max, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Cast

from hearth.core import clock
from hearth.core.calendar import local_date, working_day_deadline
from hearth.incidents.models import ChildInvolvement, Incident, Party
from hearth.incidents.policy import PartyRole
from hearth.matching.models import PersonLink
from hearth.matching.selectors import linked_person_ids
from hearth.obligations.models import Deadline, Obligation
from hearth.referrals.models import ChildAssessment, MaracReferralChild
from hearth.referrals.policy import Route
from hearth.risk.models import RiskAssessment
from hearth.specialist import policy as specialist_policy
from hearth.specialist.models import SpecialistReferral, UnmetNeed
from hearth.stats import figures, keys, ledger
from hearth.stats.figures import Measure
from hearth.stats.measures import (
    AWAITING,
    KNOWN_WITHIN_WORKING_DAYS,
    ChildServicesContact,
    is_within_12_months,
)
from hearth.stats.models import (
    AssessmentFact,
    DeadlineFact,
    IncidentFact,
    KnownFact,
    MaracFact,
    MonthlyFigure,
    NotificationFact,
    SpecialistFact,
    UnmetNeedFact,
    Watermark,
)

AREA = ("month", "local_authority_id", "force_id", "agency_id")
# Summed over agencies: the figure's agency is null.
AREA_ALL_AGENCIES = ("month", "local_authority_id", "force_id")
BATCH = 5000

# A figure before it is stored: (month, local authority, force, agency, category) →
# (value, the sum of its records' keys: DISCLOSURE-2's cell key before the modulo).
Key = tuple[dt.date, int | None, int | None, int | None, str]
Counted = tuple[int, int]


def _grouped(
    qs: QuerySet[Any],
    extra: tuple[str, ...],
    *,
    area: tuple[str, ...] = AREA,
    **values: Any,
) -> Iterator[dict[str, Any]]:
    """``qs`` grouped by month, area, force, agency (unless ``area`` leaves it out) and
    ``extra``, with ``values``."""
    return qs.order_by().values(*area, *extra).annotate(**values).iterator(chunk_size=BATCH)


def _key(row: dict[str, Any], category: str) -> Key:
    return (
        row["month"],
        row.get("local_authority_id"),
        row.get("force_id"),
        row.get("agency_id"),
        category,
    )


def _fold(rows: Iterable[tuple[Key, Counted]]) -> dict[Key, Counted]:
    totals: dict[Key, Counted] = {}
    for key, (value, ckey) in rows:
        if value:
            was, was_key = totals.get(key, (0, 0))
            totals[key] = (was + value, was_key + (ckey or 0))
    return totals


def _keys(condition: Q | None = None) -> Sum:
    """The sum of the record keys of the facts counted (under ``condition``)."""
    return Sum("record_key", filter=condition) if condition is not None else Sum("record_key")


def _keys_times(column: str) -> Sum:
    """The sum of the record keys of what ``Sum(column)`` counts: each fact's key once for
    each thing it counts (each child of an incident counts with the incident's key)."""
    return Sum(Cast("record_key", BigIntegerField()) * F(column))


def _counts(
    qs: QuerySet[Any], categories: dict[str, Q | None], by: str | None = None
) -> Iterator[tuple[Key, Counted]]:
    """For each category, the facts of ``qs`` matching its condition (None: all); with
    ``by``, the category is that column's value (the condition names a prefix)."""
    values: dict[str, Any] = {}
    for i, cond in enumerate(categories.values()):
        values[f"n{i}"] = Count("pk", filter=cond) if cond is not None else Count("pk")
        values[f"k{i}"] = _keys(cond)
    names = list(categories)
    for row in _grouped(qs, (by,) if by else (), **values):
        for i, name in enumerate(names):
            category = f"{name}{row[by]}" if by else name
            yield _key(row, category), (row[f"n{i}"], row[f"k{i}"] or 0)


def _referrals(qs: QuerySet[Any]) -> Iterator[tuple[Key, Counted]]:
    yield from _counts(qs, {"": None}, by="source")


def _re_referrals(qs: QuerySet[Any]) -> Iterator[tuple[Key, Counted]]:
    yield from _counts(qs.filter(re_referral=True), {"": None})


def _decisions(qs: QuerySet[Any]) -> Iterator[tuple[Key, Counted]]:
    for key, n in _counts(qs, {"": None}, by="decision"):
        yield (*key[:4], key[4] or AWAITING), n


def _incidents(qs: QuerySet[Any]) -> Iterator[tuple[Key, Counted]]:
    for row in _grouped(qs, ("children",), n=Count("pk"), k=_keys()):
        yield _key(row, figures.children_category(row["children"])), (row["n"], row["k"] or 0)


def _children(qs: QuerySet[Any]) -> Iterator[tuple[Key, Counted]]:
    for row in _grouped(
        qs,
        (),
        n=Sum("children"),
        k=_keys_times("children"),
        s3=Sum("victims_in_own_right"),
        k3=_keys_times("victims_in_own_right"),
    ):
        yield _key(row, ""), (row["n"] or 0, row["k"] or 0)
        yield _key(row, "s3"), (row["s3"] or 0, row["k3"] or 0)


def _deadlines_met(
    qs: QuerySet[Any], area: tuple[str, ...] = AREA_ALL_AGENCIES
) -> Iterator[tuple[Key, Counted]]:
    """Deadlines met on time and late; summed over agencies unless ``area`` has one."""
    on_time = Q(done_at__lte=F("due_at"))
    for row in _grouped(
        qs.filter(done_at__isnull=False),
        ("route", "stage"),
        area=area,
        on=Count("pk", filter=on_time),
        late=Count("pk", filter=~on_time),
        k_on=_keys(on_time),
        k_late=_keys(~on_time),
    ):
        for result, column in ((figures.ON_TIME, "on"), (figures.LATE, "late")):
            category = figures.deadline_category(row["route"], row["stage"], result)
            yield _key(row, category), (row[column], row[f"k_{column}"] or 0)


def _durations(
    qs: QuerySet[Any], area: tuple[str, ...] = AREA_ALL_AGENCIES
) -> Iterator[tuple[Key, Counted]]:
    """Deadlines met by time taken (bucketed); summed over agencies unless ``area`` has one."""
    for row in _grouped(
        qs.filter(done_at__isnull=False, minutes__isnull=False),
        ("route", "stage", "minutes"),
        area=area,
        n=Count("pk"),
        k=_keys(),
    ):
        upper = figures.bucket(row["minutes"])
        category = figures.deadline_category(row["route"], row["stage"], str(upper))
        yield _key(row, category), (row["n"], row["k"] or 0)


def _deadlines_met_by_agency(qs: QuerySet[Any]) -> Iterator[tuple[Key, Counted]]:
    yield from _deadlines_met(qs, AREA)


def _durations_by_agency(qs: QuerySet[Any]) -> Iterator[tuple[Key, Counted]]:
    yield from _durations(qs, AREA)


# Summed over every area: only what some area's figures also count (a local authority,
# or a force area), so the sum over every area equals these.
_IN_AN_AREA = Q(local_authority_id__isnull=False) | Q(force_id__isnull=False)


def _deadlines_met_all_areas(qs: QuerySet[Any]) -> Iterator[tuple[Key, Counted]]:
    yield from _deadlines_met(qs.filter(_IN_AN_AREA), ("month",))


def _durations_all_areas(qs: QuerySet[Any]) -> Iterator[tuple[Key, Counted]]:
    yield from _durations(qs.filter(_IN_AN_AREA), ("month",))


def _assessments(qs: QuerySet[Any]) -> Iterator[tuple[Key, Counted]]:
    yield from _counts(
        qs,
        {
            "": None,
            "3A": Q(factor_3a=True),
            "3B": Q(factor_3b=True),
            "3C": Q(factor_3c=True),
            "any": Q(factor_3a=True) | Q(factor_3b=True) | Q(factor_3c=True),
        },
    )


def _marac(qs: QuerySet[Any]) -> Iterator[tuple[Key, Counted]]:
    yield from _counts(
        qs,
        {
            "": None,
            "repeat": Q(repeat=True),
            "others": Q(from_police=False),
            "heard": Q(heard=True),
        },
    )
    for row in _grouped(qs, (), n=Sum("children"), k=_keys_times("children")):
        yield _key(row, "children"), (row["n"] or 0, row["k"] or 0)


def _known(qs: QuerySet[Any]) -> Iterator[tuple[Key, Counted]]:
    yield from _counts(
        qs,
        {
            "": None,
            "already": Q(already_known=True),
            "within_5": Q(within_5=True),
            "decided": Q(within_5__isnull=False),
        },
    )


def _specialist(qs: QuerySet[Any]) -> Iterator[tuple[Key, Counted]]:
    yield from _counts(
        qs,
        {
            "": None,
            "accepted": Q(answer="accepted"),
            "waiting_list": Q(answer="waiting_list"),
            "declined": Q(answer="declined"),
            "started": Q(started_on__isnull=False),
            "completed": Q(ended_on__isnull=False, started_on__isnull=False),
        },
    )
    yield from _counts(qs, {"age:": None}, by="age_band")


def _specialist_wait(qs: QuerySet[Any]) -> Iterator[tuple[Key, Counted]]:
    yield from _counts(qs.filter(wait_days__isnull=False), {"": None}, by="wait_days")


def _unmet(qs: QuerySet[Any]) -> Iterator[tuple[Key, Counted]]:
    for row in _grouped(qs, ("reason", "age_band"), n=Count("pk"), k=_keys()):
        category = figures.unmet_category(row["reason"], row["age_band"])
        yield _key(row, category), (row["n"], row["k"] or 0)


# Each measure: the fact table it is summed from, and how.
Build = Callable[[QuerySet[Any]], Iterator[tuple[Key, Counted]]]
SOURCES: dict[Measure, tuple[type[Any], Build]] = {
    Measure.REFERRALS: (NotificationFact, _referrals),
    Measure.RE_REFERRALS: (NotificationFact, _re_referrals),
    Measure.DECISIONS: (NotificationFact, _decisions),
    Measure.INCIDENTS: (IncidentFact, _incidents),
    Measure.CHILDREN: (IncidentFact, _children),
    Measure.DEADLINES_MET: (DeadlineFact, _deadlines_met),
    Measure.DURATIONS: (DeadlineFact, _durations),
    Measure.DEADLINES_MET_BY_AGENCY: (DeadlineFact, _deadlines_met_by_agency),
    Measure.DURATIONS_BY_AGENCY: (DeadlineFact, _durations_by_agency),
    Measure.DEADLINES_MET_ALL_AREAS: (DeadlineFact, _deadlines_met_all_areas),
    Measure.DURATIONS_ALL_AREAS: (DeadlineFact, _durations_all_areas),
    Measure.ASSESSMENTS: (AssessmentFact, _assessments),
    Measure.MARAC: (MaracFact, _marac),
    Measure.KNOWN: (KnownFact, _known),
    Measure.SPECIALIST: (SpecialistFact, _specialist),
    Measure.SPECIALIST_WAIT: (SpecialistFact, _specialist_wait),
    Measure.UNMET_NEED: (UnmetNeedFact, _unmet),
}

# Which measures each fact table feeds: a refresh that touched a month of one table
# rebuilds only those measures' figures for it.
MEASURES_OF: dict[type[Any], list[Measure]] = defaultdict(list)
for _measure, (_model, _fn) in SOURCES.items():
    MEASURES_OF[_model].append(_measure)


def rebuild_figures(
    months: Iterable[dt.date] | None = None, measures: Iterable[Measure] | None = None
) -> int:
    """Rebuild ``MonthlyFigure`` from the facts for ``months`` (first days of London
    months; every month when None) and ``measures`` (every measure when None): delete
    those rows, insert the sums. One transaction, so a page never sees a half-built
    month. Returns the number of figures written."""
    wanted = sorted(set(months)) if months is not None else None
    chosen = list(measures) if measures is not None else list(SOURCES)
    if wanted is not None and not wanted:
        return 0
    written = 0
    with transaction.atomic():
        for measure in chosen:
            model, build = SOURCES[measure]
            old = MonthlyFigure.objects.filter(measure=measure)
            facts = model.objects.all()
            if wanted is not None:
                old = old.filter(month__in=wanted)
                facts = facts.filter(month__in=wanted)
            old.delete()
            rows = [
                MonthlyFigure(
                    measure=measure,
                    month=month,
                    local_authority_id=la,
                    force_id=force,
                    agency_id=agency,
                    category=category,
                    value=value,
                    ckey=ckey,
                )
                for (month, la, force, agency, category), (value, ckey) in _fold(
                    build(facts)
                ).items()
            ]
            MonthlyFigure.objects.bulk_create(rows, batch_size=BATCH)
            written += len(rows)
    return written


# ---------------------------------------------------------------------------------------
# The refresh: facts from the ledger, by watermark
# ---------------------------------------------------------------------------------------

# A run reads from ``Watermark.position − OVERLAP`` (the position is the moment the last
# run began reading): a transaction that stamped its rows before that moment but
# committed after the run read is still read. Upserts make reading a row twice harmless.
OVERLAP = dt.timedelta(minutes=10)
UPSERT_BATCH = 2000

# The ledger's change feeds, each a table with ``updated_at`` (set by every ``save()``).
# Deadlines have none: they are read with their obligation (every service that meets,
# moves or adds a deadline saves the obligation in the same call) or their assessment.
SOURCES_FED = ("obligations", "incidents", "risk", "assessments", "specialist", "unmet_need")

# ``Watermark`` rows named ``built:<measure>`` say a measure's figures have been built
# from every fact (by a first run, a rebuild, or the run after an upgrade added it).
BUILT = "built:"

STEPS = (
    "notifications",
    "deadlines",
    "incidents",
    "marac",
    "assessments",
    "known",
    "specialist",
    "unmet_need",
    "figures",
)


@dataclass
class RefreshReport:
    """What one run did: facts written by kind, months whose figures were rebuilt,
    figures written, how long it took."""

    rebuilt: bool = False
    facts: dict[str, int] = field(default_factory=dict)
    months: int = 0
    figures: int = 0
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.facts.values())

    def __str__(self) -> str:
        what = "Rebuilt" if self.rebuilt else "Refreshed"
        parts = ", ".join(f"{n} {kind}" for kind, n in self.facts.items() if n) or "no changes"
        return (
            f"{what} statistics: {parts}; {self.figures} figures in {self.months} months "
            f"({self.seconds:.1f}s)"
        )


def month_of(moment: dt.datetime) -> dt.date:
    """The first day of the London month ``moment`` falls in."""
    return local_date(moment).replace(day=1)


@dataclass
class _Changes:
    """The ledger rows changed since the watermarks, as subqueries (never lists of ids:
    at a national year a first run reads millions)."""

    since: dict[str, dt.datetime | None]
    obligations: QuerySet[Obligation]
    incidents: QuerySet[Incident]
    risk: QuerySet[RiskAssessment]
    assessments: QuerySet[ChildAssessment]
    specialist: QuerySet[SpecialistReferral]
    unmet: QuerySet[UnmetNeed]
    deadlines: QuerySet[Deadline]


def _max_id(*pairs: tuple[type[Any], str]) -> int:
    return max(
        (model.objects.aggregate(m=Max(column))["m"] or 0 for model, column in pairs), default=0
    )


def _changed(
    qs: QuerySet[Any], since: dt.datetime | None, newer_than: int | None, pk: str = "pk"
) -> QuerySet[Any]:
    """Rows of ``qs`` changed at or after ``since`` (every row when None), or added with
    a primary key above ``newer_than`` whatever their ``updated_at`` (the demo's volume
    generator writes years of rows in bulk with the times they would have had)."""
    if since is None:
        return qs
    if newer_than is None:
        return qs.filter(updated_at__gte=since)
    return qs.filter(Q(updated_at__gte=since) | Q(**{f"{pk}__gt": newer_than}))


def _changes(watermarks: dict[str, Watermark]) -> _Changes:
    since = {
        source: (mark.position - OVERLAP if mark.position is not None else None)
        for source, mark in watermarks.items()
    }
    obligations = _changed(
        Obligation.objects.all(),
        since["obligations"],
        _max_id(
            (NotificationFact, "obligation_id"),
            (DeadlineFact, "obligation_id"),
            (MaracFact, "obligation_id"),
            (SpecialistFact, "obligation_id"),
        ),
    )
    incidents = _changed(
        Incident.objects.all(), since["incidents"], _max_id((IncidentFact, "incident_id"))
    )
    # Only the ledger's core is written in bulk (incidents, obligations, deadlines, risk
    # assessments: ``hearth.demo.volume``); the rest is read by ``updated_at`` alone, so
    # that rows that make no fact (an assessment not yet authorised) are not read on
    # every run. A risk assessment written in bulk comes with its new incident.
    risk = _changed(RiskAssessment.objects.all(), since["risk"], None)
    assessments = _changed(ChildAssessment.objects.all(), since["assessments"], None)
    specialist = _changed(SpecialistReferral.objects.all(), since["specialist"], None)
    unmet = _changed(UnmetNeed.objects.all(), since["unmet_need"], None)
    if since["obligations"] is None:
        deadlines = Deadline.objects.all()
    else:
        # An offer of specialist support is retimed when the front door decides on the
        # child's notification (``specialist.services.offer_retime``): its deadline is
        # saved, the offer is not, so it is read with the notification that moved it.
        retimed = Exists(
            obligations.filter(
                route=Route.CHILD_CONCERN,
                subject_id=OuterRef("obligation__subject_id"),
                incident_id=OuterRef("obligation__incident_id"),
            )
        )
        deadlines = Deadline.objects.filter(
            Q(obligation__in=obligations.order_by().values("pk"))
            | Q(assessment__in=assessments.order_by().values("pk"))
            | Q(pk__gt=_max_id((DeadlineFact, "deadline_id")))
            | (Q(obligation__route=specialist_policy.OFFER_ROUTE) & Q(retimed))
        )
    return _Changes(since, obligations, incidents, risk, assessments, specialist, unmet, deadlines)


class _Writer:
    """Upserts facts in batches and remembers every month a fact was in, before and
    after, so that exactly those months' figures are rebuilt."""

    def __init__(self, now: dt.datetime, fresh: bool = False) -> None:
        self.now = now
        self.fresh = fresh  # the fact tables were emptied: plain inserts
        self.months: defaultdict[type[Any], set[dt.date]] = defaultdict(set)
        self.counts: dict[str, int] = {}

    def upsert(self, kind: str, model: type[Any], key: str, facts: Iterable[Any]) -> None:
        fields = [
            f.name for f in model._meta.concrete_fields if not f.primary_key and f.name != key
        ]
        written = 0
        for batch in ledger._chunks(facts, UPSERT_BATCH):
            for fact in batch:
                fact.refreshed_at = self.now
                fact.record_key = keys.key_of(fact)
                self.months[model].add(fact.month)
            if self.fresh:
                model.objects.bulk_create(batch, batch_size=UPSERT_BATCH)
            else:
                # The months these facts were in before (a moment may have been corrected).
                ids = [getattr(fact, key) for fact in batch]
                self.months[model].update(
                    model.objects.filter(**{f"{key}__in": ids})
                    .values_list("month", flat=True)
                    .distinct()
                )
                model.objects.bulk_create(
                    batch,
                    batch_size=UPSERT_BATCH,
                    update_conflicts=True,
                    unique_fields=[key],
                    update_fields=fields,
                )
            written += len(batch)
        self.counts[kind] = self.counts.get(kind, 0) + written


def _notification_facts(rows: Iterable[ledger.NotificationRecord]) -> Iterator[NotificationFact]:
    for row in rows:
        yield NotificationFact(
            month=month_of(row.received_at),
            local_authority_id=_n(row.local_authority),
            force_id=_n(row.force),
            agency_id=_n(row.front_door),
            obligation_id=_n(row.notification_id),
            child_id=_n(row.child_id),
            incident_id=_n(row.incident_id),
            source=row.source,
            received_at=row.received_at,
            acknowledge_due=row.acknowledge_due,
            acknowledged_at=row.acknowledged_at,
            decide_due=row.decide_due,
            decided_at=row.decided_at,
            decision=row.decision or "",
        )


def _n(value: Hashable | None) -> Any:
    """A row's id as the plain integer it is (the pure rows type ids as ``Hashable``)."""
    return value


def whole_minutes(start: dt.datetime, done: dt.datetime) -> int:
    """Whole minutes from ``start`` to ``done`` (never below 0)."""
    return max(0, int((done - start).total_seconds() // 60))


def _deadline_facts(rows: Iterable[ledger.DeadlineRecord]) -> Iterator[DeadlineFact]:
    for row in rows:
        yield DeadlineFact(
            month=month_of(row.started_at),
            local_authority_id=row.local_authority_id,
            force_id=row.force_id,
            agency_id=_n(row.area),
            deadline_id=row.deadline_id,
            obligation_id=row.obligation_id,
            route=row.route,
            stage=row.stage,
            team_id=row.team_id,
            started_at=row.started_at,
            due_at=row.due_at,
            done_at=row.done_at,
            minutes=whole_minutes(row.started_at, row.done_at) if row.done_at else None,
        )


def _incident_facts(rows: Iterable[ledger.IncidentRecord]) -> Iterator[IncidentFact]:
    for row in rows:
        children = {child.child_id: child for child in row.children}
        yield IncidentFact(
            month=month_of(row.occurred_at),
            local_authority_id=_n(row.area),
            force_id=row.force_id,
            agency_id=row.agency_id,
            incident_id=_n(row.incident_id),
            occurred_at=row.occurred_at,
            children=len(children),
            victims_in_own_right=sum(c.victim_in_own_right for c in children.values()),
        )


def _marac_facts(rows: Iterable[ledger.MaracRecord]) -> Iterator[MaracFact]:
    for row in rows:
        yield MaracFact(
            month=month_of(row.sent_at),
            local_authority_id=row.local_authority_id,
            force_id=row.force_id,
            agency_id=_n(row.marac),
            obligation_id=_n(row.referral_id),
            sent_at=row.sent_at,
            repeat=row.repeat,
            from_police=row.from_police,
            heard=row.outcome == "heard",
            children=len(set(row.children)),
        )


def _assessment_facts(rows: Iterable[ledger.AssessmentRecord]) -> Iterator[AssessmentFact]:
    for row in rows:
        yield AssessmentFact(
            month=month_of(row.completed_at),
            local_authority_id=row.local_authority_id,
            force_id=row.force_id,
            agency_id=_n(row.front_door),
            assessment_id=row.assessment_id,
            completed_on=local_date(row.completed_at),
            factor_3a="3A" in row.factors,
            factor_3b="3B" in row.factors,
            factor_3c="3C" in row.factors,
        )


def _specialist_facts(rows: Iterable[ledger.SpecialistRow]) -> Iterator[SpecialistFact]:
    for row in rows:
        yield SpecialistFact(
            month=month_of(row.referred_at),
            local_authority_id=row.local_authority_id,
            force_id=row.force_id,
            agency_id=row.agency_id,
            obligation_id=_n(row.referral_id),
            age_band=row.age_band,
            referred_at=row.referred_at,
            answer=row.answer,
            answered_at=row.answered_at,
            started_on=row.started_on,
            ended_on=row.ended_on,
            wait_days=row.wait_days,
        )


def _unmet_facts(rows: Iterable[ledger.UnmetNeedRow]) -> Iterator[UnmetNeedFact]:
    for row in rows:
        yield UnmetNeedFact(
            month=row.opened_on.replace(day=1),
            local_authority_id=row.local_authority_id,
            force_id=row.force_id,
            agency_id=row.agency_id,
            unmet_need_id=row.unmet_need_id,
            age_band=row.age_band,
            reason=row.reason,
            opened_on=row.opened_on,
            closed_on=row.closed_on,
        )


# --- Re-referrals: a child's notifications to one front door, in order ------------------


def _decide_re_referrals(writer: _Writer, child_ids: set[int] | None) -> None:
    """Set ``NotificationFact.re_referral`` for every notification of these children (all
    when None): the same child's previous notification to the same front door received
    on a London day within 12 months before (``measures.is_within_12_months``). A
    notification added with an earlier date changes the later ones, so a child's whole
    list is decided again."""
    qs = NotificationFact.objects.order_by("child_id", "agency_id", "received_at", "obligation_id")
    groups: Iterable[Sequence[int]] = (
        [[]] if child_ids is None else ledger._chunks(sorted(child_ids), ledger.CHUNK * 5)
    )
    for ids in groups:
        part = qs if child_ids is None else qs.filter(child_id__in=ids)
        changed: list[NotificationFact] = []
        last: tuple[Any, Any, dt.date] | None = None
        for pk, child, agency, received, flag, month in part.values_list(
            "pk", "child_id", "agency_id", "received_at", "re_referral", "month"
        ).iterator(chunk_size=ledger.CHUNK):
            day = local_date(received)
            repeat = (
                last is not None
                and last[:2] == (child, agency)
                and is_within_12_months(last[2], day)
            )
            if repeat != flag:
                changed.append(NotificationFact(pk=pk, re_referral=repeat))
                writer.months[NotificationFact].add(month)
            last = (child, agency, day)
        NotificationFact.objects.bulk_update(changed, ["re_referral"], batch_size=UPSERT_BATCH)


# --- Known to children's services -------------------------------------------------------


def _households_of_children(child_ids: Sequence[int]) -> QuerySet[Incident]:
    """The incidents whose households hold any of these children."""
    return Incident.objects.filter(
        Q(
            pk__in=Party.objects.filter(role=PartyRole.CHILD, person_id__in=child_ids).values(
                "incident_id"
            )
        )
        | Q(pk__in=ChildInvolvement.objects.filter(child_id__in=child_ids).values("incident_id"))
        | Q(
            pk__in=MaracReferralChild.objects.filter(child_id__in=child_ids).values(
                "referral__obligation__incident_id"
            )
        )
    )


def known_facts(
    households: Iterable[ledger.HouseholdRecord],
    contacts: Iterable[ChildServicesContact],
    now: dt.datetime,
    child_ids: set[Hashable] | None = None,
) -> list[KnownFact]:
    """One fact per child and London month: the child's first high-risk household of
    the month (as ``measures.known_to_childrens_services`` takes each child once, at
    their first such incident in the period), already known at it, and known within 5
    working days after (True as soon as it is; null while not yet and the 5 working days
    have not ended; False after)."""
    first: dict[tuple[Hashable, dt.date], ledger.HouseholdRecord] = {}
    for household in sorted(households, key=lambda h: (h.occurred_at, h.incident_id)):
        month = month_of(household.occurred_at)
        for child in household.children:
            if child_ids is None or child in child_ids:
                first.setdefault((child, month), household)
    moments: defaultdict[Hashable, list[ChildServicesContact]] = defaultdict(list)
    for contact in contacts:
        moments[contact.child_id].append(contact)
    facts = []
    for (child, month), household in first.items():
        mine = moments.get(child, [])
        at = household.occurred_at
        already = any(
            c.known_from <= at
            if c.is_notification
            else c.known_from <= at and (c.until is None or c.until > at)
            for c in mine
        )
        end = working_day_deadline(at, KNOWN_WITHIN_WORKING_DAYS, household.jurisdiction)
        within: bool | None
        if already:
            within = False
        elif any(at < c.known_from <= end for c in mine):
            within = True
        else:
            within = None if now <= end else False
        facts.append(
            KnownFact(
                month=month,
                local_authority_id=_n(household.area),
                force_id=household.force_id,
                agency_id=household.agency_id,
                refreshed_at=now,
                incident_id=_n(household.incident_id),
                child_id=_n(child),
                occurred_at=at,
                already_known=already,
                within_5=within,
            )
        )
    return facts


def identity_contacts(child_ids: Iterable[int]) -> list[ChildServicesContact]:
    """When children's services came to know each child, counting every record that is
    the same child at another agency (issue 16 §2: "links make history count"): a
    school's or a health visitor's concern about the same child, acknowledged by the front
    door under that agency's record of them, makes the child known. Records are joined
    by links in force (``matching.selectors.linked_person_ids``); a link counts here and
    grants no access anywhere. Ids only, never a record's content."""
    members_of: defaultdict[int, set[int]] = defaultdict(set)
    for ids in ledger._chunks(sorted(set(child_ids)), ledger.CHUNK):
        for child, members in linked_person_ids(ids).items():
            for member in {*members, child}:
                members_of[member].add(child)
    for child in child_ids:
        members_of[child].add(child)
    out: list[ChildServicesContact] = []
    for contact in ledger.contact_rows(members_of):
        for child in members_of.get(_n(contact.child_id), ()):
            out.append(contact if child == contact.child_id else replace(contact, child_id=child))
    return out


def _linked_to(child_ids: Iterable[int]) -> set[int]:
    """Every record joined by links in force to any of ``child_ids`` (themselves too)."""
    out: set[int] = set()
    for ids in ledger._chunks(sorted(set(child_ids)), ledger.CHUNK):
        for child, members in linked_person_ids(ids).items():
            out |= {*members, child}
    return out


def _decide_known(writer: _Writer, changes: _Changes | None, places: ledger.Places) -> None:
    """Decide the known facts again for every child whose households or contacts
    changed, and every child still waiting for their 5 working days to end (all when
    ``changes`` is None)."""
    if changes is None:
        households = list(ledger.household_rows(places=places))
        everyone: set[int] = {_n(c) for h in households for c in h.children}
        contacts = identity_contacts(everyone)
        facts = known_facts(households, contacts, writer.now)
        KnownFact.objects.all().delete()
        _insert_known(writer, facts)
        return
    touched = Incident.objects.filter(
        Q(pk__in=changes.incidents.order_by().values("pk"))
        | Q(pk__in=changes.risk.order_by().values("incident_id"))
        | Q(
            pk__in=changes.obligations.order_by()
            .filter(route=Route.MARAC_REFERRAL)
            .values("incident_id")
        )
    )
    children: set[int] = set()
    for household in ledger.household_rows(touched, places):
        children.update(_n(c) for c in household.children)
    children.update(
        changes.obligations.filter(route=Route.CHILD_CONCERN).values_list("subject_id", flat=True)
    )
    children.update(changes.assessments.values_list("obligation__subject_id", flat=True))
    children.update(
        KnownFact.objects.filter(
            within_5__isnull=True, occurred_at__lt=writer.now - dt.timedelta(days=5)
        ).values_list("child_id", flat=True)
    )
    # A link made, confirmed or undone since the last run changes what its records'
    # children's services knew; and a contact with one record is a contact with every
    # record linked to it.
    since = changes.since.get("obligations")
    links = PersonLink.objects.all()
    if since is not None:  # already less OVERLAP
        links = links.filter(updated_at__gte=since)
    for a, b in links.values_list("person_a_id", "person_b_id"):
        children.update((a, b))
    children = _linked_to(children)
    for ids in ledger._chunks(sorted(children), ledger.CHUNK):
        households = list(ledger.household_rows(_households_of_children(ids), places))
        contacts = identity_contacts(ids)
        facts = known_facts(households, contacts, writer.now, {*ids})
        old = KnownFact.objects.filter(child_id__in=ids)
        writer.months[KnownFact].update(old.values_list("month", flat=True).distinct())
        old.delete()
        _insert_known(writer, facts)


def _insert_known(writer: _Writer, facts: list[KnownFact]) -> None:
    for fact in facts:
        fact.record_key = keys.key_of(fact)
        writer.months[KnownFact].add(fact.month)
    KnownFact.objects.bulk_create(facts, batch_size=UPSERT_BATCH)
    writer.counts["known"] = writer.counts.get("known", 0) + len(facts)


# --- The run ---------------------------------------------------------------------------------


FACT_MODELS = (
    NotificationFact,
    DeadlineFact,
    IncidentFact,
    MaracFact,
    AssessmentFact,
    KnownFact,
    SpecialistFact,
    UnmetNeedFact,
)


def refresh(
    *,
    now: dt.datetime | None = None,
    rebuild: bool = False,
    progress: Callable[[str], None] | None = None,
) -> RefreshReport:
    """Bring the facts and monthly figures up to date with the ledger.

    Reads the ledger rows changed since each source's watermark (minus ``OVERLAP``), or
    added since the last run (a primary key above any in the facts), upserts their
    facts, decides re-referrals and known-to-children's-services again for the children
    they concern, advances the watermarks to the moment it began reading, and rebuilds the
    figures of every month a fact was in before or after. ``rebuild`` (or a first run,
    with no watermark) reads everything into emptied tables."""
    started = time.monotonic()
    now = now or clock.now()
    step = progress or (lambda label: None)
    report = RefreshReport(rebuilt=rebuild)
    with transaction.atomic():
        marks = {
            source: Watermark.objects.select_for_update().get_or_create(source=source)[0]
            for source in SOURCES_FED
        }
        if rebuild:
            for model in FACT_MODELS:
                model.objects.all().delete()
            MonthlyFigure.objects.all().delete()
            for mark in marks.values():
                mark.position = None
        everything = all(mark.position is None for mark in marks.values())
        changes = _changes(marks)
        # Where the watermarks will move to: this moment, taken before anything is read.
        # Every row stamped before it is read by this run, or, if its transaction commits
        # later, by the next, which reads from OVERLAP before it.
        read_from = clock.now()
        places = ledger.Places.load()
        writer = _Writer(now, fresh=rebuild)

        writer.upsert(
            "notifications",
            NotificationFact,
            "obligation_id",
            _notification_facts(ledger.notification_rows(changes.obligations, places)),
        )
        if everything:
            _decide_re_referrals(writer, None)
        else:
            _decide_re_referrals(
                writer,
                set(
                    changes.obligations.filter(route=Route.CHILD_CONCERN).values_list(
                        "subject_id", flat=True
                    )
                ),
            )
        step("notifications")
        writer.upsert(
            "deadlines",
            DeadlineFact,
            "deadline_id",
            _deadline_facts(ledger.deadline_rows(changes.deadlines, places)),
        )
        step("deadlines")
        writer.upsert(
            "incidents",
            IncidentFact,
            "incident_id",
            _incident_facts(ledger.incident_rows(changes.incidents, places)),
        )
        step("incidents")
        writer.upsert(
            "marac",
            MaracFact,
            "obligation_id",
            _marac_facts(ledger.marac_rows(changes.obligations, places)),
        )
        step("marac")
        writer.upsert(
            "assessments",
            AssessmentFact,
            "assessment_id",
            _assessment_facts(ledger.assessment_rows(changes.assessments, places)),
        )
        step("assessments")
        _decide_known(writer, None if everything else changes, places)
        step("known")
        writer.upsert(
            "specialist",
            SpecialistFact,
            "obligation_id",
            _specialist_facts(ledger.specialist_rows(changes.specialist, places)),
        )
        step("specialist")
        writer.upsert(
            "unmet_need",
            UnmetNeedFact,
            "unmet_need_id",
            _unmet_facts(ledger.unmet_need_rows(changes.unmet, places)),
        )
        step("unmet_need")

        if everything:
            report.figures = rebuild_figures()
            report.months = MonthlyFigure.objects.values("month").distinct().count()
        else:
            # A measure added by an upgrade has never been built: built once from the facts
            # (asked before this run's months are rebuilt).
            built = set(
                Watermark.objects.filter(source__startswith=BUILT).values_list("source", flat=True)
            )
            new = {
                model: [m for m in measures if f"{BUILT}{m}" not in built]
                for model, measures in MEASURES_OF.items()
            }
            months: set[dt.date] = set()
            for model, touched in writer.months.items():
                if touched:
                    report.figures += rebuild_figures(touched, MEASURES_OF[model])
                    months |= touched
            report.months = len(months)
            for measures in new.values():
                if measures:
                    report.figures += rebuild_figures(None, measures)
        for measure in SOURCES:
            Watermark.objects.get_or_create(source=f"{BUILT}{measure}")
        step("figures")

        report.facts = writer.counts
        report.seconds = time.monotonic() - started
        for mark in marks.values():
            if mark.position is None or read_from > mark.position:
                mark.position = read_from
            mark.last_run_at = now
            mark.last_run_rows = report.total
            mark.last_run_seconds = report.seconds
            mark.save()
    return report
