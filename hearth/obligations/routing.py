"""From stored records to the routing policy's plain data, and its plans into the ledger.

``incident_route`` runs in the transaction that submits an incident (and again when a
risk checklist at the incident is completed, because the MARAC and IDVA routes need the
grade). It reads what the policy needs without the reader's visibility, because routing
is Hearth acting on a submission, not a person reading records; nothing it reads is
shown to anyone. It is idempotent: an obligation is one row per planned key.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from hearth.accounts.models import Area, Team, TeamFunction
from hearth.audit.services import timeline_record
from hearth.core import clock
from hearth.core.actor import Actor, AgencyKind
from hearth.incidents.facts import children_at
from hearth.incidents.models import Incident, Party
from hearth.incidents.policy import PartyRole, is_child
from hearth.obligations import policy
from hearth.obligations.area_settings import DEFAULT_ACCESS_DAYS_AFTER_CLOSE, row_of
from hearth.obligations.models import (
    Deadline,
    MaracReferral,
    MaracReferralChild,
    Obligation,
    RoutingSettings,
    UnroutedWork,
)
from hearth.people.models import HouseholdMember, Person, PersonAddress
from hearth.people.selectors import linked_person_ids
from hearth.risk import policy as risk_policy
from hearth.risk.models import RiskAssessment
from hearth.risk.selectors import (
    incident_perpetrator_ids,
    linked_ids_of,
    marac_config_for,
    victim_history,
)

# CIN census referral source codes (domain.md §7.1): 6 is the police; a concern raised by
# another agency gives that agency's code.
REFERRAL_SOURCE_BY_AGENCY_KIND: dict[str, str] = {
    AgencyKind.POLICE_FORCE: "6",
    AgencyKind.SCHOOL: "2A",
    AgencyKind.HEALTH: "3F",
    AgencyKind.CHILDRENS_SERVICES: "5B",
    AgencyKind.MARAC: "5A",
    AgencyKind.IDVA_SERVICE: "8",
    AgencyKind.SPECIALIST_CHILDRENS_SERVICE: "8",
}


def timescales_for(area: Area | None) -> policy.Timescales:
    """The area's configured timescales, in its jurisdiction's profile."""
    if area is None:
        return policy.ENGLAND
    return row_of(area, RoutingSettings.objects.filter(area=area).first()).timescales


def access_days_after_close(area_id: int | None) -> int:
    local = RoutingSettings.objects.filter(area_id=area_id).first() if area_id else None
    return local.access_days_after_close if local else DEFAULT_ACCESS_DAYS_AFTER_CLOSE


def team_for(function: str, area_id: int) -> Team | None:
    """The active team doing ``function`` for the area (or for the police force area the
    local authority is in, as a force-wide IDVA service does)."""
    area = Area.objects.filter(pk=area_id).first()
    areas = [area_id] + ([area.police_force_area_id] if area and area.police_force_area_id else [])
    return (
        Team.objects.filter(
            function=function,
            is_active=True,
            agency__is_active=True,
            agency__areas__id__in=areas,
        )
        .order_by("id")
        .first()
    )


def area_routing(area_id: int) -> policy.AreaRouting:
    area = Area.objects.get(pk=area_id)
    teams = {
        f: team_for(f, area_id)
        for f in (TeamFunction.FRONT_DOOR, TeamFunction.MARAC, TeamFunction.IDVA)
    }
    return policy.AreaRouting(
        area_id=area.pk,
        area_name=area.name,
        front_door_team_id=_pk(teams[TeamFunction.FRONT_DOOR]),
        marac_team_id=_pk(teams[TeamFunction.MARAC]),
        idva_team_id=_pk(teams[TeamFunction.IDVA]),
        timescales=timescales_for(area),
    )


def _pk(team: Team | None) -> int | None:
    return team.pk if team is not None else None


def home_area_id(person: Person, incident: Incident) -> int | None:
    """The local authority a person lives in: their current address's, or else where the
    incident happened (a child at the incident usually lives there)."""
    home = (
        PersonAddress.objects.filter(person=person, lived_to__isnull=True)
        .select_related("address")
        .first()
    )
    if home is not None and home.address.local_authority_id:
        return home.address.local_authority_id
    return incident.local_authority_id


def marac_referrals(
    victim: Person, excluding_incident_id: int | None = None
) -> list[risk_policy.PastReferral]:
    """The victim's MARAC referrals (under any agency's record of them) that were sent
    and not withdrawn, except the one from ``excluding_incident_id``: each with the day it
    was sent and its incident's alleged perpetrators, every record id of each across
    agencies. The repeat criterion matches them (domain.md §2.2)."""
    referrals = Obligation.objects.filter(
        route=policy.Route.MARAC_REFERRAL,
        subject_id__in=linked_person_ids(victim),
        sent_at__isnull=False,
    ).exclude(status=policy.Status.WITHDRAWN)
    if excluding_incident_id is not None:
        referrals = referrals.exclude(incident_id=excluding_incident_id)
    rows = list(referrals.values_list("incident_id", "sent_at"))
    perpetrators: dict[int, set[int]] = {}
    for incident_id, person_id in Party.objects.filter(
        incident_id__in={i for i, _ in rows}, role=PartyRole.ALLEGED_PERPETRATOR
    ).values_list("incident_id", "person_id"):
        perpetrators.setdefault(incident_id, set()).add(person_id)
    return [
        risk_policy.PastReferral(
            on=sent_at.astimezone(clock.LONDON).date(),
            perpetrator_ids=linked_ids_of(perpetrators.get(incident_id, set())),
        )
        for incident_id, sent_at in rows
        if sent_at is not None  # filtered above; the type does not know it
    ]


def household_child_ids(
    victim: Person, incident: Incident, incident_children: list[int]
) -> tuple[int, ...]:
    """Every child in the victim's household: the incident's children, and anyone under 18
    recorded as living with the victim now."""
    day = clock.local_now().date()
    households = HouseholdMember.objects.filter(person=victim, lived_to__isnull=True).values(
        "household_id"
    )
    housemates = (
        Person.objects.filter(
            households__household_id__in=households, households__lived_to__isnull=True
        )
        .exclude(pk=victim.pk)
        .distinct()
    )
    perpetrators = set(
        Party.objects.filter(incident=incident, role=PartyRole.ALLEGED_PERPETRATOR).values_list(
            "person_id", flat=True
        )
    )
    extra = [
        p.pk
        for p in housemates
        if p.pk not in incident_children
        and p.pk not in perpetrators
        and (age := p.age_on(day)) is not None
        and is_child(age)
    ]
    return tuple(dict.fromkeys([*incident_children, *extra]))


def _victim_in(victim: Person, incident: Incident, children: list[int]) -> policy.VictimIn:
    assessment = (
        RiskAssessment.objects.filter(
            incident=incident, victim=victim, status=RiskAssessment.Status.COMPLETED
        )
        .order_by("-completed_at", "-id")
        .first()
    )
    met: tuple[str, ...] = ()
    basis: tuple[str, ...] = ()
    if assessment is not None:
        today = (incident.occurred_at or clock.now()).astimezone(clock.LONDON).date()
        result = risk_policy.marac_criteria(
            score=assessment.score or 0,
            judgement_reason=assessment.judgement_reason,
            today=today,
            perpetrator_ids=incident_perpetrator_ids(incident, also=assessment.perpetrator_id),
            history=victim_history(victim=victim, before=today),
            referrals=marac_referrals(victim, excluding_incident_id=incident.pk),
            config=marac_config_for(incident),
        )
        met = result.met_keys
        basis = tuple(c.basis for c in result.criteria if c.met)
    return policy.VictimIn(
        person_id=victim.pk,
        area_id=home_area_id(victim, incident),
        grade=assessment.grade if assessment is not None else None,
        marac_met=met,
        marac_basis=basis,
        household_child_ids=household_child_ids(victim, incident, children),
    )


def incident_input(incident: Incident) -> policy.IncidentIn:
    parties = list(Party.objects.filter(incident=incident).select_related("person"))
    children = children_at(incident)
    # MARAC's household children are children (under 18 on the day), the child who
    # harmed included.
    child_ids = [c.person.pk for c in children if is_child(c.age)]
    return policy.IncidentIn(
        incident_id=incident.pk,
        received_at=incident.submitted_at or clock.now(),
        referral_source=REFERRAL_SOURCE_BY_AGENCY_KIND.get(incident.recorded_by_agency.kind, "10"),
        children=tuple(
            policy.ChildIn(
                person_id=c.person.pk,
                area_id=home_area_id(c.person, incident),
                age=c.age,
                harmed=c.harmed,
            )
            for c in children
        ),
        victims=tuple(
            _victim_in(p.person, incident, child_ids)
            for p in parties
            if p.role == PartyRole.ADULT_VICTIM
        ),
    )


@dataclass(frozen=True)
class RoutingOutcome:
    created: list[Obligation]
    unrouted: list[UnroutedWork]


def _areas_for(plan_input: policy.IncidentIn) -> dict[int, policy.AreaRouting]:
    ids = {c.area_id for c in plan_input.children} | {v.area_id for v in plan_input.victims}
    return {i: area_routing(i) for i in ids if i is not None}


@transaction.atomic
def incident_route(*, actor: Actor | None, incident: Incident) -> RoutingOutcome:
    """Run the routing policy for a submitted incident and record what it plans. Running
    it again creates nothing twice (one row per key)."""
    incident = (
        Incident.objects.select_for_update()
        .select_related("recorded_by_agency")
        .get(pk=incident.pk)
    )
    if incident.status != Incident.Status.SUBMITTED:
        return RoutingOutcome([], [])
    from hearth.obligations.encompass_routing import encompass_plan

    plan_input = incident_input(incident)
    result = policy.route_incident(plan_input, _areas_for(plan_input))
    created = record_plans(actor=actor, incident=incident, planned=result.planned)
    unrouted = record_unrouted(actor=actor, incident=incident, unrouted=result.unrouted)
    # Operation Encompass after the front doors: its content says whether children's
    # services were told about each child.
    schools = encompass_plan(incident)
    created += record_plans(actor=actor, incident=incident, planned=schools.planned)
    unrouted += record_unrouted(actor=actor, incident=incident, unrouted=schools.unrouted)
    return RoutingOutcome(created, unrouted)


def referrer_team_of(incident: Incident) -> Team | None:
    """The team in the referring agency that answers for its referrals: the police
    public protection unit, or the concern-raising agency's first team."""
    teams = Team.objects.filter(agency_id=incident.recorded_by_agency_id, is_active=True)
    return teams.filter(function=TeamFunction.PUBLIC_PROTECTION).first() or teams.first()


