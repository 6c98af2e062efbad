"""Query pieces every obligations read shares: the open deadlines, and the next due time."""

from __future__ import annotations

from django.db.models import F, Prefetch, QuerySet

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
    """The soonest deadline not yet met, as ``next_due``: the obligation's stored
    ``next_due_at`` (kept by ``refresh_next_due``; none once it has ended), which the
    open lists sort and filter by through their partial index."""
    return queryset.annotate(next_due=F("next_due_at"))
