"""The Wessex directory of specialist services for the demo (issue 13 §4), made through
the directory's own services, so that the specialist route has something to refer to and
the gaps show as unmet need:

- Little Oaks Children's Therapy: 1:1 therapy for ages 4 to 16 in Northshire, full with
  a waiting list of 8 weeks (still open to referrals, onto the list);
- Wessex Children's Recovery Project: a group programme for mothers and their children
  aged 7 to 14 (after NSPCC's DART: domain.md §11.1) in both council areas, with places;
- Southmoor Young People's Domestic Abuse Service: young people's violence advisers for
  ages 13 to 17 in Southmoor;
- and, on purpose, nothing for children under 4 in Southmoor.

Every organisation and place is made up. Seeding again adds nothing: an organisation
already kept by its demo agency is left as it is.
"""

from __future__ import annotations

from typing import Any

from hearth.accounts.models import Agency, Area, Team
from hearth.directory import services
from hearth.directory.models import Delivery, Eligible, Organisation

NORTHSHIRE, SOUTHMOOR = "E06900001", "E06900002"

DEMO_SERVICES: list[dict[str, Any]] = [
    {
        "agency": "little-oaks-childrens-therapy",
        "organisation": "Little Oaks Children's Therapy",
        "description": "Therapeutic support for children affected by domestic abuse.",
        "name": "Little Oaks therapy for children",
        "areas": [NORTHSHIRE],
        "values": {
            "description": "One-to-one play and talking therapy, weekly for 12 weeks.",
            "min_age": 4,
            "max_age": 16,
            "eligible": [Eligible.CHILD_VICTIM],
            "delivery": [Delivery.IN_PERSON],
            "languages": ["English"],
            "places": 12,
            "places_taken": 12,
            "waiting_weeks": 8,
            "open_to_referrals": True,
        },
        "location": {
            "name": "Little Oaks Centre",
            "address_1": "4 Acorn Way",
            "town": "Northbury",
            "postcode": "NB1 4AW",
        },
    },
    {
        "agency": "wessex-childrens-recovery-project",
        "organisation": "Wessex Children's Recovery Project",
        "description": "Recovery programmes for families after domestic abuse.",
        "name": "Recovering together: mothers and children",
        "areas": [NORTHSHIRE, SOUTHMOOR],
        "values": {
            "description": (
                "A group programme for mothers and their children after the abuse has "
                "ended: 10 weekly sessions of 2 hours, up to 6 families."
            ),
            "min_age": 7,
            "max_age": 14,
            "eligible": [Eligible.CHILD_VICTIM, Eligible.WITH_MOTHER],
            "delivery": [Delivery.GROUP, Delivery.IN_PERSON],
            "languages": ["English", "Polish"],
            "places": 12,
            "places_taken": 5,
            "waiting_weeks": 0,
            "open_to_referrals": True,
        },
        "location": {
            "name": "Wessex Family Hub",
            "address_1": "22 Market Street",
            "town": "Southmoor",
            "postcode": "SM2 2MS",
        },
    },
    {
        "agency": "southmoor-young-peoples-domestic-abuse-service",
        "organisation": "Southmoor Young People's Domestic Abuse Service",
        "description": "Advice and advocacy for young people harmed by domestic abuse.",
        "name": "Young people's violence advisers",
        "areas": [SOUTHMOOR],
        "values": {
            "description": (
                "One-to-one advocacy for young people aged 13 to 17 harmed in their own "
                "relationships or at home."
            ),
            "min_age": 13,
            "max_age": 17,
            "eligible": [Eligible.YOUNG_PERSON_OWN_RELATIONSHIP, Eligible.CHILD_VICTIM],
            "delivery": [Delivery.IN_PERSON, Delivery.PHONE, Delivery.ONLINE],
            "languages": ["English"],
            "places": 20,
            "places_taken": 14,
            "waiting_weeks": 2,
            "open_to_referrals": True,
        },
        "location": None,  # advisers meet young people where they are safe
    },
]


def seed_directory() -> None:
    areas = {a.code: a for a in Area.objects.filter(code__in=[NORTHSHIRE, SOUTHMOOR])}
    for entry in DEMO_SERVICES:
        agency = Agency.objects.get(slug=entry["agency"])
        if Organisation.objects.filter(agency=agency).exists():
            continue
        team = Team.objects.filter(agency=agency, function="specialist").first()
        org = services.organisation_create(
            actor=None,
            name=entry["organisation"],
            description=entry["description"],
            email=f"hello@{agency.slug}.wessex.example",
            url=f"https://{agency.slug}.wessex.example/",
            agency=agency,
        )
        service = services.service_create(
            actor=None,
            organisation=org,
            name=entry["name"],
            areas=[areas[c] for c in entry["areas"]],
            team=team,
            **entry["values"],
        )
        if entry["location"]:
            services.location_add(actor=None, service=service, **entry["location"])
