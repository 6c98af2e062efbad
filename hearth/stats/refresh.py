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
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Sum

from hearth.stats import figures
from hearth.stats.figures import Measure
from hearth.stats.measures import AWAITING
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
)

AREA = ("month", "local_authority_id", "force_id", "agency_id")
BATCH = 5000

# A figure before it is stored: (month, local authority, force, agency, category) → value.
Key = tuple[dt.date, int | None, int | None, int | None, str]


def _grouped(qs: QuerySet[Any], extra: tuple[str, ...], **values: Any) -> Iterator[dict[str, Any]]:
    """``qs`` grouped by month, area, force, agency and ``extra``, with ``values``."""
    return qs.order_by().values(*AREA, *extra).annotate(**values).iterator(chunk_size=BATCH)


def _key(row: dict[str, Any], category: str) -> Key:
    return (
        row["month"],
        row["local_authority_id"],
        row["force_id"],
        row["agency_id"],
        category,
    )


def _fold(rows: Iterable[tuple[Key, int]]) -> dict[Key, int]:
    totals: defaultdict[Key, int] = defaultdict(int)
    for key, value in rows:
        if value:
            totals[key] += value
    return totals


def _counts(
    qs: QuerySet[Any], categories: dict[str, Q | None], by: str | None = None
) -> Iterator[tuple[Key, int]]:
    """For each category, the facts of ``qs`` matching its condition (None: all); with
    ``by``, the category is that column's value (the condition names a prefix)."""
    values = {
        f"n{i}": Count("pk", filter=cond) if cond is not None else Count("pk")
        for i, cond in enumerate(categories.values())
    }
    names = list(categories)
    for row in _grouped(qs, (by,) if by else (), **values):
        for i, name in enumerate(names):
            category = f"{name}{row[by]}" if by else name
            yield _key(row, category), row[f"n{i}"]


def _referrals(qs: QuerySet[Any]) -> Iterator[tuple[Key, int]]:
    yield from _counts(qs, {"": None}, by="source")


def _re_referrals(qs: QuerySet[Any]) -> Iterator[tuple[Key, int]]:
    yield from _counts(qs.filter(re_referral=True), {"": None})


def _decisions(qs: QuerySet[Any]) -> Iterator[tuple[Key, int]]:
    for key, n in _counts(qs, {"": None}, by="decision"):
        yield (*key[:4], key[4] or AWAITING), n


def _incidents(qs: QuerySet[Any]) -> Iterator[tuple[Key, int]]:
    for row in _grouped(qs, ("children",), n=Count("pk")):
        yield _key(row, figures.children_category(row["children"])), row["n"]


def _children(qs: QuerySet[Any]) -> Iterator[tuple[Key, int]]:
    for row in _grouped(qs, (), n=Sum("children"), s3=Sum("victims_in_own_right")):
        yield _key(row, ""), row["n"] or 0
        yield _key(row, "s3"), row["s3"] or 0


def _deadlines_met(qs: QuerySet[Any]) -> Iterator[tuple[Key, int]]:
    on_time = Q(done_at__lte=F("due_at"))
    for row in _grouped(
        qs.filter(done_at__isnull=False),
        ("route", "stage"),
        on=Count("pk", filter=on_time),
        late=Count("pk", filter=~on_time),
    ):
        for result, field in ((figures.ON_TIME, "on"), (figures.LATE, "late")):
            category = figures.deadline_category(row["route"], row["stage"], result)
            yield _key(row, category), row[field]


def _durations(qs: QuerySet[Any]) -> Iterator[tuple[Key, int]]:
    for row in _grouped(
        qs.filter(done_at__isnull=False, minutes__isnull=False),
        ("route", "stage", "minutes"),
        n=Count("pk"),
    ):
        upper = figures.bucket(row["minutes"])
        yield _key(row, figures.deadline_category(row["route"], row["stage"], str(upper))), row["n"]


def _assessments(qs: QuerySet[Any]) -> Iterator[tuple[Key, int]]:
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


def _marac(qs: QuerySet[Any]) -> Iterator[tuple[Key, int]]:
    yield from _counts(
        qs,
        {
            "": None,
            "repeat": Q(repeat=True),
            "others": Q(from_police=False),
            "heard": Q(heard=True),
        },
    )
    for row in _grouped(qs, (), n=Sum("children")):
        yield _key(row, "children"), row["n"] or 0


def _known(qs: QuerySet[Any]) -> Iterator[tuple[Key, int]]:
    yield from _counts(
        qs,
        {
            "": None,
            "already": Q(already_known=True),
            "within_5": Q(within_5=True),
            "decided": Q(within_5__isnull=False),
        },
    )


def _specialist(qs: QuerySet[Any]) -> Iterator[tuple[Key, int]]:
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


def _specialist_wait(qs: QuerySet[Any]) -> Iterator[tuple[Key, int]]:
    yield from _counts(qs.filter(wait_days__isnull=False), {"": None}, by="wait_days")


def _unmet(qs: QuerySet[Any]) -> Iterator[tuple[Key, int]]:
    for row in _grouped(qs, ("reason", "age_band"), n=Count("pk")):
        yield _key(row, figures.unmet_category(row["reason"], row["age_band"])), row["n"]


# Each measure: the fact table it is summed from, and how.
SOURCES: dict[Measure, tuple[type[Any], Callable[[QuerySet[Any]], Iterator[tuple[Key, int]]]]] = {
    Measure.REFERRALS: (NotificationFact, _referrals),
    Measure.RE_REFERRALS: (NotificationFact, _re_referrals),
    Measure.DECISIONS: (NotificationFact, _decisions),
    Measure.INCIDENTS: (IncidentFact, _incidents),
    Measure.CHILDREN: (IncidentFact, _children),
    Measure.DEADLINES_MET: (DeadlineFact, _deadlines_met),
    Measure.DURATIONS: (DeadlineFact, _durations),
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
                )
                for (month, la, force, agency, category), value in _fold(build(facts)).items()
            ]
            MonthlyFigure.objects.bulk_create(rows, batch_size=BATCH)
            written += len(rows)
    return written
