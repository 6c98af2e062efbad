"""The routing policy: from a submitted incident (plain data) to the obligations it
creates, each with its reason, rule, version and due times; and each child's follow-up
when an adult victim starts being supported.

Every child route acts only for a child: someone under 18 on the day of the incident
(Children Act 1989 s.105; ``incidents.policy.is_child``), an age not known counting as a
child's. A child who harmed (the alleged perpetrator, under 18) is a child to safeguard:
their front door is told like any child's, with that reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hearth.incidents.policy import is_child
from hearth.obligations.policy.deadlines import (
    ENGLAND,
    Owner,
    Stage,
    Timescales,
    _deadline,
)
from hearth.obligations.policy.lifecycle import ROUTE_LABELS, ROUTE_RULES, RULE_VERSION, Route
from hearth.obligations.policy.plans import PlannedObligation, RoutingResult, Unrouted

# --- Routing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaRouting:
    """Where a local authority area's work goes, and its timescales."""

    area_id: int
    area_name: str
    front_door_team_id: int | None
    marac_team_id: int | None
    idva_team_id: int | None
    timescales: Timescales = ENGLAND


@dataclass(frozen=True)
class ChildIn:
    person_id: int
    area_id: int | None  # the local authority the child lives in
    age: int | None = None  # on the day of the incident: a child is under 18 (is_child)
    # The child is the alleged perpetrator (child-to-parent abuse): a child to safeguard.
    harmed: bool = False


@dataclass(frozen=True)
class VictimIn:
    person_id: int
    area_id: int | None
    grade: int | None  # hearth.risk.policy.Grade of the latest completed assessment
    marac_met: tuple[str, ...] = ()  # the MARAC criteria met, by key
    marac_basis: tuple[str, ...] = ()  # each met criterion's basis in words
    household_child_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class IncidentIn:
    incident_id: int
    received_at: dt.datetime  # when the incident was submitted: receipt by every route
    referral_source: str  # CIN census code: "6" for the police
    children: tuple[ChildIn, ...]
    victims: tuple[VictimIn, ...]


HIGH_GRADE = 3  # hearth.risk.policy.Grade.HIGH (kept as a number: no import of risk here)


def route_incident(incident: IncidentIn, areas: Mapping[int, AreaRouting]) -> RoutingResult:
    """Every obligation a submitted incident creates, each with its reason and rule."""
    planned: list[PlannedObligation] = []
    unrouted: list[Unrouted] = []
    received = incident.received_at
    for child in incident.children:
        if not is_child(child.age):
            # Children Act 1989 s.105: 18 or over is not a child; intake refuses them.
            continue
        rule = ROUTE_RULES[Route.CHILD_CONCERN]
        area = areas.get(child.area_id) if child.area_id is not None else None
        if area is None or area.front_door_team_id is None:
            unrouted.append(
                Unrouted(
                    Route.CHILD_CONCERN,
                    child.person_id,
                    "No children's services front door is known for where this child lives: "
                    "record the child's address or the incident's local authority",
                )
            )
            continue
        t = area.timescales
        planned.append(
            PlannedObligation(
                key=f"{rule}:incident:{incident.incident_id}:child:{child.person_id}",
                route=Route.CHILD_CONCERN,
                subject_id=child.person_id,
                team_id=area.front_door_team_id,
                incident_id=incident.incident_id,
                rule=rule,
                rule_version=RULE_VERSION,
                reason=(
                    (
                        "A child who harmed an adult at a domestic abuse incident (the alleged "
                        "perpetrator, under 18: child-to-parent abuse, for example) is a child "
                        f"to safeguard, living in {area.area_name}"
                        if child.harmed
                        else f"A child at a domestic abuse incident, living in {area.area_name}"
                    )
                    + ": their children's services front door is told (referral source "
                    f"{incident.referral_source})"
                ),
                send_now=True,
                deadlines=(
                    _deadline(
                        Stage.ACKNOWLEDGE,
                        received,
                        t.decision_working_days,
                        t,
                        Owner.RECIPIENT,
                        rule,
                        "receipt",
                    ),
                    _deadline(
                        Stage.DECIDE,
                        received,
                        t.decision_working_days,
                        t,
                        Owner.RECIPIENT,
                        rule,
                        "receipt",
                    ),
                ),
                data={"referral_source": incident.referral_source},
            )
        )
    for victim in incident.victims:
        area = areas.get(victim.area_id) if victim.area_id is not None else None
        if victim.marac_met:
            rule = ROUTE_RULES[Route.MARAC_REFERRAL]
            if area is None or area.marac_team_id is None:
                unrouted.append(
                    Unrouted(
                        Route.MARAC_REFERRAL,
                        victim.person_id,
                        "The MARAC criteria are met but no MARAC is known for the victim's area",
                    )
                )
            else:
                t = area.timescales
                planned.append(
                    PlannedObligation(
                        key=f"{rule}:incident:{incident.incident_id}:victim:{victim.person_id}",
                        route=Route.MARAC_REFERRAL,
                        subject_id=victim.person_id,
                        team_id=area.marac_team_id,
                        incident_id=incident.incident_id,
                        rule=rule,
                        rule_version=RULE_VERSION,
                        reason="MARAC criteria met: " + "; ".join(victim.marac_basis),
                        send_now=False,
                        deadlines=(
                            _deadline(
                                Stage.SEND,
                                received,
                                t.marac_send_working_days,
                                t,
                                Owner.REFERRER,
                                rule,
                                "the incident",
                            ),
                        ),
                        data={
                            "criteria": list(victim.marac_met),
                            "basis": list(victim.marac_basis),
                            "children": list(victim.household_child_ids),
                        },
                    )
                )
        if victim.grade == HIGH_GRADE:
            rule = ROUTE_RULES[Route.IDVA_REFERRAL]
            if area is None or area.idva_team_id is None:
                unrouted.append(
                    Unrouted(
                        Route.IDVA_REFERRAL,
                        victim.person_id,
                        "The victim is at high risk but no IDVA service is known for their area",
                    )
                )
            else:
                t = area.timescales
                planned.append(
                    PlannedObligation(
                        key=f"{rule}:incident:{incident.incident_id}:victim:{victim.person_id}",
                        route=Route.IDVA_REFERRAL,
                        subject_id=victim.person_id,
                        team_id=area.idva_team_id,
                        incident_id=incident.incident_id,
                        rule=rule,
                        rule_version=RULE_VERSION,
                        reason="The adult victim is at high risk: an IDVA service is asked to "
                        "support them",
                        send_now=True,
                        deadlines=(
                            _deadline(
                                Stage.ACKNOWLEDGE,
                                received,
                                t.idva_acknowledge_working_days,
                                t,
                                Owner.RECIPIENT,
                                rule,
                                "receipt",
                            ),
                        ),
                    )
                )
    return RoutingResult(tuple(planned), tuple(unrouted))


