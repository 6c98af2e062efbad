"""The officer's and public protection's pages after issue 17: the force's reference, the
next step first, children in brief, ages in words, plain words with rule codes only
behind "Why?", "Check your answers" showing only what applies, the history grouped, and
the list naming people and searchable by name, each in a constant number of queries."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearth.audit.models import AccessEvent
from hearth.incidents import services
from hearth.incidents.documents import IncidentDocument, incident_record_document
from hearth.incidents.history import history_grouped
from hearth.incidents.models import Incident
from hearth.incidents.tests.factories import family_document

pytestmark = pytest.mark.django_db

OFFICER = "response.officer@police.wessex.example"
PPU = "ppu.officer@police.wessex.example"


def recorded(wessex: Any, document: IncidentDocument | None = None, **kwargs: Any) -> Incident:
    return incident_record_document(
        actor=wessex.actor(OFFICER), document=document or family_document(**kwargs)
    )


def only(document: IncidentDocument, children: set[str]) -> IncidentDocument:
    """The family with only some of its children."""
    keep = {"victim", "perpetrator", *children}
    return replace(
        document,
        people=[p for p in document.people if p.ref in keep],
        children=[c for c in document.children if c.ref in children],
        relationships=[r for r in document.relationships if {r.person, r.other} <= keep],
    )


def visible_text(html: str) -> str:
    """The page without the contents of <details> (what shows before "Why?" is opened)."""
    return re.sub(r"<details.*?</details>", "", html, flags=re.DOTALL)


def test_the_submitted_page_leads_with_the_next_step_and_names_the_incident_by_its_reference(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = recorded(wessex)
    page = client_for(OFFICER).get(reverse("incident_detail", args=[incident.pk]) + "?submitted=1")
    text = page.content.decode()
    assert "<title>WX/2026/0001" in text
    assert '<span class="govuk-caption-l">Wessex Police</span>' in text
    assert f"Police incident {incident.pk}" not in text
    banner = text[text.index("govuk-notification-banner--success") :]
    assert banner.index("Incident submitted") < banner.index("Start the risk checklist")
    assert banner.index("Start the risk checklist") < banner.index("Children")
    assert text.count("Start the risk checklist") == 1

    # Later (not just submitted): the next step is still first, without the banner.
    later = client_for(OFFICER).get(reverse("incident_detail", args=[incident.pk]))
    later_text = later.content.decode()
    assert "Incident submitted" not in later_text
    assert later_text.index("Next step") < later_text.index(">Children<")


def test_children_are_summarised_with_ages_in_words_and_the_reasons_behind_why(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = recorded(wessex)
    text = client_for(OFFICER).get(reverse("incident_detail", args=[incident.pk])).content.decode()
    shown = visible_text(text)
    assert "6 months" in shown  # Ava, born 1 May 2026, on 20 November 2026
    assert "8 years" in shown and "12 years" in shown
    assert not re.search(r"Age\s*0\b|>0<|They are 0", text)
    assert "They are 6 months old, so under 18" in text  # behind "Why?"
    assert "They are 6 months old" not in shown
    assert shown.count("Victim in their own right") == 3
    assert "Not there when it happened" in shown  # Leo
    assert "Spoken to alone" in shown  # Mia
    # The adult victim's record links to her family and household.
    victim = incident.parties.get(role="adult_victim").person
    assert reverse("family_detail", args=[victim.pk]) in text


def test_the_history_has_one_entry_for_each_run_of_the_same_change(wessex: Any) -> None:
    officer = wessex.actor(OFFICER)
    incident = services.incident_start(actor=officer)
    for _ in range(3):
        services.incident_update(
            actor=officer,
            incident=incident,
            changes=services.IncidentChanges(summary="Shouting heard"),
        )
    from hearth.audit.selectors import timeline_of

    events = timeline_of(subject=incident)
    entries = history_grouped(events)
    assert len(entries) < len(events)
    assert sum(e.saves for e in entries) == len(events)
    assert entries[-1].latest.verb == "incident.started"
    assert entries[0].saves == 3


def test_check_your_answers_shows_only_what_applies_to_a_child_who_was_not_there(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    officer = wessex.actor(OFFICER)
    incident = incident_record_document(
        actor=officer, document=replace(only(family_document(), {"leo"}), submit=False)
    )
    assert incident.status == Incident.Status.DRAFT
    text = client_for(OFFICER).get(reverse("incident_check", args=[incident.pk])).content.decode()
    leo = text[text.index("Leo Hart") : text.index("Pregnancy")]
    for row in (
        "Where they were",
        "Welfare check",
        "Spoken to",
        "Where spoken to",
        "Their own words",
    ):
        assert row not in leo, row
    assert leo.count("Not recorded") == 0
    assert "There when it happened" in leo and "Experienced the effects of the abuse" in leo
    assert "Add their language and communication needs" in leo


def test_rule_codes_and_actuarial_are_only_inside_why_on_the_risk_page(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    from hearth.risk.tests.test_services import answered

    incident = recorded(wessex)
    assessment = answered(wessex, incident, yes=5)
    page = client_for(OFFICER).get(reverse("risk_assessment_detail", args=[assessment.pk]))
    text = page.content.decode()
    shown = visible_text(text)
    assert assessment.rule and assessment.rule in text  # kept, behind "Why?"
    assert not re.search(r"Rule [A-Z]+-\d|rule [A-Z]+-\d", shown)
    assert assessment.rule not in shown
    assert "ctuarial" not in shown
    assert "The number of yes answers" in shown


def test_the_list_names_people_and_finds_incidents_by_a_name(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    recorded(wessex)
    other = family_document("WX/2026/0002")
    other = replace(
        other,
        people=[
            replace(p, family_name="Okafor") if p.ref in {"victim", "perpetrator"} else p
            for p in other.people
        ],
    )
    recorded(wessex, other)
    client = client_for(PPU)
    page = client.get(reverse("incident_list")).content.decode()
    assert "Kerry Vance" in page and "Kerry Okafor" in page
    assert "<details" in page and "Filter or search by name" in page

    found = client.get(reverse("incident_list"), {"person": "kerry okaf"}).content.decode()
    assert "WX/2026/0002" in found and "WX/2026/0001" not in found
    assert "1 result" in found and "(1 filter in use)" in found
    event = AccessEvent.objects.filter(action="search").latest("pk")
    assert event.query == {"person": "(a name)"}  # the name typed is not logged

    none = client.get(reverse("incident_list"), {"person": "Zebedee"}).content.decode()
    assert "0 results" in none


def test_the_incident_page_takes_the_same_queries_for_one_child_or_three(
    wessex: Any, client_for: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    one = recorded(wessex, only(family_document("WX/2026/0011"), {"mia"}))
    three = recorded(wessex, family_document("WX/2026/0013"))
    client = client_for(OFFICER)
    client.get(reverse("incident_detail", args=[one.pk]))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("incident_detail", args=[one.pk]))
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse("incident_detail", args=[three.pk])).content.decode()
    assert visible_text(page).count("Victim in their own right") == 3
