"""Public protection's review of a submitted incident (issue 17): who, when and a note;
a list of those not yet reviewed, counted on the home page; audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearth.audit.models import AccessEvent, TimelineEvent
from hearth.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from hearth.incidents import services
from hearth.incidents.documents import incident_record_document
from hearth.incidents.models import Incident
from hearth.incidents.selectors import IncidentFilters, home_counts_for, incident_list_for
from hearth.incidents.tests.factories import family_document

pytestmark = pytest.mark.django_db

OFFICER = "response.officer@police.wessex.example"
PPU = "ppu.officer@police.wessex.example"
FRONT_DOOR = "front.door@northshire.wessex.example"
NOTE = "Checklist complete; referrals sent; Encompass gone to Mia's school."


def submitted(wessex: Any, reference: str = "WX/2026/7001") -> Incident:
    return incident_record_document(
        actor=wessex.actor(OFFICER), document=family_document(reference)
    )


def events_of(incident: Incident, verb: str) -> list[TimelineEvent]:
    return list(TimelineEvent.objects.for_subject(incident).filter(verb=verb))


def test_public_protection_reviews_an_incident_with_a_note_once(wessex: Any) -> None:
    incident = submitted(wessex)
    ppu = wessex.actor(PPU)
    reviewed = services.incident_review(actor=ppu, incident=incident, note=f"  {NOTE} ")
    assert reviewed.reviewed_by_id == ppu.user_id
    assert reviewed.reviewed_at is not None
    assert reviewed.review_note == NOTE
    [event] = events_of(incident, "incident.reviewed")
    assert event.summary == "Reviewed by public protection"
    assert NOTE not in str(event.payload)  # the note's words stay off the timeline

    # Again (a second click): nothing changes and no second event.
    again = services.incident_review(actor=ppu, incident=incident, note="Something else")
    assert (again.review_note, again.reviewed_at) == (NOTE, reviewed.reviewed_at)
    assert len(events_of(incident, "incident.reviewed")) == 1


def test_a_review_needs_a_note_and_a_submitted_incident_of_the_force(wessex: Any) -> None:
    incident = submitted(wessex)
    ppu = wessex.actor(PPU)
    with pytest.raises(ValidationFailed) as empty:
        services.incident_review(actor=ppu, incident=incident, note="   ")
    assert empty.value.fields == {"note": ["Enter what you found or did"]}
    with pytest.raises(NotPermitted):
        services.incident_review(actor=wessex.actor(OFFICER), incident=incident, note=NOTE)
    draft = services.incident_start(actor=wessex.actor(OFFICER))
    with pytest.raises(InvalidTransition):
        services.incident_review(actor=ppu, incident=draft, note=NOTE)
    incident.refresh_from_db()
    assert incident.reviewed_at is None and not events_of(incident, "incident.reviewed")


def test_the_count_on_the_home_page_is_the_rows_of_the_list_it_links_to(wessex: Any) -> None:
    ppu, officer = wessex.actor(PPU), wessex.actor(OFFICER)
    first, _second = submitted(wessex, "WX/2026/7001"), submitted(wessex, "WX/2026/7002")
    services.incident_start(actor=officer)  # a draft: not for review
    before = home_counts_for(actor=ppu, drafts=False, to_review=True).to_review
    listed = incident_list_for(actor=ppu, filters=IncidentFilters(to_review=True))
    assert before == listed.total >= 2
    assert first in listed.incidents
    services.incident_review(actor=ppu, incident=first, note=NOTE)
    after = incident_list_for(actor=ppu, filters=IncidentFilters(to_review=True))
    assert home_counts_for(actor=ppu, drafts=False, to_review=True).to_review == after.total
    assert after.total == before - 1 and first not in after.incidents

    drafts = home_counts_for(actor=officer, drafts=True, to_review=False).drafts
    assert drafts == incident_list_for(actor=officer, filters=IncidentFilters(status="draft")).total
    assert drafts >= 1


def test_the_home_page_leads_with_each_police_roles_action_and_its_count(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    submitted(wessex)
    services.incident_start(actor=wessex.actor(OFFICER))
    ppu_page = client_for(PPU).get(reverse("home")).content.decode()
    count = home_counts_for(actor=wessex.actor(PPU), drafts=False, to_review=True).to_review
    words = "incident not yet reviewed" if count == 1 else "incidents not yet reviewed"
    assert f"{count} {words}" in ppu_page
    assert f'href="{reverse("incident_list")}?review=to_review"' in ppu_page
    assert ppu_page.index("Review incidents") < ppu_page.index("More you can do")

    officer_page = client_for(OFFICER).get(reverse("home")).content.decode()
    drafts = home_counts_for(actor=wessex.actor(OFFICER), drafts=True, to_review=False).drafts
    assert "Record an incident" in officer_page
    assert f"{drafts} draft" in officer_page
    assert "Review incidents" not in officer_page
    assert ">Sign out of Hearth</button>" in officer_page  # on the page, not only in the menu

    assert "Record an incident" not in client_for(FRONT_DOOR).get(reverse("home")).content.decode()


def test_the_review_page_records_the_review_and_the_read(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted(wessex)
    client = client_for(PPU)
    url = reverse("incident_review", args=[incident.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Review this incident" in page.content.decode()
    read = AccessEvent.objects.latest("pk")
    assert read.purpose == "Review an incident"

    empty = client.post(url, {"note": ""})
    assert empty.status_code == 200
    assert "Enter what you found or did" in empty.content.decode()
    assert "<title>Error: " in empty.content.decode()

    done = client.post(url, {"note": NOTE}, follow=True)
    text = done.content.decode()
    assert "WX/2026/7001 marked as reviewed" in text
    assert NOTE.replace("'", "&#x27;") in text
    incident.refresh_from_db()
    assert incident.reviewed_at is not None
    # Reviewed: the review page leads back to the incident, nothing to do twice.
    assert client.get(url)["Location"] == reverse("incident_detail", args=[incident.pk])


def test_only_public_protection_of_the_force_may_open_the_review_page(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted(wessex)
    url = reverse("incident_review", args=[incident.pk])
    assert client_for(OFFICER).get(url).status_code == 403
    assert client_for(OFFICER).post(url, {"note": NOTE}).status_code == 403
    # Someone who may not see it: the same 404 as an incident that does not exist.
    assert client_for(FRONT_DOOR).get(url).status_code == 404
    missing = reverse("incident_review", args=[Incident.objects.latest("pk").pk + 1000])
    assert client_for(FRONT_DOOR).get(missing).status_code == 404
    incident.refresh_from_db()
    assert incident.reviewed_at is None


def test_the_home_page_takes_the_same_queries_however_many_incidents_wait(
    wessex: Any, client_for: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    submitted(wessex, "WX/2026/7001")
    client = client_for(PPU)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    for number in range(2, 8):
        submitted(wessex, f"WX/2026/70{number:02d}")
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse("home")).content.decode()
    count = home_counts_for(actor=wessex.actor(PPU), drafts=False, to_review=True).to_review
    assert f"{count} incidents not yet reviewed" in page
