"""Whose links a data-quality reviewer reviews (issue 16 §2): the service operator's every
link; a safeguarding partnership's only the links with a side recorded by an agency that
shares an area with it (a side in each area: either area's partnership); a link wholly in
another area is the same 404 as a missing one, on the page, on a decision and in the
home page's count."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import Wessex
from hearth.accounts import services as accounts
from hearth.accounts.models import Area
from hearth.audit.models import AccessEvent, AccessEventRecord, TimelineEvent
from hearth.core.actor import AgencyKind, Role
from hearth.core.errors import NotFound
from hearth.demo.wessex import DEMO_PASSWORD
from hearth.matching import policy, services
from hearth.matching.models import PersonLink
from hearth.matching.tests.helpers import FRONT_DOOR, POLICE, REVIEWER, record

pytestmark = [pytest.mark.django_db]

SOUTHMOOR_FRONT_DOOR = "front.door@southmoor.wessex.example"
NORTHSHIRE_MARAC = "marac.coordinator@northshire.wessex.example"
SOUTHMOOR_MARAC = "marac.coordinator@southmoor.wessex.example"
ANALYST = "analyst@partnership.wessex.example"
BORN = dt.date(2015, 6, 7)


def partnership_reviewer(w: Wessex, area: str) -> str:
    """A data-quality reviewer of a safeguarding partnership covering only ``area`` (an
    area's name), made through the real services: the reviewer's email."""
    slug = re.sub(r"\W+", "-", area.lower())
    partnership = accounts.agency_ensure(
        actor=None,
        slug=f"{slug}-safeguarding-partnership",
        name=f"{area} Safeguarding Children Partnership",
        kind=AgencyKind.ANALYTICS,
        areas=[Area.objects.get(name=area)],
    )
    user = accounts.user_ensure(
        actor=None,
        email=f"data.quality@{slug}-partnership.wessex.example",
        first_name="Reviewer",
        last_name=area,
        password=DEMO_PASSWORD,
        is_demo=True,
    )
    accounts.membership_add(
        actor=None, user=user, agency=partnership, role=Role.DATA_QUALITY_REVIEWER
    )
    return user.email


def pending_link(w: Wessex, first: str, second: str, family: str) -> PersonLink:
    """A possible match waiting for review (0.9, between the thresholds) between the
    records of one made-up child made by the agencies ``first`` and ``second`` act for."""
    one = record(w, first, "Marigold", family, BORN)
    other = record(w, second, "Marigold", family, BORN)
    [link] = services.links_record(
        matches=[services.Match(one.pk, other.pk, 0.9, ("Same family name",))]
    )
    assert link.status == policy.LinkStatus.PENDING
    return link


@pytest.fixture
def links(wessex: Wessex) -> dict[str, PersonLink]:
    """Links waiting for review: wholly in Northshire, wholly in Southmoor, across the two,
    and between the force-wide police's record and Southmoor's."""
    return {
        "northshire": pending_link(wessex, FRONT_DOOR, NORTHSHIRE_MARAC, "Applethwaite"),
        "southmoor": pending_link(wessex, SOUTHMOOR_FRONT_DOOR, SOUTHMOOR_MARAC, "Bramblecote"),
        "across": pending_link(wessex, FRONT_DOOR, SOUTHMOOR_FRONT_DOOR, "Cindervale"),
        "police": pending_link(wessex, POLICE, SOUTHMOOR_FRONT_DOOR, "Dunmarsh"),
    }


def in_scope(w: Wessex, email: str) -> set[int]:
    return set(PersonLink.objects.visible_to(w.actor(email)).values_list("pk", flat=True))


def seen(response: Any) -> bytes:
    """The page as a person sees it: the per-response CSRF token and CSP nonce removed."""
    return re.sub(rb'(nonce|value)="[^"]*"', b"", response.content)


def test_a_partnership_reviewer_sees_and_confirms_a_link_in_its_area(
    wessex: Wessex, client_for: Callable[[str], Client], links: dict[str, PersonLink]
) -> None:
    reviewer = client_for(partnership_reviewer(wessex, "Northshire"))
    link = links["northshire"]
    url = reverse("matching_link_detail", args=[link.pk])
    before = AccessEvent.objects.count()
    assert "Are these the same person?" in reviewer.get(url).content.decode()
    assert AccessEvent.objects.count() == before + 1
    response = reviewer.post(url, {"decision": "confirm", "reason": "Same school and GP"})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == policy.LinkStatus.CONFIRMED
    assert TimelineEvent.objects.filter(subject_id=str(link.pk), verb="link.confirmed").exists()
    decided = reviewer.get(reverse("matching_decided_links")).content.decode()
    assert f"/matching/links/{link.pk}/" in decided


def test_a_link_wholly_in_another_area_is_the_same_404_as_a_missing_one(
    wessex: Wessex, client_for: Callable[[str], Client], links: dict[str, PersonLink]
) -> None:
    email = partnership_reviewer(wessex, "Northshire")
    reviewer = client_for(email)
    link = links["southmoor"]
    url = reverse("matching_link_detail", args=[link.pk])
    gone = max(other.pk for other in links.values()) + 999
    missing = reviewer.get(reverse("matching_link_detail", args=[gone]))
    assert missing.status_code == 404
    before = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    page = reviewer.get(url)
    assert page.status_code == 404
    assert seen(page) == seen(missing)
    posted = reviewer.post(url, {"decision": "reject", "reason": "Different people"})
    assert posted.status_code == 404
    assert seen(posted) == seen(missing)
    # The service refuses it too, whoever calls it, as it refuses a missing link.
    with pytest.raises(NotFound):
        services.link_reject(actor=wessex.actor(email), link_id=link.pk, reason="Different")
    link.refresh_from_db()
    assert link.status == policy.LinkStatus.PENDING
    assert not TimelineEvent.objects.filter(subject_id=str(link.pk), verb="link.rejected").exists()
    # Nothing of its records was read, so nothing of them is in the access log.
    assert not AccessEventRecord.objects.filter(
        event_id__gt=before, record_id__in=[str(link.person_a_id), str(link.person_b_id)]
    ).exists()


def test_the_queue_and_its_count_hold_only_the_partnerships_links(
    wessex: Wessex, client_for: Callable[[str], Client], links: dict[str, PersonLink]
) -> None:
    reviewer = client_for(partnership_reviewer(wessex, "Northshire"))
    html = reviewer.get(reverse("matching_review_queue")).content.decode()
    expected = {"northshire", "across", "police"}
    assert f"{len(expected)} waiting" in html
    for name, link in links.items():
        assert (f"/matching/links/{link.pk}/" in html) == (name in expected), name
    assert "Bramblecote" not in html
    event = AccessEvent.objects.latest("id")
    shown = set(AccessEventRecord.objects.filter(event=event).values_list("record_id", flat=True))
    assert shown == {
        str(i) for name in expected for i in (links[name].person_a_id, links[name].person_b_id)
    }


def test_a_link_across_two_areas_is_reviewable_by_either_areas_partnership(
    wessex: Wessex, links: dict[str, PersonLink]
) -> None:
    north = in_scope(wessex, partnership_reviewer(wessex, "Northshire"))
    south = in_scope(wessex, partnership_reviewer(wessex, "Southmoor"))
    assert north == {links[n].pk for n in ("northshire", "across", "police")}
    assert south == {links[n].pk for n in ("southmoor", "across", "police")}
    services.link_confirm(
        actor=wessex.actor(partnership_reviewer(wessex, "Southmoor")),
        link_id=links["across"].pk,
        reason="The same child: moved from Northshire to Southmoor",
    )
    links["across"].refresh_from_db()
    assert links["across"].status == policy.LinkStatus.CONFIRMED


def test_a_force_wide_partnership_covers_every_local_authority_in_its_force(
    wessex: Wessex, links: dict[str, PersonLink]
) -> None:
    """A partnership whose area is the police force area (as the statistics read an
    analyst's) reviews the links of each local authority in the force."""
    assert in_scope(wessex, partnership_reviewer(wessex, "Wessex")) == {
        link.pk for link in links.values()
    }


def test_the_operators_reviewer_sees_every_link_and_nobody_else_any(
    wessex: Wessex, links: dict[str, PersonLink]
) -> None:
    every = {link.pk for link in links.values()}
    assert in_scope(wessex, REVIEWER) == every
    # The partnership's analyst, a practitioner and the operator's administrator: none.
    for someone in (ANALYST, FRONT_DOOR, "administrator@hearth.wessex.example"):
        assert in_scope(wessex, someone) == set(), someone


def test_the_home_page_counts_only_the_links_the_reviewer_may_decide(
    wessex: Wessex, client_for: Callable[[str], Client], links: dict[str, PersonLink]
) -> None:
    north = client_for(partnership_reviewer(wessex, "Northshire")).get(reverse("home"))
    assert "3 possible matches waiting for review" in north.content.decode()
    services.link_reject(
        actor=wessex.actor(REVIEWER), link_id=links["northshire"].pk, reason="Twins"
    )
    north = client_for(partnership_reviewer(wessex, "Northshire")).get(reverse("home"))
    assert "2 possible matches waiting for review" in north.content.decode()
    operator = client_for(REVIEWER).get(reverse("home"))
    assert "3 possible matches waiting for review" in operator.content.decode()
    # Southmoor's own link is still waiting, for Southmoor's partnership and the operator.
    south = client_for(partnership_reviewer(wessex, "Southmoor")).get(reverse("home"))
    assert "3 possible matches waiting for review" in south.content.decode()


def test_a_partnerships_queue_reads_the_same_number_of_queries_however_long(
    wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    reviewer = client_for(partnership_reviewer(wessex, "Northshire"))
    pending_link(wessex, FRONT_DOOR, NORTHSHIRE_MARAC, "Eastergate")
    reviewer.get(reverse("matching_review_queue"))  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        reviewer.get(reverse("matching_review_queue"))
    for family in ("Fallowfield", "Greywether", "Hollinsclough", "Ivybridge"):
        pending_link(wessex, FRONT_DOOR, NORTHSHIRE_MARAC, family)
        pending_link(wessex, SOUTHMOOR_FRONT_DOOR, SOUTHMOOR_MARAC, family)
    with CaptureQueriesContext(connection) as many:
        assert "5 waiting" in reviewer.get(reverse("matching_review_queue")).content.decode()
    assert len(many) == len(few)
