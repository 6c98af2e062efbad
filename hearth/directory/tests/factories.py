"""Directory test data, built through the real services."""

from __future__ import annotations

from typing import Any

from hearth.accounts import services as account_services
from hearth.accounts.models import Agency, Area, Team
from hearth.core.actor import AgencyKind
from hearth.directory import services
from hearth.directory.models import Organisation, Service


def area(code: str = "E06000901", name: str = "Testshire") -> Area:
    return account_services.area_ensure(
        actor=None, code=code, name=name, kind="local_authority", country="england"
    )


def provider(name: str = "Test Children's Service") -> tuple[Agency, Team, Organisation]:
    slug = name.lower().replace(" ", "-").replace("'", "")
    agency = account_services.agency_ensure(
        actor=None, slug=slug, name=name, kind=AgencyKind.SPECIALIST_CHILDRENS_SERVICE
    )
    team = account_services.team_ensure(
        actor=None,
        agency=agency,
        slug=f"{slug}-referrals",
        name=f"{name} referrals",
        function="specialist",
        email=f"referrals@{slug}.example",
    )
    org = services.organisation_create(
        actor=None,
        name=name,
        description="Support for children affected by domestic abuse.",
        email="hello@example.org",
        url="https://example.org/",
        agency=agency,
    )
    return agency, team, org


def service(
    organisation: Organisation, *, name: str = "Therapy for children", **values: Any
) -> Service:
    areas = values.pop("areas", ())
    defaults: dict[str, Any] = {
        "description": "One-to-one therapy.",
        "min_age": 4,
        "max_age": 16,
        "eligible": ["child_victim"],
        "delivery": ["in_person"],
        "languages": ["English"],
        "places": 10,
        "places_taken": 4,
        "waiting_weeks": 0,
    }
    return services.service_create(
        actor=None, organisation=organisation, name=name, areas=areas, **(defaults | values)
    )
