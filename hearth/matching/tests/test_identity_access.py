"""A link never grants access (issue 16 §2, docs/access.md): an agency that may not see
another agency's record of a child still gets the same 404 for it once it is linked to
its own record, finds it nowhere, and sees it only counted ("Also known to 1 other
organisation") on its own record's safeguarding record, named only where it may see it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Wessex
from hearth.incidents.documents import incident_record_document
from hearth.incidents.models import Incident
from hearth.incidents.tests.factories import family_document
from hearth.matching import policy, selectors, services
from hearth.matching.tests.helpers import FRONT_DOOR, REVIEWER
from hearth.obligations.tests.factories import submitted_incident
from hearth.people.models import Person

pytestmark = [pytest.mark.django_db]

PPU = "ppu.officer@police.wessex.example"


@pytest.fixture(autouse=True)
def rule_based_matcher(settings: Any) -> None:
    settings.HEARTH_PERSON_MATCHER = "hearth.people.matching.RuleBasedMatcher"


def seen(response: Any) -> bytes:
    return re.sub(rb'(nonce|value)="[^"]*"', b"", response.content)


def child_named(incident: Incident, given: str) -> Person:
    return incident.child_involvements.get(child__given_names=given).child


def linked_pair(w: Wessex) -> tuple[Person, Person]:
    """The police's Mia Vance (an incident outside any local authority: no notification
    reaches the Northshire front door) and the front door's own "Mia-Rose Vance" (its
    concern), linked by a reviewer."""
    police = submitted_incident(w, reference="WX/LINK/0001", la=None)
    document = family_document(reference="")
    mia = next(p for p in document.people if p.ref == "mia")
    people = [replace(p, given_names="Mia-Rose") if p is mia else p for p in document.people]
    concern = incident_record_document(
        actor=w.actor(FRONT_DOOR), document=replace(document, people=people)
    )
    x, y = child_named(police, "Mia"), child_named(concern, "Mia-Rose")
    links = [
        lk for lk in services.link_person(person=y) if x.pk in (lk.person_a_id, lk.person_b_id)
    ]
    [link] = links
    if link.status == policy.LinkStatus.PENDING:
        services.link_confirm(actor=w.actor(REVIEWER), link_id=link.pk, reason="Same child")
    assert selectors.linked_person_ids([y.pk])[y.pk] >= {x.pk, y.pk}
    return x, y


def test_a_link_to_its_own_record_does_not_open_another_agencys_record(
    wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    front_door = client_for(FRONT_DOOR)
    missing = front_door.get(reverse("person_detail", args=[10**9]))
    x, y = linked_pair(wessex)
    assert not Person.objects.visible_to(wessex.actor(FRONT_DOOR)).filter(pk=x.pk).exists()
    for name in ("person_detail", "child_detail", "child_safeguarding_record", "family_detail"):
        response = front_door.get(reverse(name, args=[x.pk]))
        assert response.status_code == 404, name
        if name == "person_detail":
            assert seen(response) == seen(missing)
    # Its own record opens, and says the child is known elsewhere without naming where.
    own = front_door.get(reverse("child_safeguarding_record", args=[y.pk]))
    assert own.status_code == 200
    html = own.content.decode()
    assert "Also known to 1 other organisation</strong>." in html
    assert "Wessex Police" not in html
    assert f"/people/{x.pk}/" not in html and f"/children/{x.pk}/" not in html
    # Search finds only its own record.
    found = front_door.get(reverse("search") + "?q=Vance").content.decode()
    assert f"/people/{x.pk}/" not in found and f"/children/{x.pk}/" not in found


def test_known_elsewhere_counts_without_naming_what_the_viewer_may_not_see(
    wessex: Wessex,
) -> None:
    x, y = linked_pair(wessex)
    # The public protection unit sees every police incident (x), not the front door's
    # concern (y); the front door the other way round: each is told of one other
    # organisation, unnamed.
    ppu, front_door = wessex.actor(PPU), wessex.actor(FRONT_DOOR)
    assert selectors.known_elsewhere_for(actor=ppu, person=x) == selectors.KnownElsewhere(1, ())
    assert selectors.known_elsewhere_for(actor=front_door, person=y) == (
        selectors.KnownElsewhere(1, ())
    )


def test_the_indicator_disappears_when_the_link_is_undone(
    wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    x, y = linked_pair(wessex)
    from hearth.matching.models import PersonLink

    link = PersonLink.objects.in_force().get(
        person_a_id=min(x.pk, y.pk), person_b_id=max(x.pk, y.pk)
    )
    services.link_undo(actor=wessex.actor(REVIEWER), link_id=link.pk, reason="Not her")
    html = client_for(FRONT_DOOR).get(reverse("child_safeguarding_record", args=[y.pk]))
    assert "Also known to" not in html.content.decode()


def test_a_reviewer_sees_the_pair_on_the_review_pages_and_no_case_page(
    wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    x, y = linked_pair(wessex)
    reviewer = client_for(REVIEWER)
    for person in (x, y):
        for name in ("person_detail", "child_detail", "child_safeguarding_record"):
            assert reviewer.get(reverse(name, args=[person.pk])).status_code == 404, name
    assert not wessex.actor(REVIEWER).sees_case_content
    home = reviewer.get(reverse("home")).content.decode()
    assert "Review possible matches" in home
    assert "Search for a child" not in home
