"""Query pieces every obligations read shares: the open deadlines, and the next due time."""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from hearth.obligations.models import (
    Deadline,
    Obligation,
)


def _open_deadlines() -> Prefetch:
    return Prefetch(
        "deadlines",
        queryset=Deadline.objects.filter(met_at__isnull=True).order_by("due_at"),
        to_attr="open_deadlines",
    )


def _with_next_due(queryset: QuerySet[Obligation]) -> QuerySet[Obligation]:
    """The soonest deadline not yet met, as ``next_due``: a subquery per obligation
    (through the deadline's obligation index), not an aggregate that groups every row of
    the joined list before it can be sorted and cut to a page."""
    soonest = (
        Deadline.objects.filter(obligation=OuterRef("pk"), met_at__isnull=True)
        .order_by("due_at")
        .values("due_at")[:1]
    )
    return queryset.annotate(next_due=Subquery(soonest))