@dataclass(frozen=True)
class FollowUpChild:
    person_id: int
    lead_team_id: int | None  # the child's lead agency's team: the front door by default
    timescales: Timescales = ENGLAND
    age: int | None = None  # on the day of the incident: a child is under 18 (is_child)


def follow_ups_for_adult_support(
    *,
    victim_id: int,
    incident_id: int,
    support_route: Route,
    acknowledged_at: dt.datetime,
    children: Sequence[FollowUpChild],
) -> RoutingResult:
    """When an adult victim starts being supported (their IDVA or MARAC referral is
    acknowledged), each related child gets a follow-up: "child seen and safety and support
    confirmed", owned by the child's lead agency. One per child per incident, whichever
    adult route started it (the keys say so); closing the adult's obligations never
    closes it."""
    rule = ROUTE_RULES[Route.CHILD_FOLLOW_UP]
    planned, unrouted = [], []
    for child in children:
        if not is_child(child.age):
            continue
        if child.lead_team_id is None:
            unrouted.append(
                Unrouted(
                    Route.CHILD_FOLLOW_UP,
                    child.person_id,
                    "No lead agency is known for this child's follow-up",
                )
            )
            continue
        t = child.timescales
        planned.append(
            PlannedObligation(
                key=f"{rule}:incident:{incident_id}:child:{child.person_id}",
                route=Route.CHILD_FOLLOW_UP,
                subject_id=child.person_id,
                team_id=child.lead_team_id,
                incident_id=incident_id,
                rule=rule,
                rule_version=RULE_VERSION,
                reason=(
                    f"The adult victim is being supported ({ROUTE_LABELS[support_route]} "
                    "acknowledged): the child must be seen and their safety and support "
                    "confirmed too"
                ),
                send_now=True,
                deadlines=(
                    _deadline(
                        Stage.OUTCOME,
                        acknowledged_at,
                        t.follow_up_working_days,
                        t,
                        Owner.RECIPIENT,
                        rule,
                        "the adult's support starting",
                    ),
                ),
                data={"victim_id": victim_id, "support_route": str(support_route)},
            )
        )
    return RoutingResult(tuple(planned), tuple(unrouted))


def marac_send_problems(
    *,
    child_ids: Sequence[int],
    linked: Mapping[int, int | None],
    victim_aware: bool | None,
    not_aware_reason: str,
) -> list[str]:
    """Why a MARAC referral cannot be sent yet: every child in the household needs a child
    concern notification linked to it, and the referrer must say whether the victim knows
    of the referral (and why not)."""
    problems = []
    missing = [c for c in child_ids if linked.get(c) is None]
    if missing:
        problems.append(
            f"{len(missing)} child{'ren' if len(missing) != 1 else ''} in the household "
            f"{'have' if len(missing) != 1 else 'has'} no child concern notification linked "
            "to this referral"
        )
    if victim_aware is None:
        problems.append("Say whether the victim knows about this referral")
    elif victim_aware is False and not not_aware_reason.strip():
        problems.append("Say why the victim does not know about this referral")
    return problems
