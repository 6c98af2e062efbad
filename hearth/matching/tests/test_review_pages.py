"""The data-quality reviewer's pages (issue 16 §2): the queue, oldest first, both records
side by side, each read an access event, in a constant number of queries; deciding with
a reason; nobody else reaches them (the same 404 as a missing page)."""

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
from hearth.audit.models import AccessEvent, AccessEventRecord, TimelineEvent
from hearth.matching import policy, services
from hearth.matching.models import PersonLink
from hearth.matching.tests.helpers import FRONT_DOOR, POLICE, REVIEWER, a_pending_link, record

pytestmark = [pytest.mark.django_db]

NAMES = ["Ottoline", "Peregrine", "Wilhelmina", "Bartholomew", "Clementine", "Ignatius"]


@pytest.fixture(autouse=True)
def rule_based_matcher(settings: Any) -> None:
    settings.HEARTH_PERSON_MATCHER = "hearth.people.matching.RuleBasedMatcher"


def seen(response: Any) -> bytes:
    """The page as a person sees it: the per-response CSRF token and CSP nonce removed."""
    return re.sub(rb'(nonce|value)="[^"]*"', b"", response.content)


def pending_pairs(w: Wessex, count: int, offset: int = 0) -> list[PersonLink]:
    """``count`` possible matches waiting for review: the police's "<name> Ann" and the
    front door's "<name>" Quarrington-Smythe, same date of birth (0.9 by the rules)."""
    links = []
    for index in range(offset, offset + count):
        born = dt.date(2014, 1, 1) + dt.timedelta(days=index * 40)
        given = NAMES[index % len(NAMES)]
        record(w, POLICE, f"{given} Ann", "Quarrington-Smythe", born)
        council = record(w, FRONT_DOOR, given, "Quarrington-Smythe", born)
        links += services.link_person(person=council)
    assert all(link.status == policy.LinkStatus.PENDING for link in links)
    return links


