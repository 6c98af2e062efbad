"""Query pieces every obligations read shares: the open deadlines, and the next due time."""

from __future__ import annotations

from django.db.models import Min, Prefetch, Q, QuerySet

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
    return queryset.annotate(
        next_due=Min("deadlines__due_at", filter=Q(deadlines__met_at__isnull=True))
    )
