"""Family plan test data, built through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hearth.core import clock
from hearth.families import policy, services
from hearth.families.models import FamilyPlan, PlanMember
from hearth.incidents.models import Incident
from hearth.obligations.tests.factories import FRONT_DOOR, submitted_incident

_made = iter(range(1, 10_000))


def person(incident: Incident, given: str) -> Any:
    return incident.parties.get(person__given_names=given).person


def family_incident(wessex: Any) -> Incident:
    """A submitted Northshire incident: Kerry (adult victim), Dean (alleged perpetrator),
    Mia, Leo and Ava (children)."""
    return submitted_incident(wessex, reference=f"WX/FAMILY/{next(_made):04d}")


def a_plan(wessex: Any, incident: Incident | None = None, **changes: Any) -> FamilyPlan:
    """The Northshire front door's plan for Kerry's family: Kerry, Mia, Leo and Dean."""
    incident = incident or family_incident(wessex)
    actor = wessex.actor(FRONT_DOOR)
    kerry = person(incident, "Kerry")
    values: dict[str, Any] = {
        "lead_team_id": next(iter(actor.team_ids)),
        "members": {
            kerry.pk: policy.Role.ADULT_VICTIM,
            person(incident, "Mia").pk: policy.Role.CHILD,
            person(incident, "Leo").pk: policy.Role.CHILD,
            person(incident, "Dean").pk: policy.Role.PERSON_CAUSING_HARM,
        },
        "agreement": policy.Agreement.AGREED,
        "safe_contact_note": "Call Kerry's mobile on weekdays 10 to 12 only",
        "opened_from": policy.OpenedFrom.AGENCY,
    }
    mia = person(incident, "Mia")  # the front door knows the children through its notifications
    return services.plan_open(actor=actor, person_id=mia.pk, **(values | changes))


def member(plan: FamilyPlan, given: str) -> PlanMember:
    return plan.members.get(person__given_names=given)


def due(days: int = 14) -> dt.date:
    return clock.local_now().date() + dt.timedelta(days=days)


def walk_plan() -> FamilyPlan:
    """For tests that build their data without the fixture (the audited-route walk): the
    Northshire front door's plan, with a goal for Mia and housing planned for Kerry."""
    from conftest import Wessex

    wessex = Wessex()
    plan = a_plan(wessex)
    actor = wessex.actor(FRONT_DOOR)
    services.goal_add(actor=actor, plan=plan, member_id=member(plan, "Mia").pk, words="Feel safe")
    services.support_add(
        actor=actor, plan=plan, member_id=member(plan, "Kerry").pk, kind=policy.SupportKind.HOUSING
    )
    return plan


def open_body() -> dict[str, Any]:
    """The API body opening a plan for a new family's children and their mother."""
    from conftest import Wessex

    wessex = Wessex()
    incident = family_incident(wessex)
    return {
        "person_id": person(incident, "Mia").pk,
        "lead_team_id": next(iter(wessex.actor(FRONT_DOOR).team_ids)),
        "members": [
            {"person_id": person(incident, "Kerry").pk, "role": "adult_victim"},
            {"person_id": person(incident, "Mia").pk, "role": "child"},
        ],
        "agreement": "agreed",
        "safe_contact_note": "Kerry's mobile, weekdays",
        "opened_from": "agency",
    }


def review_body(plan: FamilyPlan) -> dict[str, Any]:
    return {
        "held_on": clock.local_now().date().isoformat(),
        "progress": [{"goal_id": g.pk, "progress": "some"} for g in plan.goals.all()],
        "continues": True,
    }
