"""Operation Encompass tells a child who harmed (the alleged perpetrator, under 18)'s
school like any child's at the incident, and says why (issue 11 §3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
import time_machine

from conftest import Wessex, _SeedCopy
from hearth.core.clock import LONDON
from hearth.encompass import policy as enc
from hearth.encompass.models import EncompassNotification
from hearth.incidents.documents import incident_record_document
from hearth.obligations.tests.factories import NORTHSHIRE, OFFICER, area, of
from hearth.referrals.tests.test_child_routes import child_to_parent
from hearth.schools.models import EducationSetting

pytestmark = pytest.mark.django_db

SEEDED = dt.datetime(2026, 11, 30, 12, 0, tzinfo=LONDON)  # a Monday in the autumn term
SUBMITTED = dt.datetime(2026, 12, 1, 22, 0, tzinfo=LONDON)
SCHOOL = "Brackenford Academy"

_SEEDED_AT_A_FIXED_MOMENT = _SeedCopy()


@pytest.fixture
def wessex(db: None) -> Wessex:
    """The demo seeded at a fixed moment, so its term calendars cover these dates."""
    with time_machine.travel(SEEDED):
        _SEEDED_AT_A_FIXED_MOMENT.seed()
    return Wessex()


def test_the_school_of_a_child_who_harmed_is_told_with_the_reason(wessex: Any) -> None:
    document = child_to_parent()
    school = EducationSetting.objects.get(name=SCHOOL)
    (jayden,) = document.children
    at_school = replace(
        jayden,
        involvement={
            **jayden.involvement,
            "education_setting": "",
            "education_setting_urn": school.urn,
        },
    )
    details = replace(
        document.details,
        local_authority_id=area(NORTHSHIRE).pk,
        occurred_at=SUBMITTED - dt.timedelta(hours=1),
        reported_at=SUBMITTED - dt.timedelta(minutes=50),
    )
    with time_machine.travel(SUBMITTED):
        incident = incident_record_document(
            actor=wessex.actor(OFFICER),
            document=replace(document, children=[at_school], details=details),
        )
    son = incident.parties.get(role="alleged_perpetrator").person
    (obligation,) = of(incident, enc.ROUTE)
    assert obligation.subject_id == son.pk
    assert obligation.team_id == school.dsl_team_id
    assert (
        "The child who harmed an adult (the alleged perpetrator, under 18) is a child at the "
        "incident to support too"
    ) in obligation.reason
    notification = EncompassNotification.objects.get(obligation=obligation)
    assert [c["person_id"] for c in notification.content["children"]] == [son.pk]
