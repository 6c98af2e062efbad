"""Routing a submitted incident: every registered route's planner runs, in the routes'
order, in the transaction that submits the incident (and again when a risk checklist at
the incident is completed, because some routes need the grade), and what each plans is
recorded in the ledger (``services.plans``).

This is Hearth acting on a submission, not a person reading records: planners read
without the reader's visibility, and nothing they read is shown to anyone. Routing is
idempotent: an obligation is one row per planned key.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from hearth.core.actor import Actor
from hearth.incidents.models import Incident
from hearth.obligations import reference, registry
from hearth.obligations.models import Obligation, UnroutedWork
from hearth.obligations.services.plans import record_plans, record_unrouted


@dataclass(frozen=True)
class RoutingOutcome:
    created: list[Obligation]
    unrouted: list[UnroutedWork]


# Inside the submitting transaction, without a savepoint of its own: a failure fails the
# submission (nothing catches it to go on).
@transaction.atomic(savepoint=False)
def incident_route(*, actor: Actor | None, incident: Incident) -> RoutingOutcome:
    """Run every registered route's planner for a submitted incident, in the routes'
    order, and record what they plan. Running it again creates nothing twice (one row per
    key)."""
    # The incident's row only (``of``): locking the joined agency too made every intake of
    # a force wait for the one before it to commit (issue 12's intake throughput).
    incident = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("recorded_by_agency")
        .get(pk=incident.pk)
    )
    if incident.status != Incident.Status.SUBMITTED:
        return RoutingOutcome([], [])
    created: list[Obligation] = []
    unrouted: list[UnroutedWork] = []
    # Work left unrouted by an earlier routing, which a route may now resolve: asked once
    # (a route cannot resolve what it leaves unrouted itself in this run).
    waiting = UnroutedWork.objects.filter(incident=incident, resolved_at__isnull=True).exists()
    with reference.read_once():  # teams, areas and homes read once for every route
        for route in registry.routes():
            if route.plan is None:
                continue
            result = route.plan(route.read(incident) if route.read is not None else incident)
            created += record_plans(
                actor=actor, incident=incident, planned=result.planned, resolve_unrouted=waiting
            )
            unrouted += record_unrouted(actor=actor, incident=incident, unrouted=result.unrouted)
    return RoutingOutcome(created, unrouted)
