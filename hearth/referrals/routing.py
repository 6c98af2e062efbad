"""From stored records to the referral routes' plain data (``referrals.policy``), and
their own records for what they plan: a MARAC referral's content, linked to each
household child's children's services notification.

Like the ledger's routing, this is Hearth acting on a submission, not a person reading:
it reads without the reader's visibility and shows nothing to anyone.
"""

from __future__ import annotations

from hearth.accounts.models import Area, Team, TeamFunction
from hearth.core import clock
from hearth.core.actor import AgencyKind
from hearth.incidents.facts import children_at, incident_rows
from hearth.incidents.models import Incident, Party
from hearth.incidents.policy import PartyRole, is_child
from hearth.obligations.models import Obligation
from hearth.obligations.reference import (
    area_of,
    home_area_id,
    homes_read,
    team_for,
    timescales_for,
)
from hearth.people.models import HouseholdMember, Person
from hearth.people.selectors import linked_person_ids
from hearth.referrals import policy
from hearth.referrals.models import MaracReferral, MaracReferralChild
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


def area_routing(area_id: int) -> policy.AreaRouting:
    area = area_of(area_id) or Area.objects.get(pk=area_id)
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
    # Driven from the memberships (a few rows by index, each person by key): asked from
    # the people's side, PostgreSQL could walk the whole people table in key order to
    # merge with them (12 ms at 36,000 people).
    housemates = {
        m.person_id: m.person
        for m in HouseholdMember.objects.filter(household_id__in=households, lived_to__isnull=True)
        .exclude(person_id=victim.pk)
        .select_related("person")
        .order_by("person__family_name", "person__given_names", "person_id")  # people's order
    }.values()
    perpetrators = {
        p.person_id
        for p in incident_rows([incident.pk])[0][incident.pk]
        if p.role == PartyRole.ALLEGED_PERPETRATOR
    }
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
    # The incident's rows are read once per submission (``incidents.facts.incident_rows``).
    parties = incident_rows([incident.pk])[0][incident.pk]
    children = children_at(incident)
    # MARAC's household children are children (under 18 on the day), the child who
    # harmed included.
    child_ids = [c.person.pk for c in children if is_child(c.age)]
    victims = [p.person for p in parties if p.role == PartyRole.ADULT_VICTIM]
    homes_read([c.person for c in children] + victims)  # where each lives, in one query
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
        victims=tuple(_victim_in(victim, incident, child_ids) for victim in victims),
    )


def _areas_for(plan_input: policy.IncidentIn) -> dict[int, policy.AreaRouting]:
    ids = {c.area_id for c in plan_input.children} | {v.area_id for v in plan_input.victims}
    return {i: area_routing(i) for i in ids if i is not None}


def referral_read(incident: Incident) -> tuple[policy.IncidentIn, dict[int, policy.AreaRouting]]:
    """What the children's services, MARAC and IDVA rules need of a submitted incident."""
    plan_input = incident_input(incident)
    return plan_input, _areas_for(plan_input)


def marac_referral_create(obligation: Obligation, plan: policy.PlannedObligation) -> None:
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
