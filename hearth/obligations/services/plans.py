"""Recording what a route's planner planned: each obligation not yet in the ledger (one
row per key), with its deadlines, a timeline event, the route's own record
(``Route.on_created``), sent at once when the plan says so; and the work that could not be
addressed to a team, shown on the incident until someone routes it."""

from __future__ import annotations

from hearth.accounts.models import Team
from hearth.audit.services import (
    TimelineEntry,
    diffs_record_created,
    timeline_record,
    timeline_record_many,
)
from hearth.core import clock, notify
from hearth.core.actor import Actor
from hearth.incidents.models import Incident
from hearth.obligations import policy, reference, registry
from hearth.obligations.models import Deadline, Obligation, UnroutedWork
from hearth.obligations.reference import referrer_team_of
from hearth.obligations.services._common import event_entries
from hearth.obligations.services.lifecycle import new_work_message, send_held


def record_plans(
    *,
    actor: Actor | None,
    incident: Incident,
    planned: tuple[policy.PlannedObligation, ...],
    resolve_unrouted: bool = True,
) -> list[Obligation]:
    """Create the planned obligations not yet in the ledger, send those that go at once.

    In a handful of statements whatever the number planned: the obligations, their
    deadlines, their audit entries, their timeline events and the teams' alerts are each
    written in one. An obligation sent at once is written already sent (its send stage
    met), with the same timeline ("created", then "sent") a create-then-send would leave.
    One whose route checks before sending (``Route.send_problems``) or that its referrer
    sends (``Route.sent_by_referrer``) is sent by ``send_held`` as before.
    ``resolve_unrouted``: false when the caller knows no unrouted work is waiting."""
    existing = set(
        Obligation.objects.filter(key__in=[p.key for p in planned]).values_list("key", flat=True)
    )
    todo: dict[str, policy.PlannedObligation] = {}
    for plan in planned:
        if plan.key not in existing:
            todo.setdefault(plan.key, plan)
    if not todo:
        if resolve_unrouted:
            _resolve_unrouted(incident, planned)
        return []
    referrer_team = referrer_team_of(incident)
    now = clock.now()
    people = reference.people_by_id({p.subject_id for p in todo.values()})
    made: list[tuple[Obligation, policy.PlannedObligation, bool]] = []
    for plan in todo.values():
        route = registry.get(plan.route)
        at_once = plan.send_now and route.send_problems is None and not route.sent_by_referrer
        obligation = Obligation(
            key=plan.key,
            route=plan.route,
            subject=people[plan.subject_id],
            incident=incident,
            team=reference.team_get(plan.team_id),
            referrer_agency_id=plan.referrer_agency_id or incident.recorded_by_agency_id,
            referrer_team=_referrer_team(plan, referrer_team),
            rule=plan.rule,
            rule_version=plan.rule_version,
            reason=plan.reason,
            data=dict(plan.data),
        )
        if at_once:
            obligation.status = policy.next_status(obligation.status, policy.Action.SEND)
            obligation.sent_at = now
        # The stored next due time, known here without a query.
        obligation.next_due_at = min(
            (d.due_at for d in plan.deadlines if not (at_once and d.stage == policy.Stage.SEND)),
            default=None,
        )
        made.append((obligation, plan, at_once))
    obligations = Obligation.objects.bulk_create([o for o, _, _ in made])
    deadlines = Deadline.objects.bulk_create(
        Deadline(
            obligation=obligation,
            stage=d.stage,
            owner=d.owner,
            due_at=d.due_at,
            rule=d.rule,
            rule_version=d.rule_version,
            basis=d.basis,
            estimated=d.estimated,
            met_at=now if at_once and d.stage == policy.Stage.SEND else None,
        )
        for obligation, plan, at_once in made
        for d in plan.deadlines
    )
    diffs_record_created([*obligations, *deadlines])
    events: list[TimelineEntry] = []
    for obligation, plan, at_once in made:
        events += event_entries(
            obligation,
            "obligation.created",
            f"{registry.label(plan.route)} created by rule {plan.rule} v{plan.rule_version}",
            subject_too=True,
        )
        if at_once:
            events += event_entries(
                obligation, "obligation.sent", f"Sent to {obligation.team.name}"
            )
    timeline_record_many(actor=actor, entries=events)
    messages = []
    by_route: dict[str, list[tuple[Obligation, policy.PlannedObligation, bool]]] = {}
    for item in made:
        by_route.setdefault(item[1].route, []).append(item)
    for key, group in by_route.items():
        route = registry.get(key)
        _created(route, group)
        told = _sent(actor, route, [o for o, _, at_once in group if at_once])
        for obligation, plan, at_once in group:
            if at_once:
                if obligation.pk not in told and (message := new_work_message(obligation)):
                    messages.append(message)
            elif plan.send_now:
                send_held(actor, obligation)
    notify.send_many(messages)
    if resolve_unrouted:
        _resolve_unrouted(incident, planned)
    return obligations


def _created(
    route: registry.Route, group: list[tuple[Obligation, policy.PlannedObligation, bool]]
) -> None:
    """The route's own records for its new obligations: all at once where it can."""
    if route.on_created_many is not None:
        route.on_created_many([(obligation, plan) for obligation, plan, _ in group])
    elif route.on_created is not None:
        for obligation, plan, _ in group:
            route.on_created(obligation, plan)


def _sent(actor: Actor | None, route: registry.Route, sent: list[Obligation]) -> set[int]:
    """The route's part in sending those sent as they were made (all at once where it
    can): the ids of those whose recipients it told itself."""
    if not sent:
        return set()
    if route.on_sent_many is not None:
        return {o.pk for o in sent} if route.on_sent_many(actor, sent) else set()
    if route.on_sent is None:
        return set()
    return {o.pk for o in sent if route.on_sent(actor, o)}


def _referrer_team(plan: policy.PlannedObligation, incidents: Team | None) -> Team | None:
    """The team that refers: the one the plan names; none when it names only an agency;
    else the recording agency's team that answers for its referrals."""
    if plan.referrer_team_id:
        return reference.team_get(plan.referrer_team_id)
    return None if plan.referrer_agency_id else incidents


def _resolve_unrouted(incident: Incident, planned: tuple[policy.PlannedObligation, ...]) -> None:
    """Work that could not be routed before and now is: resolved."""
    if not planned:
        return
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
