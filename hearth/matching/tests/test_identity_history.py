"""Links make history count (issue 16 §2): a victim's earlier incidents and MARAC
referrals recorded by another agency under a differently spelled record of them count
for the MARAC criteria (potential escalation and repeat) once the records are linked,
and not before, nor after the link is undone."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from conftest import Wessex
from hearth.incidents.documents import incident_record_document
from hearth.incidents.models import Incident
from hearth.incidents.policy import PartyRole
from hearth.incidents.tests.factories import family_document
from hearth.marac.tests.factories import a_sent_referral
from hearth.matching import policy, services
from hearth.matching.tests.helpers import FRONT_DOOR, REVIEWER
from hearth.people.models import Person
from hearth.risk.selectors import (
    incident_perpetrator_ids,
    marac_referrals_of,
    victim_history,
)

pytestmark = [pytest.mark.django_db]

LATER = dt.date(2100, 1, 1)


@pytest.fixture(autouse=True)
def rule_based_matcher(settings: Any) -> None:
    settings.HEARTH_PERSON_MATCHER = "hearth.people.matching.RuleBasedMatcher"


def front_door_concern(w: Wessex) -> Incident:
    """The Northshire front door's concern about the same family, the victim recorded as
    "Kerry-Anne Vance" (the police have "Kerry Vance")."""
    document = family_document(reference="")
    victim = replace(document.people[0], given_names="Kerry-Anne")
    document = replace(document, people=[victim, *document.people[1:]])
    return incident_record_document(actor=w.actor(FRONT_DOOR), document=document)


def victim_of(incident: Incident) -> Person:
    return incident.parties.get(role=PartyRole.ADULT_VICTIM).person


def test_a_linked_record_at_another_agency_counts_for_escalation_and_repeat(
    wessex: Wessex,
) -> None:
    referral = a_sent_referral(wessex)  # the police's Kerry Vance, referred to the MARAC
    police_victim = Person.objects.get(pk=referral.subject_id)
    concern = front_door_concern(wessex)
    council_victim = victim_of(concern)
    assert council_victim.recorded_by_agency_id != police_victim.recorded_by_agency_id

    # Not the same by the certain rules (the names differ): nothing counts yet.
    assert marac_referrals_of(council_victim) == []
    before = victim_history(victim=council_victim, before=LATER)
    assert len(before) == 1  # the concern itself
    police_history = victim_history(victim=police_victim, before=LATER)
    assert len(police_history) == 1  # the police's incident behind the referral

    [link] = services.link_person(person=council_victim)
    assert link.status == policy.LinkStatus.PENDING
    assert marac_referrals_of(council_victim) == []  # a link waiting for review counts for nothing
    services.link_confirm(actor=wessex.actor(REVIEWER), link_id=link.pk, reason="Same family")

    history = victim_history(victim=council_victim, before=LATER)
    assert len(history) == 2
    assert len(victim_history(victim=police_victim, before=LATER)) == 2  # both ways
    assert {event.agency for event in history} == {
        "Wessex Police",
        "Northshire Council children's services",
    }
    [earlier] = marac_referrals_of(council_victim)
    # The repeat matches the referral's perpetrator with this concern's, each recorded by
    # its own agency: every record id of each across agencies.
    assert earlier.perpetrator_ids & incident_perpetrator_ids(concern)

    services.link_undo(actor=wessex.actor(REVIEWER), link_id=link.pk, reason="Checked again")
    assert marac_referrals_of(council_victim) == []
    assert len(victim_history(victim=council_victim, before=LATER)) == len(before)
