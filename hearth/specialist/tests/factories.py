"""Specialist support test data, built through the real services."""

from __future__ import annotations

from typing import Any

from hearth.accounts.models import Agency, Team
from hearth.directory import services as directory
from hearth.directory.models import Organisation, Service
from hearth.obligations.tests.factories import NORTHSHIRE, SOUTHMOOR, area

SPECIALIST = "specialist@little-oaks.wessex.example"
LITTLE_OAKS = "Little Oaks Children's Therapy"


def little_oaks() -> tuple[Agency, Team, Organisation]:
    agency = Agency.objects.get(name=LITTLE_OAKS)
    team = Team.objects.get(agency=agency)
    organisation = directory.organisation_create(
        actor=None,
        name=LITTLE_OAKS,
        description="Therapy for children who have lived with domestic abuse.",
        email="hello@little-oaks.example.org",
        url="https://little-oaks.example.org/",
        agency=agency,
    )
    return agency, team, organisation


def service(
    name: str = "Little Oaks therapy", *, team: Team | None = None, **values: Any
) -> Service:
    """A Northshire service for ages 4 to 16 with places and no wait, unless told."""
    if team is None:
        _, team, organisation = little_oaks()
    else:
        organisation = Organisation.objects.get(agency=team.agency)
    codes = values.pop("areas", (NORTHSHIRE,))
    defaults: dict[str, Any] = {
        "description": "One-to-one therapy.",
        "min_age": 4,
        "max_age": 16,
        "eligible": ["child_victim"],
        "delivery": ["in_person"],
        "places": 12,
        "places_taken": 3,
        "waiting_weeks": 2,
        "team": team,
    }
    return directory.service_create(
        actor=None,
        organisation=organisation,
        name=name,
        areas=[area(code) for code in codes],
        **(defaults | values),
    )


__all__ = ["NORTHSHIRE", "SOUTHMOOR", "SPECIALIST", "little_oaks", "service"]


_made = iter(range(1, 10_000))


def a_referral(stage: str = "sent") -> Any:
    """A Northshire child referred by the front door to a Little Oaks service of its own,
    at ``stage``: sent, accepted (a start date), started."""
    import datetime as dt

    from conftest import Wessex
    from hearth.core import clock
    from hearth.obligations.tests.factories import FRONT_DOOR, submitted_incident
    from hearth.specialist import services

    wessex = Wessex()
    number = next(_made)
    incident = submitted_incident(wessex, reference=f"WX/SPECIALIST/{number:04d}")
    mia = incident.parties.get(role="child", person__given_names="Mia").person
    referral = services.referral_create(
        actor=wessex.actor(FRONT_DOOR),
        child_id=mia.pk,
        service_id=service(f"Little Oaks therapy {number}").pk,
        need="Someone to talk to",
        parent_consent="given",
    )
    specialist = wessex.actor(SPECIALIST)
    today = clock.local_now().date()
    if stage in ("accepted", "started"):
        services.referral_accept(
            actor=specialist,
            referral=referral,
            waiting_list=True,
            expected_start_on=today + dt.timedelta(days=7),
        )
    if stage == "started":
        services.referral_start(actor=specialist, referral=referral, started_on=today)
    return referral


def an_unmet_need() -> Any:
    """A Northshire child with unmet need, for the front door's list."""
    from conftest import Wessex
    from hearth.obligations.tests.factories import submitted_incident
    from hearth.specialist import policy, services

    incident = submitted_incident(Wessex(), reference=f"WX/SPECIALIST/{next(_made):04d}")
    ava = incident.parties.get(role="child", person__given_names="Ava").person
    return services.unmet_need_open(
        actor=None,
        child=ava,
        reason=policy.UnmetReason.NO_SERVICE,
        area_id=incident.local_authority_id,
        lead_team_id=incident.obligations.filter(route=policy.OFFER_ROUTE, subject=ava)
        .get()
        .team_id,
    )


def api_request(make: Any, action: str, stage: str, body: Any) -> Any:
    """A request by Little Oaks's own system about a referral at ``stage`` ("TODAY" in
    the body is today's date)."""
    from hearth.core import clock

    referral = a_referral(stage)
    today = clock.local_now().date().isoformat()
    if body:
        body = {k: today if v == "TODAY" else v for k, v in body.items()}
    return make(
        f"/api/v1/specialist/referrals/{referral.obligation_id}/{action}",
        body,
        roles=("specialist_practitioner",),
        agency=Agency.objects.get(name=LITTLE_OAKS).slug,
    )