def test_the_queue_shows_both_records_oldest_first_and_logs_the_read(
    wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    first, second = pending_pairs(wessex, 2)
    before = AccessEvent.objects.count()
    page = client_for(REVIEWER).get(reverse("matching_review_queue"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "2 waiting" in html
    assert html.index(f"/matching/links/{first.pk}/") < html.index(f"/matching/links/{second.pk}/")
    assert "Ottoline Ann" in html and "Wessex Police" in html
    assert "Northshire Council children&#x27;s services" in html
    assert "90.0%" in html
    assert AccessEvent.objects.count() == before + 1
    event = AccessEvent.objects.latest("id")
    shown = set(AccessEventRecord.objects.filter(event=event).values_list("record_id", flat=True))
    assert shown == {
        str(i) for link in (first, second) for i in (link.person_a_id, link.person_b_id)
    }


def test_the_queue_reads_the_same_number_of_queries_however_long(
    wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    reviewer = client_for(REVIEWER)
    pending_pairs(wessex, 1)
    reviewer.get(reverse("matching_review_queue"))  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        reviewer.get(reverse("matching_review_queue"))
    pending_pairs(wessex, 5, offset=1)
    with CaptureQueriesContext(connection) as many:
        assert "6 waiting" in reviewer.get(reverse("matching_review_queue")).content.decode()
    assert len(many) == len(few)


def test_the_queue_and_links_are_a_404_to_everyone_but_a_reviewer(
    wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    [link] = pending_pairs(wessex, 1)
    gone = reverse("matching_link_detail", args=[link.pk + 999])
    assert client_for(REVIEWER).get(gone).status_code == 404
    for someone in (FRONT_DOOR, POLICE, "administrator@hearth.wessex.example"):
        client = client_for(someone)
        missing = client.get(gone)
        for url in (
            reverse("matching_review_queue"),
            reverse("matching_decided_links"),
            reverse("matching_link_detail", args=[link.pk]),
        ):
            response = client.get(url)
            assert response.status_code == 404
            assert seen(response) == seen(missing)
        assert (
            client.post(
                reverse("matching_link_detail", args=[link.pk]),
                {"decision": "confirm", "reason": "Sure"},
            ).status_code
            == 404
        )
    link.refresh_from_db()
    assert link.status == policy.LinkStatus.PENDING


def test_a_reviewer_confirms_with_a_reason_and_the_link_leaves_the_queue(
    wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    [link] = pending_pairs(wessex, 1)
    reviewer = client_for(REVIEWER)
    url = reverse("matching_link_detail", args=[link.pk])
    before = AccessEvent.objects.count()
    assert "Are these the same person?" in reviewer.get(url).content.decode()
    assert AccessEvent.objects.count() == before + 1
    response = reviewer.post(url, {"decision": "confirm", "reason": "Same school, same address"})
    assert response.status_code == 302
    assert response["Location"] == reverse("matching_review_queue")
    link.refresh_from_db()
    assert link.status == policy.LinkStatus.CONFIRMED
    assert TimelineEvent.objects.filter(subject_id=str(link.pk), verb="link.confirmed").exists()
    queue = reviewer.get(reverse("matching_review_queue")).content.decode()
    assert "The records are linked" in queue
    assert "no possible matches waiting" in queue


def test_a_decision_without_a_reason_is_refused_and_keeps_the_choice(
    wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    [link] = pending_pairs(wessex, 1)
    response = client_for(REVIEWER).post(
        reverse("matching_link_detail", args=[link.pk]), {"decision": "reject", "reason": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error:" in html
    assert "Enter the reason for your decision" in html
    assert re.search(r'value="reject"[^>]*checked', html)
    link.refresh_from_db()
    assert link.status == policy.LinkStatus.PENDING


def test_a_link_in_force_is_undone_from_the_decided_links(
    wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    [link] = pending_pairs(wessex, 1)
    services.link_confirm(actor=wessex.actor(REVIEWER), link_id=link.pk, reason="Checked")
    reviewer = client_for(REVIEWER)
    decided = reviewer.get(reverse("matching_decided_links")).content.decode()
    assert f"/matching/links/{link.pk}/" in decided and "Confirmed" in decided
    detail = reviewer.get(reverse("matching_link_detail", args=[link.pk])).content.decode()
    assert "Undo this link" in detail and 'value="confirm"' not in detail
    response = reviewer.post(
        reverse("matching_link_detail", args=[link.pk]),
        {"decision": "undo", "reason": "The school says they are cousins"},
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == policy.LinkStatus.UNDONE
    final = reviewer.get(reverse("matching_link_detail", args=[link.pk])).content.decode()
    assert "This decision is final" in final


@pytest.mark.parametrize(
    "name", ["matching_review_queue", "matching_decided_links", "matching_link_detail"]
)
def test_every_reviewer_page_writes_an_access_event(
    wessex: Wessex, client_for: Callable[[str], Client], name: str
) -> None:
    """As tests/test_every_route_is_audited.py asks of every data-bearing page (the
    samples the lead adds there use ``helpers.a_pending_link``)."""
    link_id = a_pending_link(wessex)
    args = [link_id] if name == "matching_link_detail" else []
    before = AccessEvent.objects.count()
    assert client_for(REVIEWER).get(reverse(name, args=args)).status_code == 200
    assert AccessEvent.objects.count() == before + 1


def test_a_decision_on_a_link_decided_meanwhile_is_refused_with_a_message(
    wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    [link] = pending_pairs(wessex, 1)
    services.link_reject(actor=wessex.actor(REVIEWER), link_id=link.pk, reason="Twins")
    reviewer = client_for(REVIEWER)
    url = reverse("matching_link_detail", args=[link.pk])
    response = reviewer.post(url, {"decision": "confirm", "reason": "Same child"}, follow=True)
    assert "This link is already rejected: not the same person" in response.content.decode()
    link.refresh_from_db()
    assert link.status == policy.LinkStatus.REJECTED
    assert link.reason == "Twins"
