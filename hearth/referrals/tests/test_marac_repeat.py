"""The MARAC repeat criterion through the ledger and the risk pages (issue 11 §3): after a
MARAC referral, a new incident about the same victim is a repeat only when its
perpetrator is the same person (under any agency's record of them), and the incident
never matches itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
import time_machine

from hearth.incidents.documents import PersonIn, RelationshipIn, incident_record_document
from hearth.incidents.models import Incident
from hearth.incidents.tests.factories import family_document
from hearth.obligations import services
from hearth.obligations.tests.factories import (
    NORTHSHIRE,
    OFFICER,
    PPU,
    area,
    checklist,
    of,
    submitted_incident,
)
from hearth.referrals import services as referral_services
from hearth.referrals.policy import Route
from hearth.risk.selectors import assessment_get_for

pytestmark = pytest.mark.django_db


def _referred(wessex: Any) -> Incident:
    """The family's incident on 21 November 2026, high risk, its MARAC referral sent."""
    ppu = wessex.actor(PPU)
    with time_machine.travel(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC)):
        first = submitted_incident(wessex)
        checklist(wessex, first, yes=15)
        (marac,) = of(first, Route.MARAC_REFERRAL)
        referral_services.marac_referral_update(actor=ppu, obligation=marac, victim_aware=True)
        services.obligation_send(actor=ppu, obligation=marac)
    return first


def _a_week_later(wessex: Any, first: Incident, perpetrator: PersonIn) -> Incident:
    victim = first.parties.get(role="adult_victim").person_id
    document = family_document(
        reference="WX/2026/0002",
        people=[PersonIn("victim", existing_person_id=victim), perpetrator],
        children=[],
        relationships=[RelationshipIn("victim", "perpetrator", "intimate_partners")],
        no_children_how="Both adults said the children were away with family this week",
    )
    details = replace(
        document.details,
        occurred_at=dt.datetime(2026, 11, 28, 20, tzinfo=dt.UTC),
        reported_at=dt.datetime(2026, 11, 28, 20, 5, tzinfo=dt.UTC),
        local_authority_id=area(NORTHSHIRE).pk,
    )
    return incident_record_document(
        actor=wessex.actor(OFFICER), document=replace(document, details=details)
    )


def _repeat_of(wessex: Any, incident: Incident) -> tuple[bool, str]:
    assessment = checklist(wessex, incident, yes=2)
    shown = assessment_get_for(actor=wessex.actor(PPU), assessment_id=assessment.pk).marac
    assert shown is not None
    (criterion,) = [c for c in shown.criteria if c.key == "repeat"]
    return criterion.met, criterion.basis


def test_a_new_incident_with_a_different_perpetrator_is_not_a_marac_repeat(wessex: Any) -> None:
    first = _referred(wessex)
    stranger = PersonIn(
        "perpetrator",
        given_names="Carl",
        family_name="Rowe",
        date_of_birth=dt.date(1985, 3, 3),
        sex="male",
    )
    second = _a_week_later(wessex, first, stranger)
    met, basis = _repeat_of(wessex, second)
    assert not met
    assert "different perpetrator" in basis and "same perpetrator" not in basis
    assert of(second, Route.MARAC_REFERRAL) == []


def test_the_same_perpetrator_under_another_record_of_them_is_a_marac_repeat(
    wessex: Any,
) -> None:
    first = _referred(wessex)
    # The same man recorded again as a new person (the same names and date of birth):
    # linked to the first record, as the victim is.
    same_man = PersonIn(
        "perpetrator",
        given_names="Dean",
        family_name="Vance",
        date_of_birth=dt.date(1989, 9, 15),
        sex="male",
    )
    second = _a_week_later(wessex, first, same_man)
    assert second.parties.get(role="alleged_perpetrator").person_id != (
        first.parties.get(role="alleged_perpetrator").person_id
    )
    met, basis = _repeat_of(wessex, second)
    assert met
    assert basis == (
        "This incident on 28 November 2026 is between the same victim and perpetrator as "
        "the MARAC referral on 21 November 2026, within 12 months of it"
    )
    (referral,) = of(second, Route.MARAC_REFERRAL)
    assert referral.marac_referral.criteria == ["repeat"]
    assert referral.marac_referral.criteria_basis == [basis]


def test_an_incident_does_not_repeat_its_own_marac_referral(wessex: Any) -> None:
    first = _referred(wessex)
    # A later checklist at the same incident: its own referral is not an earlier one.
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)):
        met, basis = _repeat_of(wessex, first)
    assert not met
    assert basis == "No earlier MARAC referral"
