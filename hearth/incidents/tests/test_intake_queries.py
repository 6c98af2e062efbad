"""What one API intake costs in SQL (issue 12): the benchmark's two-child document,
posted through ``POST /api/v1/incidents``, within a bound on statements, savepoints and
rows written, so that the cost cannot creep back. ``-s`` prints the breakdown by caller."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hearth.accounts.models import Area
from hearth.accounts.services import api_key_issue
from hearth.incidents.tests.intake_profile import IntakeProfile, profile_intake

POLICE = "wessex-police"


@pytest.fixture
def intake(wessex: Any) -> IntakeProfile:
    raw_key = api_key_issue(
        actor=None,
        agency=wessex.agency(POLICE),
        name="intake profile",
        roles=["public_protection_officer"],
    ).raw_key
    area_id = Area.objects.get(name="Northshire", kind=Area.Kind.LOCAL_AUTHORITY).pk
    client = Client()
    profile_intake(client, raw_key, area_id, n=1)  # the first in a process fills caches
    profile = profile_intake(client, raw_key, area_id, n=2)
    print("\n" + profile.report())
    return profile


def test_one_api_intake_stays_within_its_statement_budget(intake: IntakeProfile) -> None:
    assert intake.count <= 1000
    assert intake.savepoints <= 200
    assert intake.rows <= 200
