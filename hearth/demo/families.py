"""A whole-family plan in the Wessex demo (issue 14 §2), so that the Northshire front door's
list of plans, the IDVA's and Brackenford Primary School's work and the health visitors'
inbox have one to show:

- the day after Jason came back in breach of bail (``WX/DEMO/0005``), the Northshire front
  door opened a plan for the Fenwrights from its decision on Tyler's notification: Shona
  (adult victim), Tyler and Poppy (children) and Jason (person causing harm), with
  Shona's agreement and her safe-contact note;
- a goal for each of Shona, Tyler and Poppy; Shona's IDVA support and safety planning,
  Tyler's specialist support (his referral to Little Oaks, where there is one) and school
  support, a protective order for Jason;
- three actions: the IDVA service reviews Shona's safety plan with her, Brackenford
  Primary School checks in with Tyler each week, and the health visitors visit Poppy.
  None is acknowledged yet (acknowledging Shona's would follow up each child).

Each step goes through the family plan's services as the front door, at the time it
would have happened (the clock replays it). Seeding again repeats nothing: a family
already in an open plan is left as it is.
"""

from __future__ import annotations

import datetime as dt

from hearth.accounts.models import Agency, Team, User
from hearth.accounts.selectors import actor_for_user
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.families import policy, services
from hearth.families.models import FamilyPlan, PlanMember
from hearth.incidents.models import Incident
from hearth.obligations.models import Obligation
from hearth.people.models import Person

NORTH_FRONT_DOOR = "front.door@northshire.wessex.example"


def _actor(email: str) -> Actor:
    actor = actor_for_user(user=User.objects.get(email=email), agency_id=None)
    assert actor is not None, f"{email} has no membership"  # seeded before this
    return actor


def _person(incident: Incident, given_names: str) -> Person:
    return incident.parties.get(person__given_names=given_names).person


def _at(incident: Incident, *, days: int, hour: int) -> dt.datetime:
    assert incident.submitted_at is not None
    day = incident.submitted_at.astimezone(clock.LONDON).date() + dt.timedelta(days=days)
    return min(dt.datetime.combine(day, dt.time(hour), tzinfo=clock.LONDON), clock.now())


def seed_families() -> FamilyPlan | None:
    """The Fenwrights' plan (see the module's docstring); ``None`` when the demo's
    incidents were not seeded."""
    incident = Incident.objects.filter(
        recorded_by_agency=Agency.objects.filter(slug="wessex-police").first(),
        police_reference="WX/DEMO/0005",
    ).first()
    if incident is None:
        return None
    shona, jason = _person(incident, "Shona"), _person(incident, "Jason")
    tyler, poppy = _person(incident, "Tyler"), _person(incident, "Poppy")
    found = FamilyPlan.objects.open().filter(members__person=tyler).first()
    if found is not None:
        return found
    actor = _actor(NORTH_FRONT_DOOR)
    lead = Team.objects.get(pk=min(actor.team_ids))
    decision = (
        Obligation.objects.filter(
            route="child_concern_notification", subject=tyler, incident=incident
        )
        .order_by("id")
        .first()
    )
    opened = _at(incident, days=1, hour=15)
    with clock.replaying_at(opened):
        plan = services.plan_open(
            actor=actor,
            person_id=tyler.pk,
            lead_team_id=lead.pk,
            members={
                shona.pk: policy.Role.ADULT_VICTIM,
                tyler.pk: policy.Role.CHILD,
                poppy.pk: policy.Role.CHILD,
                jason.pk: policy.Role.PERSON_CAUSING_HARM,
            },
            agreement=policy.Agreement.AGREED,
            safe_contact_note=(
                "Shona's new mobile only, weekdays 9:30 to 2:30 while the children are at "
                "school and nursery. Never call the landline: Jason knows the number. Do "
                "not leave messages."
            ),
            opened_from=policy.OpenedFrom.FRONT_DOOR if decision else policy.OpenedFrom.AGENCY,
            opened_from_obligation_id=decision.pk if decision else None,
        )
        member = {m.person_id: m for m in PlanMember.objects.filter(plan=plan)}
        goals = {}
        for person, words in (
            (shona, "Shona and the children are safe at home now Jason has left"),
            (tyler, "Tyler has someone of his own to talk to, and stops watching the door"),
            (poppy, "Poppy sleeps through the night again"),
        ):
            goals[person.pk] = services.goal_add(
                actor=actor, plan=plan, member_id=member[person.pk].pk, words=words
            )
        started = opened.date()
        for person, kind, status in (
            (shona, policy.SupportKind.IDVA, policy.SupportStatus.STARTED),
            (shona, policy.SupportKind.SAFETY_PLANNING, policy.SupportStatus.STARTED),
            (tyler, policy.SupportKind.SCHOOL, policy.SupportStatus.STARTED),
            (tyler, policy.SupportKind.CHILD_SPECIALIST, policy.SupportStatus.PLANNED),
            (poppy, policy.SupportKind.HEALTH, policy.SupportStatus.PLANNED),
            (jason, policy.SupportKind.PROTECTIVE_ORDER, policy.SupportStatus.PLANNED),
        ):
            delivered = None
            if kind == policy.SupportKind.CHILD_SPECIALIST:
                delivered = (
                    Obligation.objects.filter(route="specialist_referral", subject=person)
                    .order_by("id")
                    .first()
                )
            services.support_add(
                actor=actor,
                plan=plan,
                member_id=member[person.pk].pk,
                kind=kind,
                status=status,
                started_on=started if status == policy.SupportStatus.STARTED else None,
                obligation_id=delivered.pk if delivered else None,
            )
        due = started + dt.timedelta(days=14)
        for person, team_function, what in (
            (shona, "idva", "Review Shona's safety plan with her, on her new mobile"),
            (tyler, "school_safeguarding", "Check in with Tyler each week and tell us how he is"),
            (poppy, "health_visiting", "Visit Poppy at home about her sleep"),
        ):
            team = _team(team_function, "Brackenford Primary School")
            if team is None:
                continue
            services.action_add(
                actor=actor,
                plan=plan,
                member_id=member[person.pk].pk,
                team_id=team.pk,
                what=what,
                due_on=due,
                goal_id=goals[person.pk].pk,
            )
    return plan


def _team(function: str, school: str) -> Team | None:
    teams = Team.objects.filter(function=function, is_active=True).order_by("id")
    if function == "school_safeguarding":
        teams = teams.filter(agency__name=school)
    return teams.first()
