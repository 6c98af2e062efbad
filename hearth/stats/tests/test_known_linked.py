"""Known to children's services counts linked identities (issue 16 §2, "links make
history count"; issue 15 §1): a child the front door came to know under another agency's
record of them, spelled differently, is known once the records are linked, and not
before, nor after the link is undone."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import Wessex
from hearth.demo.volume import generate_volume
from hearth.matching import services
from hearth.matching.tests.helpers import FRONT_DOOR, REVIEWER, record
from hearth.obligations.models import Obligation
from hearth.people.models import Person
from hearth.referrals.policy import Route
from hearth.stats import ledger
from hearth.stats.refresh import identity_contacts, known_facts, refresh

pytestmark = [pytest.mark.django_db]


def test_a_linked_record_at_another_agency_makes_the_child_known(wessex: Wessex) -> None:
    generate_volume(incidents=15, seed=5, history=True)
    # The front door came to know a child (the police's record of them) on a day.
    concern = (
        Obligation.objects.filter(route=Route.CHILD_CONCERN, acknowledged_at__isnull=False)
        .select_related("subject")
        .order_by("acknowledged_at")
        .first()
    )
    assert concern is not None and concern.acknowledged_at is not None
    police_child: Person = concern.subject
    # Later, the same child is recorded by the front door itself, the given name spelled
    # another way, and is in a high-risk household.
    council_child = record(
        wessex,
        FRONT_DOOR,
        police_child.given_names + "e",
        police_child.family_name,
        police_child.date_of_birth,
    )
    assert council_child.recorded_by_agency_id != police_child.recorded_by_agency_id
    household = ledger.HouseholdRecord(
        incident_id=999_999,
        area=None,  # its local authority does not matter here
        occurred_at=concern.acknowledged_at + dt.timedelta(days=30),
        children=(council_child.pk,),
    )

    def already_known() -> bool:
        [fact] = known_facts(
            [household], identity_contacts([council_child.pk]), household.occurred_at
        )
        return fact.already_known

    assert not already_known()  # two records, not yet one identity
    links = services.link_person(person=council_child)
    link = next(
        link
        for link in links
        if {link.person_a_id, link.person_b_id} == {police_child.pk, council_child.pk}
    )
    if not link.in_force:
        assert not already_known()  # a link waiting for review counts for nothing
        services.link_confirm(actor=wessex.actor(REVIEWER), link_id=link.pk, reason="Same child")
    assert already_known()
    # Both ways: the contact is the police record's, the child the council's.
    assert {c.child_id for c in identity_contacts([council_child.pk])} == {council_child.pk}

    services.link_undo(actor=wessex.actor(REVIEWER), link_id=link.pk, reason="Checked again")
    assert not already_known()
    refresh()  # the refresh reads links as it decides (and the undone link counts for nothing)
