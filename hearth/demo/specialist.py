"""Specialist support in the Wessex demo (issue 13 §4), so that Little Oaks Children's
Therapy's inbox and the front doors' lists of children waiting have something in them:

- Tyler Fenwright (9): after the second call to his home the Northshire front door
  referred him to Little Oaks; Little Oaks acknowledged it the next day and put him on
  its waiting list (8 weeks: over the area's 6-week threshold, so unmet need too);
- Poppy Fenwright (4): referred yesterday, after the third call, waiting for Little Oaks
  to acknowledge it;
- and Isla Marchbank, a Southmoor toddler (``WX/DEMO/0007``): no service in Southmoor takes
  a child under 4, so routing her incident recorded unmet need (no service) for the
  Southmoor front door; nothing to seed here.

Each step goes through the specialist services, as the person who would have taken it,
at the time they would have (the clock replays it), so the timeline and access promises
hold. Seeding again repeats nothing: a child already referred to the service is left as
they are, and each later step is taken only if the referral has not got that far.
"""

from __future__ import annotations

import datetime as dt

from hearth.accounts.models import Agency, User
from hearth.accounts.selectors import actor_for_user
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.directory.models import Service
from hearth.incidents.models import Incident
from hearth.people.models import Person
from hearth.specialist import services
from hearth.specialist.models import SpecialistReferral

NORTH_FRONT_DOOR = "front.door@northshire.wessex.example"
SPECIALIST = "specialist@little-oaks.wessex.example"
LITTLE_OAKS = "little-oaks-childrens-therapy"


def _actor(email: str) -> Actor:
    actor = actor_for_user(user=User.objects.get(email=email), agency_id=None)
    assert actor is not None, f"{email} has no membership"  # seeded before this
    return actor


def _incident(reference: str) -> Incident:
    return Incident.objects.get(
        recorded_by_agency=Agency.objects.get(slug="wessex-police"), police_reference=reference
    )


def _child(incident: Incident, given_names: str) -> Person:
    return incident.parties.get(role="child", person__given_names=given_names).person


def _at(incident: Incident, *, days: int, hour: int) -> dt.datetime:
    """``days`` after the incident was submitted, at ``hour`` on the London clock (never
    later than now)."""
    assert incident.submitted_at is not None
    day = incident.submitted_at.astimezone(clock.LONDON).date() + dt.timedelta(days=days)
    return min(dt.datetime.combine(day, dt.time(hour), tzinfo=clock.LONDON), clock.now())


def _refer(
    child: Person, service: Service, at: dt.datetime, *, need: str, child_view: str = ""
) -> SpecialistReferral:
    found = SpecialistReferral.objects.filter(child=child, service=service).first()
    if found is not None:
        return found
    with clock.replaying_at(at):
        return services.referral_create(
            actor=_actor(NORTH_FRONT_DOOR),
            child_id=child.pk,
            service_id=service.pk,
            need=need,
            parent_consent="given",
            child_view=child_view,
            parent_view="Shona wants the children to have someone of their own to talk to.",
        )


def seed_specialist() -> None:
    service = Service.objects.filter(organisation__agency__slug=LITTLE_OAKS).first()
    if service is None or service.team is None:
        return  # the directory was not seeded: nothing to refer to
    specialist = _actor(SPECIALIST)

    second = _incident("WX/DEMO/0002")
    tyler = _refer(
        _child(second, "Tyler"),
        service,
        _at(second, days=2, hour=11),
        need=(
            "Tyler has seen his mum hurt twice and protects his sister. He is watchful, "
            "worries Jason will come back, and needs a space of his own to talk."
        ),
        child_view="Tyler said he would like to talk to someone who is not a teacher.",
    )
    referral = tyler.obligation
    if referral.acknowledged_at is None and referral.is_open:
        with clock.replaying_at(_at(second, days=3, hour=9)):
            services.referral_acknowledge(actor=specialist, referral=tyler)
    tyler = SpecialistReferral.objects.select_related("obligation").get(pk=tyler.pk)
    if not tyler.answer and tyler.obligation.is_open:
        placed = _at(second, days=3, hour=10)
        with clock.replaying_at(placed):
            services.referral_accept(
                actor=specialist,
                referral=tyler,
                waiting_list=True,
                expected_start_on=placed.date() + dt.timedelta(weeks=service.waiting_weeks or 8),
            )

    third = _incident("WX/DEMO/0005")
    _refer(
        _child(third, "Poppy"),
        service,
        _at(third, days=8, hour=14),
        need=(
            "Poppy is four and has heard the abuse at home more than once. She has become "
            "clingy and wakes at night since the last incident."
        ),
    )
