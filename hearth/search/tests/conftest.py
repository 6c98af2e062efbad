"""The Vance family recorded by the response officer, for the search's tests."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from hearth.accounts.models import Team
from hearth.accounts.services import membership_add, user_ensure
from hearth.core.actor import Actor, Role
from hearth.incidents.documents import incident_record_document
from hearth.incidents.models import Incident
from hearth.incidents.tests.factories import family_document
from hearth.obligations.tests.factories import NORTHSHIRE, area
from hearth.schools.models import EducationSetting

OFFICER = "response.officer@police.wessex.example"
COLLEAGUE = "second.officer@police.wessex.example"
PPU = "ppu.officer@police.wessex.example"
FRONT_DOOR = "front.door@northshire.wessex.example"
SOUTH_FRONT_DOOR = "front.door@southmoor.wessex.example"
REFERENCE = "WX/2026/5501"


@pytest.fixture
def school(db: None) -> EducationSetting:
    return EducationSetting.objects.filter(status="open").order_by("urn").first()  # type: ignore[return-value]


@pytest.fixture
def incident(wessex: Any, school: EducationSetting) -> Incident:
    """The Vance family, recorded by the response officer in Northshire, Mia registered
    at a school of the directory."""
    document = family_document(reference=REFERENCE)
    children = [
        replace(
            c,
            involvement={
                **c.involvement,
                "education_setting_urn": school.urn,
                "education_setting": "",
            },
        )
        if c.ref == "mia"
        else c
        for c in document.children
    ]
    details = replace(document.details, local_authority_id=area(NORTHSHIRE).pk)
    return incident_record_document(
        actor=wessex.actor(OFFICER),
        document=replace(document, children=children, details=details),
    )


@pytest.fixture
def colleague(wessex: Any) -> Actor:
    police = wessex.agency("wessex-police")
    user = user_ensure(
        actor=None, email=COLLEAGUE, first_name="Morgan", last_name="Fielding", password=None
    )
    membership_add(
        actor=None,
        user=user,
        agency=police,
        team=Team.objects.get(agency=police, function="response"),
        role=Role.RESPONSE_OFFICER,
    )
    actor: Actor = wessex.actor(COLLEAGUE)
    return actor
