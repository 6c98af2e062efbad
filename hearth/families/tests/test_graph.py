"""Who a person's family is, as Hearth's records connect it (``graph.family_of``): the
parties of every incident the person was part of, relationships in both directions, and
each child's other parents; two hops at most, forty people at most, in the same order
every time, in a handful of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hearth.families import graph
from hearth.families.graph import Connection, family_of
from hearth.incidents.models import Incident, Party
from hearth.obligations.tests.factories import submitted_incident
from hearth.people.models import Person, Relationship

pytestmark = pytest.mark.django_db


def party(incident: Incident, given: str) -> Person:
    return incident.parties.get(person__given_names=given).person


def someone(incident: Incident, given: str, born: dt.date, sex: str = "unknown") -> Person:
    return Person.objects.create(
        given_names=given,
        family_name="Hart",
        date_of_birth=born,
        sex=sex,
        recorded_by_agency=incident.recorded_by_agency,
    )


def test_everyone_at_the_incident_and_how_they_are_connected(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    kerry, dean, mia, leo, ava = (
        party(incident, n) for n in ("Kerry", "Dean", "Mia", "Leo", "Ava")
    )
    family = family_of(kerry.pk)
    assert family.member_ids[0] == kerry.pk
    assert set(family.member_ids) == {kerry.pk, dean.pk, mia.pk, leo.pk, ava.pk}
    assert family.incident_ids == [incident.pk]
    children = {m.person_id for m in family.members if m.is_child}
    assert children == {mia.pk, leo.pk, ava.pk}
    mia_member = family.member(mia.pk)
    assert mia_member is not None
    assert Connection(incident_id=incident.pk, role="child") in mia_member.connections
    assert Connection(other_id=kerry.pk, kinship="child") in mia_member.connections
    said = {
        c.words(sex="female", other="Kerry Vance", incident="incident WX/2026/0001")
        for c in mia_member.connections
    }
    assert "Child at incident WX/2026/0001" in said
    assert "Daughter of Kerry Vance" in said
    kerry_member = family.member(kerry.pk)
    assert kerry_member is not None
    mother = [c for c in kerry_member.connections if c.other_id == mia.pk]
    assert [c.words(sex="female", other="Mia Vance") for c in mother] == ["Mother of Mia Vance"]
    dean_member = family.member(dean.pk)
    assert dean_member is not None
    assert (
        Connection(incident_id=incident.pk, role="alleged_perpetrator") in dean_member.connections
    )
    # The same family, in the same order, from any of them.
    assert family_of(kerry.pk).member_ids == family.member_ids
    assert set(family_of(ava.pk).member_ids) == set(family.member_ids)


def test_a_childs_other_parent_is_in_the_family_but_not_an_adults_other_partner(
    wessex: Any,
) -> None:
    incident = submitted_incident(wessex)
    kerry, dean, leo = (party(incident, n) for n in ("Kerry", "Dean", "Leo"))
    sam = someone(incident, "Sam", dt.date(1985, 3, 3), "male")  # Leo's father
    Relationship.objects.create(person=sam, other=leo, kinship="parent")
    zoe = someone(incident, "Zoe", dt.date(1990, 1, 1))  # Dean's new partner
    Relationship.objects.create(person=dean, other=zoe, kinship="intimate_partners")
    family = family_of(kerry.pk)
    sam_member = family.member(sam.pk)
    assert sam_member is not None and sam_member.hop == 2 and not sam_member.is_child
    assert sam_member.connections == [Connection(other_id=leo.pk, kinship="parent")]
    assert sam_member.connections[0].words(sex="male", other="Leo Hart") == "Father of Leo Hart"
    # Two hops at most, the second from a child only: an adult's other partner is not
    # Kerry's family (but she is Dean's).
    assert zoe.pk not in family.member_ids
    assert zoe.pk in family_of(dean.pk).member_ids
    # From Sam: Leo, then Leo's incident (his mother, her partner, his sisters).
    assert set(family_of(sam.pk).member_ids) >= {sam.pk, leo.pk, kerry.pk, dean.pk}


def test_incidents_in_the_order_they_happened_and_drafts_left_out(wessex: Any) -> None:
    first = submitted_incident(wessex)
    mia = party(first, "Mia")
    earlier = submitted_incident(wessex, reference="WX/2025/0099")
    Incident.objects.filter(pk=earlier.pk).update(
        occurred_at=first.occurred_at - dt.timedelta(days=200)  # type: ignore[operator]
    )
    Party.objects.create(incident=earlier, person=mia, role="child")
    draft = submitted_incident(wessex, reference="WX/2026/0100")
    Incident.objects.filter(pk=draft.pk).update(status=Incident.Status.DRAFT)
    Party.objects.create(incident=draft, person=mia, role="child")
    family = family_of(mia.pk)
    assert family.incident_ids == [earlier.pk, first.pk]
    assert party(draft, "Kerry").pk not in family.member_ids


def test_bounded_and_deterministic(wessex: Any, monkeypatch: Any) -> None:
    incident = submitted_incident(wessex)
    kerry = party(incident, "Kerry")
    relatives = [someone(incident, f"Cousin{n}", dt.date(1980, 1, 1 + n % 28)) for n in range(45)]
    Relationship.objects.bulk_create(
        Relationship(person=r, other=kerry, kinship="cousin") for r in relatives
    )
    family = family_of(kerry.pk)
    assert len(family.members) == graph.MAX_MEMBERS and family.truncated
    assert family.member_ids == family_of(kerry.pk).member_ids
    assert family.member_ids[0] == kerry.pk
    # Nobody kept is connected to someone left out.
    kept = set(family.member_ids)
    assert all(c.other_id in kept for m in family.members for c in m.connections if c.other_id)


def test_a_few_queries_whatever_the_familys_size(
    wessex: Any, django_assert_max_num_queries: Any
) -> None:
    incident = submitted_incident(wessex)
    kerry = party(incident, "Kerry")
    for n in range(10):
        other = submitted_incident(wessex, reference=f"WX/2026/02{n:02d}")
        Party.objects.create(incident=other, person=party(incident, "Mia"), role="child")
    with django_assert_max_num_queries(8):
        family = family_of(kerry.pk)
    assert len(family.members) > 30 and len(family.incident_ids) == 11


def test_a_person_with_nobody_is_a_family_of_one(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    alone = someone(incident, "Alex", dt.date(1970, 1, 1))
    family = family_of(alone.pk)
    assert family.member_ids == [alone.pk] and family.incident_ids == []
    assert family_of(10**9).members == []
