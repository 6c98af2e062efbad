"""Recording what a route's planner planned: each obligation not yet in the ledger (one
row per key), with its deadlines, a timeline event, the route's own record
(``Route.on_created``), sent at once when the plan says so; and the work that could not be
addressed to a team, shown on the incident until someone routes it."""

from __future__ import annotations

from hearth.audit.services import timeline_record
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.incidents.models import Incident
from hearth.obligations import policy, registry
from hearth.obligations.models import Deadline, Obligation, UnroutedWork
from hearth.obligations.reference import referrer_team_of
from hearth.obligations.services._common import record_event
from hearth.obligations.services.lifecycle import send_held


def record_plans(
    *, actor: Actor | None, incident: Incident, planned: tuple[policy.PlannedObligation, ...]
) -> list[Obligation]:
    """Create the planned obligations not yet in the ledger, send those that go at once."""
    existing = set(
        Obligation.objects.filter(key__in=[p.key for p in planned]).values_list("key", flat=True)
    )
    referrer_team = referrer_team_of(incident)
    created = []
    for plan in planned:
        if plan.key in existing:
            continue
        route = registry.get(plan.route)
        obligation = Obligation.objects.create(
            key=plan.key,
            route=plan.route,
            subject_id=plan.subject_id,
            incident=incident,
            team_id=plan.team_id,
            referrer_agency_id=incident.recorded_by_agency_id,
            referrer_team=referrer_team,
            rule=plan.rule,
            rule_version=plan.rule_version,
            reason=plan.reason,
            data=dict(plan.data),
            # The stored next due time, known here without a query: none is met yet.
            next_due_at=min((d.due_at for d in plan.deadlines), default=None),
        )
        Deadline.objects.bulk_create(
            Deadline(
                obligation=obligation,
                stage=d.stage,
                owner=d.owner,
                due_at=d.due_at,
                rule=d.rule,
                rule_version=d.rule_version,
                basis=d.basis,
                estimated=d.estimated,
            )
            for d in plan.deadlines
        )
        record_event(
            actor,
            obligation,
            "obligation.created",
            f"{route.label} created by rule {plan.rule} v{plan.rule_version}",
            subject_too=True,
        )
        if route.on_created is not None:
            route.on_created(obligation, plan)
        created.append(obligation)
        if plan.send_now:
            send_held(actor, obligation)
    UnroutedWork.objects.filter(
        incident=incident,
        resolved_at__isnull=True,
        route__in=[p.route for p in planned],
        subject_id__in=[
            i
            for p in planned
            for i in (p.subject_id, *p.data.get("children", ()))  # type: ignore[misc]
        ],
    ).update(resolved_at=clock.now())
    return created


def record_unrouted(
    *, actor: Actor | None, incident: Incident, unrouted: tuple[policy.Unrouted, ...]
) -> list[UnroutedWork]:
    rows = []
    for item in unrouted:
        row, created = UnroutedWork.objects.get_or_create(
            incident=incident,
            route=item.route,
            subject_id=item.subject_id,
            defaults={"reason": item.reason},
        )
        if created:
            timeline_record(
                actor=actor,
                subject=incident,
                verb="obligation.unrouted",
                summary=f"{registry.label(item.route)} could not be routed: {item.reason}",
                payload={"route": item.route, "person_id": item.subject_id},
            )
        if row.resolved_at is None:
            rows.append(row)
    return rows
