"""From stored records to the specialist rules' plain data (``specialist.policy``).

Like the ledger's routing this is Hearth acting on a submission or a step, not a person
reading: nothing here checks visibility or writes the access log, and nothing it reads is
shown to anyone. Pages and the API read through ``selectors``.
"""

from __future__ import annotations

import datetime as dt

from hearth.accounts.models import TeamFunction
from hearth.core import clock
from hearth.directory.models import Service, ServiceStatus
from hearth.incidents.facts import incident_day, incident_facts
from hearth.incidents.models import Incident
from hearth.incidents.policy import Finding
from hearth.obligations import policy as ledger
from hearth.obligations.models import Deadline, Obligation
from hearth.obligations.reference import _kept, area_of, home_area_id, team_for
from hearth.people.models import Person
from hearth.specialist import policy
from hearth.specialist.models import SpecialistSettings

# The children's services route's key (``referrals.policy.Route.CHILD_CONCERN``), read by
# key: route apps do not import one another.
CHILD_CONCERN_ROUTE = "child_concern_notification"
CHILD_CONCERN_RULE = "CCN-1"


def area_specialist(area_id: int | None) -> policy.AreaSpecialist | None:
    """An area's lead team (its own choice, else its front door) and timescales."""
    if area_id is None:
        return None
    return _kept(("specialist_area", area_id), lambda: _area_specialist(area_id))


def _area_specialist(area_id: int) -> policy.AreaSpecialist | None:
    area = area_of(area_id)
    if area is None:
        return None
    own = SpecialistSettings.objects.filter(area_id=area_id).select_related("lead_team").first()
    lead = own.lead_team if own and own.lead_team and own.lead_team.is_active else None
    if lead is None:
        lead = team_for(TeamFunction.FRONT_DOOR, area_id)
    return policy.AreaSpecialist(
        area_id=area.pk,
        area_name=area.name,
        lead_team_id=lead.pk if lead else None,
        offer_working_days=own.offer_working_days if own else policy.DEFAULT_OFFER_WORKING_DAYS,
        acknowledge_working_days=(
            own.acknowledge_working_days if own else policy.DEFAULT_ACKNOWLEDGE_WORKING_DAYS
        ),
        waiting_threshold_weeks=(
            own.waiting_threshold_weeks if own else policy.DEFAULT_WAITING_THRESHOLD_WEEKS
        ),
        jurisdiction=area.country,
    )


def offer_read(incident: Incident) -> policy.OfferIn:
    """What SPECIALIST-1 needs from a submitted incident."""
    facts = incident_facts(incident)
    victims = [c for c in facts.children if c.victim_status.finding == Finding.MET]
    ids = [c.child.pk for c in victims]
    decisions: dict[int, tuple[dt.datetime | None, dt.datetime | None]] = {}
    if ids:
        keys = {_ccn_key(incident.pk, pk): pk for pk in ids}
        for key, outcome_at, decision_due in Deadline.objects.filter(
            obligation__key__in=keys, stage=ledger.Stage.DECIDE
        ).values_list("obligation__key", "obligation__outcome_at", "due_at"):
            decisions[keys[key]] = (outcome_at, decision_due)
    offered = _already_offered(ids, incident.pk)
    children = []
    areas: dict[int, policy.AreaSpecialist] = {}
    for view in victims:
        area_id = home_area_id(view.child, incident)
        area = area_specialist(area_id)
        if area is not None:
            areas[area.area_id] = area
        decided_at, due_at = decisions.get(view.child.pk, (None, None))
        children.append(
            policy.ChildVictimIn(
                person_id=view.child.pk,
                area_id=area_id,
                age=view.age,
                s3_victim=True,
                decided_at=decided_at,
                decision_due_at=due_at,
                already_offered=view.child.pk in offered,
            )
        )
    return policy.OfferIn(
        incident_id=incident.pk,
        received_at=incident.submitted_at or clock.now(),
        children=tuple(children),
        areas=tuple(areas.values()),
    )


def _ccn_key(incident_id: int, child_id: int) -> str:
    return f"{CHILD_CONCERN_RULE}:incident:{incident_id}:child:{child_id}"


def _already_offered(child_ids: list[int], incident_id: int) -> set[int]:
    """Children with an open offer from another incident, or a referral not yet ended
    (support under way), in one query."""
    if not child_ids:
        return set()
    return set(
        Obligation.objects.filter(
            route__in=[policy.OFFER_ROUTE, policy.REFERRAL_ROUTE], subject_id__in=child_ids
        )
        .exclude(route=policy.OFFER_ROUTE, incident_id=incident_id)
        .open()
        .values_list("subject_id", flat=True)
    )


# --- Fit ---------------------------------------------------------------------------------------


def service_facts(service: Service) -> policy.ServiceFacts:
    return policy.ServiceFacts(
        service_id=service.pk,
        name=service.name,
        area_ids=frozenset(a.pk for a in service.areas.all()),
        min_age=service.min_age,
        max_age=service.max_age,
        open_to_referrals=service.open_to_referrals,
        places=service.places,
        places_taken=service.places_taken or 0,
        waiting_weeks=service.waiting_weeks,
        capacity_confirmed_on=service.capacity_confirmed_on,
    )


def _active_services() -> list[policy.ServiceFacts]:
    """Every active service's facts, in two queries (the services, their areas)."""
    found = (
        Service.objects.filter(status=ServiceStatus.ACTIVE)
        .prefetch_related("areas")
        .order_by("name", "id")
    )
    return [service_facts(s) for s in found]


def child_area_id(child: Person) -> int | None:
    """The local authority a child lives in: their current address's, else the area of
    their latest incident."""
    from hearth.people.models import PersonAddress

    home = (
        PersonAddress.objects.filter(person=child, lived_to__isnull=True)
        .select_related("address")
        .first()
    )
    if home is not None and home.address.local_authority_id:
        return home.address.local_authority_id
    latest = (
        Incident.objects.filter(parties__person=child, local_authority__isnull=False)
        .order_by("-occurred_at", "-id")
        .values_list("local_authority_id", flat=True)
        .first()
    )
    return latest


def child_for_fit(
    child: Person, area_id: int | None, on: dt.date | None = None
) -> policy.ChildForFit:
    day = on or clock.local_now().date()
    area = area_of(area_id) if area_id else None
    years = child.age_on(day)
    months = None
    if child.date_of_birth is not None:
        months = (day.year - child.date_of_birth.year) * 12 + day.month - child.date_of_birth.month
        if day.day < child.date_of_birth.day:
            months -= 1
    return policy.ChildForFit(
        area_id=area_id, area_name=area.name if area else "", age_years=years, age_months=months
    )


def fits_for_child(
    child: Person, area_id: int | None
) -> tuple[policy.ChildForFit, list[policy.Fit], policy.AreaSpecialist | None]:
    """Every active service's fit for the child: those covering their area first read,
    and every other active service, so that the referrer sees why it does not fit."""
    area = area_specialist(area_id)
    threshold = area.waiting_threshold_weeks if area else policy.DEFAULT_WAITING_THRESHOLD_WEEKS
    facts = child_for_fit(child, area_id)
    services = _kept(("specialist_services",), _active_services)
    return facts, policy.fits_for(facts, services, threshold), area


def incident_day_of(incident: Incident) -> dt.date:
    return incident_day(incident)
