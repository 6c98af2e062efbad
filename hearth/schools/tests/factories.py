"""Education settings for tests. Settings are reference data imported from a Get
Information About Schools file; these build the rows directly, so tests of the
administrators' pages do not depend on the importer."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from hearth.accounts.models import Area, Country, Team, TeamFunction
from hearth.accounts.services import area_ensure
from hearth.schools.models import EducationSetting, SettingStatus

NORTHSHIRE = "E06900001"


class EducationSettingFactory(DjangoModelFactory[EducationSetting]):
    class Meta:
        model = EducationSetting

    # The demo's URNs start at 990001; these stay below them.
    urn = factory.Sequence(lambda n: f"{800000 + n}")
    name = factory.Sequence(lambda n: f"Zedcombe Test School {n:03d}")
    type_of_establishment = "Community school"
    phase = "Primary"
    statutory_low_age = 4
    statutory_high_age = 11
    la_code = "999"
    la_name = "Testshire"
    status = SettingStatus.OPEN
    postcode = "WX1 1AA"


def a_setting(**fields: Any) -> EducationSetting:
    """One education setting (``fields`` override the factory's)."""
    setting: EducationSetting = EducationSettingFactory.create(**fields)
    return setting


def settings(count: int, **fields: Any) -> list[EducationSetting]:
    made: list[EducationSetting] = EducationSettingFactory.create_batch(count, **fields)
    return made


def northshire() -> Area:
    return Area.objects.get(code=NORTHSHIRE)


def spare_local_authority() -> Area:
    """A local authority without a term calendar (the demo gives each of its own one)."""
    return area_ensure(
        actor=None,
        code="E06900099",
        name="Testshire",
        kind=Area.Kind.LOCAL_AUTHORITY,
        country=Country.ENGLAND,
    )


def dsl_team(index: int = 0) -> Team:
    """One of the demo schools' safeguarding teams (the first is Dana Greenwood's)."""
    return (
        Team.objects.filter(function=TeamFunction.SCHOOL_SAFEGUARDING)
        .select_related("agency")
        .order_by("pk")[index]
    )
