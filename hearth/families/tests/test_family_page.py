"""The family page (issue 14 §1): whoever may see one member sees the page; each member,
piece of work and incident they may not see is counted, never named; another agency gets
404; one access event names the people shown; every person's, child's and obligation's
page links to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from conftest import Wessex, _SeedCopy
from hearth.audit.models import AccessEvent
from hearth.core.errors import NotFound
from hearth.encompass.tests.test_encompass import (
    ADMINISTRATOR,
    DSL,
    OTHER_DSL,
    SEEDED,
    SUBMITTED,
    at_schools,
)
from hearth.families.family_page import family_page_for
from hearth.incidents.models import Incident, Party
from hearth.obligations.tests.factories import (
    FRONT_DOOR,
    OFFICER,
    SOUTH_FRONT_DOOR,
    checklist,
    of,
)
from hearth.referrals.policy import Route

pytestmark = pytest.mark.django_db

_SEEDED_AT_A_FIXED_MOMENT = _SeedCopy()
LATER = SUBMITTED + dt.timedelta(days=2, hours=12)


@pytest.fixture
def wessex(db: None) -> Wessex:
    """Seeded at a fixed moment, as Operation Encompass's tests are, so that a school
    knows the children by its notification."""
    with time_machine.travel(SEEDED):
        _SEEDED_AT_A_FIXED_MOMENT.seed()
    return Wessex()


@pytest.fixture
def incident(wessex: Wessex) -> Any:
    with time_machine.travel(SUBMITTED, tick=False):
        made = at_schools(wessex, "WX/2026/0801")
        checklist(wessex, made, yes=15)  # high risk: IDVA and MARAC referrals for Kerry
    with time_machine.travel(LATER, tick=False):
        yield made


def person(incident: Incident, given: str) -> Any:
    return incident.parties.get(person__given_names=given).person


def test_whoever_recorded_the_incident_sees_the_whole_family(
    wessex: Wessex, incident: Incident, client_for: Callable[[str], Client]
) -> None:
    kerry = person(incident, "Kerry")
    page = family_page_for(actor=wessex.actor(OFFICER), person_id=kerry.pk)
    assert [m.person.given_names for m in page.adults] == ["Kerry", "Dean"]
    assert {m.person.given_names for m in page.children} == {"Mia", "Leo", "Ava"}
    assert page.hidden_people == 0 and page.hidden_incidents == 0
    assert [i.incident.pk for i in page.incidents] == [incident.pk]
    kerry_view = page.members[0]
    assert [g.label for g in kerry_view.grades] == ["High"]
    mia = next(m for m in page.children if m.person.given_names == "Mia")
    assert "Child at incident WX/2026/0801 (20 November 2026)" in mia.connections
    assert "Daughter of Kerry Vance" in mia.connections
    # Ages in words, as everywhere (issue 17): "8 years", a baby in months, never "0".
    assert all(
        m.age is None or m.age.endswith(("years", "year", "months", "month", "weeks"))
        for m in page.members
    )
    assert "0" not in [m.age for m in page.members]

    html = client_for(OFFICER).get(reverse("family_detail", args=[kerry.pk])).content.decode()
    assert '<h1 class="govuk-heading-l">Kerry Vance\'s family</h1>' in html
    assert "Mother of Mia Vance" in html
    assert reverse("incident_detail", args=[incident.pk]) in html
    # The officer sees all the work arising from the incident it recorded.
    assert "of work by agencies you cannot see" not in html


def test_a_school_sees_the_children_it_knows_and_counts_the_rest(
    wessex: Wessex, incident: Incident, client_for: Callable[[str], Client]
) -> None:
    mia = person(incident, "Mia")
    before = AccessEvent.objects.count()
    response = client_for(DSL).get(reverse("family_detail", args=[mia.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mia Vance" in html and "Leo Hart" in html
    for hidden in ("Kerry", "Dean", "Ava"):
        assert hidden not in html, hidden
    assert "3 other people you may not see are connected to this family" in html
    assert "1 more incident you cannot see" in html
    assert "WX/2026/0801" not in html
    assert "Daughter of someone you may not see" in html
    assert "Child at an incident you may not see" in html
    assert "3 more pieces of work by agencies you cannot see" in html

    assert AccessEvent.objects.count() == before + 1
    event = AccessEvent.objects.latest("pk")
    assert event.purpose == "View a family"
    named = {(r.record_type, r.record_id) for r in event.records.all()}
    assert named == {
        ("people.person", str(mia.pk)),
        ("people.person", str(person(incident, "Leo").pk)),
    }


@pytest.mark.parametrize("email", [OTHER_DSL, SOUTH_FRONT_DOOR, ADMINISTRATOR])
def test_anyone_else_gets_404(
    wessex: Wessex, incident: Incident, client_for: Callable[[str], Client], email: str
) -> None:
    mia = person(incident, "Mia")
    assert client_for(email).get(reverse("family_detail", args=[mia.pk])).status_code == 404
    with pytest.raises(NotFound):
        family_page_for(actor=wessex.actor(email), person_id=mia.pk)
    with pytest.raises(NotFound):
        family_page_for(actor=wessex.actor(OFFICER), person_id=10**9)


def test_the_idva_sees_the_family_of_the_woman_referred_to_it(
    wessex: Wessex, incident: Incident
) -> None:
    (idva,) = of(incident, Route.IDVA_REFERRAL)
    page = family_page_for(
        actor=wessex.actor("idva@idva.wessex.example"), person_id=idva.subject_id
    )
    shown = {m.person.pk for m in page.members}
    assert idva.subject_id in shown
    kerry = page.members[0]
    assert idva in kerry.work


def test_every_page_of_the_person_links_to_the_family(
    wessex: Wessex, incident: Incident, client_for: Callable[[str], Client]
) -> None:
    kerry, mia = person(incident, "Kerry"), person(incident, "Mia")
    officer, front_door = client_for(OFFICER), client_for(FRONT_DOOR)
    family_of_kerry = reverse("family_detail", args=[kerry.pk])
    family_of_mia = reverse("family_detail", args=[mia.pk])
    assert (
        family_of_kerry in officer.get(reverse("person_detail", args=[kerry.pk])).content.decode()
    )
    assert family_of_mia in officer.get(reverse("child_detail", args=[mia.pk])).content.decode()
    record = front_door.get(reverse("child_safeguarding_record", args=[mia.pk])).content.decode()
    assert f'href="{family_of_mia}">See Mia&#x27;s family</a>' in record
    notification = of(incident, Route.CHILD_CONCERN)[0]
    page = front_door.get(reverse("obligation_detail", args=[notification.pk])).content.decode()
    subject = notification.subject
    assert reverse("family_detail", args=[subject.pk]) in page
    assert front_door.get(reverse("family_detail", args=[subject.pk])).status_code == 200


def test_a_bounded_number_of_queries_whatever_the_familys_size(
    wessex: Wessex, incident: Incident, django_assert_max_num_queries: Any
) -> None:
    kerry = person(incident, "Kerry")
    officer = wessex.actor(OFFICER)
    with django_assert_max_num_queries(25) as small:
        family_page_for(actor=officer, person_id=kerry.pk)
    # Mia at four more incidents: four more families of five joined to hers.
    mia = person(incident, "Mia")
    for n in range(4):
        other = at_schools(wessex, f"WX/2026/09{n:02d}")
        Party.objects.create(incident=other, person=mia, role="child")
    with django_assert_max_num_queries(len(small.captured_queries) + 6):
        page = family_page_for(actor=officer, person_id=kerry.pk)
    assert len(page.members) > 20
