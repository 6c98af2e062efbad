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