def record_plans(
    *, actor: Actor | None, incident: Incident, planned: tuple[policy.PlannedObligation, ...]
) -> list[Obligation]:
    """Create the planned obligations not yet in the ledger, send those that go at once."""
    from hearth.obligations import services  # the lifecycle services use routing too

    existing = set(
        Obligation.objects.filter(key__in=[p.key for p in planned]).values_list("key", flat=True)
    )
    referrer_team = referrer_team_of(incident)
    created = []
    for plan in planned:
        if plan.key in existing:
            continue
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
        services.record_event(
            actor,
            obligation,
            "obligation.created",
            f"{policy.ROUTE_LABELS[plan.route]} created by rule {plan.rule} v{plan.rule_version}",
            subject_too=True,
        )
        if plan.route == policy.Route.MARAC_REFERRAL:
            _marac_referral_create(obligation, plan)
        if plan.route == policy.Route.ENCOMPASS:
            from hearth.obligations.encompass_routing import notification_create

            notification_create(obligation, plan)
        created.append(obligation)
        if plan.send_now:
            services.obligation_send(actor=actor, obligation=obligation)
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


def _marac_referral_create(obligation: Obligation, plan: policy.PlannedObligation) -> None:
    """The referral's content, filled from the victim's latest checklist at the incident
    (the safety checks) and linked to each household child's child concern notification."""
    assessment = (
        RiskAssessment.objects.filter(
            incident_id=obligation.incident_id,
            victim_id=obligation.subject_id,
            status=RiskAssessment.Status.COMPLETED,
        )
        .order_by("-completed_at", "-id")
        .first()
    )
    referral = MaracReferral.objects.create(
        obligation=obligation,
        criteria=list(plan.data.get("criteria", [])),  # type: ignore[call-overload]
        criteria_basis=list(plan.data.get("basis", [])),  # type: ignore[call-overload]
        safe_contact_number=assessment.safe_contact_number if assessment else "",
        safe_times=assessment.safe_times if assessment else "",
        afraid_of=assessment.afraid_of if assessment else "",
    )
    for child_id in plan.data.get("children", []):  # type: ignore[attr-defined]
        MaracReferralChild.objects.create(
            referral=referral,
            child_id=child_id,
            notification=child_concern_notification_of(
                incident_id=obligation.incident_id, child_id=child_id
            ),
        )


def child_concern_notification_of(*, incident_id: int, child_id: int) -> Obligation | None:
    """The child's notification from this incident, or their most recent open one."""
    notifications = Obligation.objects.filter(
        route=policy.Route.CHILD_CONCERN, subject_id=child_id
    ).exclude(status=policy.Status.WITHDRAWN)
    return (
        notifications.filter(incident_id=incident_id).first()
        or notifications.open().order_by("-created_at").first()
    )


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
                summary=f"{policy.ROUTE_LABELS[item.route]} could not be routed: {item.reason}",
                payload={"route": item.route, "person_id": item.subject_id},
            )
        if row.resolved_at is None:
            rows.append(row)
    return rows
