"""Changes of the victim's circumstances: recording one (validation, timeline), the
prompt for a new assessment only when it came after the last one, and the victim's risk
page (the form, access, the access log)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hearth.audit.models import AccessEvent, TimelineEvent
from hearth.core import clock
from hearth.core.errors import ValidationFailed
from hearth.incidents.documents import incident_record_document
from hearth.incidents.models import Incident
from hearth.incidents.tests.factories import family_document
from hearth.people.models import Person
from hearth.risk import services
from hearth.risk.models import CircumstanceChange, RiskAssessment
from hearth.risk.selectors import reassessment_prompts, reassessment_reason_for
from hearth.risk.tests.test_services import answered

OFFICER = "response.officer@police.wessex.example"
PPU = "ppu.officer@police.wessex.example"
OUTSIDER = "front.door@northshire.wessex.example"
SEPARATED = "The victim has separated from the perpetrator since the last assessment"
PREGNANT = "The victim is now pregnant"


@pytest.fixture
def incident(wessex: Any) -> Incident:
    return incident_record_document(actor=wessex.actor(OFFICER), document=family_document())


@pytest.fixture
def victim(incident: Incident) -> Person:
    return incident.parties.get(role="adult_victim").person


def today() -> dt.date:
    return clock.local_now().date()


# --- The service -----------------------------------------------------------------------


def test_a_separation_is_recorded_with_a_timeline_event_on_the_victim(
    wessex: Any, incident: Incident, victim: Person
) -> None:
    change = services.circumstance_record(
        actor=wessex.actor(PPU),
        victim=victim,
        kind=CircumstanceChange.Kind.SEPARATION,
        changed_on=today() - dt.timedelta(days=2),
        note="  Moved to her sister's  ",
        incident=incident,
    )
    assert (change.kind, change.note, change.incident_id) == (
        "separation",
        "Moved to her sister's",
        incident.pk,
    )
    assert change.recorded_by_agency == wessex.agency("wessex-police")
    assert change.recorded_by == wessex.user(PPU)
    event = TimelineEvent.objects.for_subject(victim).get(verb="risk.circumstances_changed")
    assert event.payload == {
        "circumstance_change_id": change.pk,
        "kind": "separation",
        "incident_id": incident.pk,
    }
    assert "Moved" not in event.summary  # free text about a person stays out of the summary


@pytest.mark.parametrize(
    ("kind", "changed_on", "note", "field", "message"),
    [
        ("separation", None, "", "changed_on", "Enter the date the circumstances changed"),
        (
            "pregnancy",
            1,
            "",
            "changed_on",
            "The date the circumstances changed must be today or in the past",
        ),
        ("other", 0, "   ", "note", "Enter what has changed"),
        ("divorce", 0, "", "kind", "Select what has changed"),
    ],
)
def test_a_change_needs_a_kind_a_date_not_in_the_future_and_details_for_something_else(
    wessex: Any,
    victim: Person,
    kind: str,
    changed_on: int | None,
    note: str,
    field: str,
    message: str,
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.circumstance_record(
            actor=wessex.actor(PPU),
            victim=victim,
            kind=kind,
            changed_on=None if changed_on is None else today() + dt.timedelta(days=changed_on),
            note=note,
        )
    assert refused.value.fields == {field: [message]}
    assert not CircumstanceChange.objects.exists()
    assert not TimelineEvent.objects.filter(verb="risk.circumstances_changed").exists()


def test_today_is_a_valid_date_and_something_else_with_details_is_recorded(
    wessex: Any, victim: Person
) -> None:
    change = services.circumstance_record(
        actor=wessex.actor(PPU),
        victim=victim,
        kind=CircumstanceChange.Kind.OTHER,
        changed_on=today(),
        note="Lost her job",
    )
    assert change.changed_on == today()


def test_the_incident_must_be_one_the_victim_is_part_of(wessex: Any, victim: Person) -> None:
    other = incident_record_document(
        actor=wessex.actor(OFFICER),
        document=family_document(reference="WX/OTHER/1"),
    )
    with pytest.raises(ValidationFailed, match="not part of this incident"):
        services.circumstance_record(
            actor=wessex.actor(PPU),
            victim=victim,
            kind=CircumstanceChange.Kind.SEPARATION,
            changed_on=today(),
            incident=other,
        )


# --- The prompt for a new assessment ---------------------------------------------------


def separate(wessex: Any, victim: Person, changed_on: dt.date | None = None) -> None:
    services.circumstance_record(
        actor=wessex.actor(PPU),
        victim=victim,
        kind=CircumstanceChange.Kind.SEPARATION,
        changed_on=changed_on or today(),
    )


def test_a_separation_after_the_last_assessment_prompts_a_new_one(
    wessex: Any, incident: Incident, victim: Person
) -> None:
    done = answered(wessex, incident, yes=3)
    assert reassessment_prompts(victim=victim, since=done) == []
    separate(wessex, victim)
    assert reassessment_prompts(victim=victim, since=done) == [SEPARATED]
    assert reassessment_reason_for(actor=wessex.actor(PPU), victim=victim) == "separation"


def test_a_separation_before_the_last_assessment_does_not_prompt(
    wessex: Any, incident: Incident, victim: Person
) -> None:
    separate(wessex, victim, changed_on=today() - dt.timedelta(days=10))
    done = answered(wessex, incident, yes=3)
    assert reassessment_prompts(victim=victim, since=done) == []
    assert reassessment_reason_for(actor=wessex.actor(PPU), victim=victim) == "review"


def test_a_pregnancy_recorded_as_a_change_prompts_once(
    wessex: Any, incident: Incident, victim: Person
) -> None:
    done = answered(wessex, incident, yes=3)
    services.circumstance_record(
        actor=wessex.actor(PPU),
        victim=victim,
        kind=CircumstanceChange.Kind.PREGNANCY,
        changed_on=today(),
    )
    separate(wessex, victim)
    assert reassessment_prompts(victim=victim, since=done) == [SEPARATED, PREGNANT]
    # Separation is the more specific reason when both apply.
    assert reassessment_reason_for(actor=wessex.actor(PPU), victim=victim) == "separation"


def test_the_first_assessment_is_initial(wessex: Any, victim: Person) -> None:
    assert reassessment_reason_for(actor=wessex.actor(PPU), victim=victim) == "initial"


# --- The victim's risk page ------------------------------------------------------------


@pytest.fixture
def ppu(client_for: Callable[[str], Client]) -> Client:
    return client_for(PPU)


def page_url(victim: Person) -> str:
    return reverse("risk_victim", args=[victim.pk])


def test_a_change_is_recorded_from_the_victims_page_and_prompts_a_new_assessment(
    wessex: Any, ppu: Client, incident: Incident, victim: Person
) -> None:
    answered(wessex, incident, yes=15)
    before = AccessEvent.objects.count()
    page = ppu.get(page_url(victim))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Record a change of circumstances" in html
    assert "High (15 yes)" in html
    assert "None recorded." in html
    assert AccessEvent.objects.count() == before + 1
    event = AccessEvent.objects.latest("pk")
    assert event.route == "risk_victim"
    assert ("people.person", str(victim.pk)) in {
        (r.record_type, r.record_id) for r in event.records.all()
    }
    day = today() - dt.timedelta(days=1)
    response = ppu.post(
        page_url(victim),
        {
            "kind": "separation",
            "changed_on_0": str(day.day),
            "changed_on_1": str(day.month),
            "changed_on_2": str(day.year),
            "note": "Left on Sunday",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == page_url(victim)
    change = CircumstanceChange.objects.get()
    assert (change.victim, change.kind, change.changed_on) == (victim, "separation", day)
    html = ppu.get(page_url(victim)).content.decode()
    assert "The change of circumstances has been recorded" in html
    assert "Left on Sunday" in html and "Recorded by Wessex Police" in html
    assert "A new risk assessment is due: the victim has separated from the perpetrator" in html
    # The prompt shows where the prompts already show: the incident's summary.
    summary = ppu.get(reverse("incident_detail", args=[incident.pk])).content.decode()
    assert "the victim has separated from the perpetrator since the last assessment" in summary


def test_a_new_checklist_started_from_the_prompt_records_the_reason(
    wessex: Any, ppu: Client, incident: Incident, victim: Person
) -> None:
    answered(wessex, incident, yes=3)
    separate(wessex, victim)
    html = ppu.get(page_url(victim)).content.decode()
    assert "Start a new risk checklist" in html
    assert 'name="reason" value="separation"' in html
    response = ppu.post(
        reverse("risk_assessment_start", args=[incident.pk]),
        {"victim": victim.pk, "reason": "separation"},
    )
    assert response.status_code == 302
    assert (
        RiskAssessment.objects.filter(incident=incident, status="in_progress").get().reason
        == "separation"
    )
    # The incident page's button sends no reason: the prompt gives it.
    RiskAssessment.objects.filter(incident=incident, status="in_progress").delete()
    ppu.post(reverse("risk_assessment_start", args=[incident.pk]))
    assert (
        RiskAssessment.objects.filter(incident=incident, status="in_progress").get().reason
        == "separation"
    )


def test_a_wrong_change_shows_govuk_errors(ppu: Client, victim: Person) -> None:
    response = ppu.post(page_url(victim), {"kind": "other"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "<title>Error: " in html
    assert "Enter the date the circumstances changed" in html
    assert "Enter what has changed" in html  # every error at once
    future = today() + dt.timedelta(days=3)
    response = ppu.post(
        page_url(victim),
        {
            "kind": "other",
            "changed_on_0": str(future.day),
            "changed_on_1": str(future.month),
            "changed_on_2": str(future.year),
        },
    )
    html = response.content.decode()
    assert "The date the circumstances changed must be today or in the past" in html
    assert "Enter what has changed" in html
    assert "Select what has changed" in ppu.post(page_url(victim), {}).content.decode()
    assert not CircumstanceChange.objects.exists()


def test_an_agency_that_cannot_see_the_victim_gets_404_and_nothing_is_logged(
    client_for: Callable[[str], Client], victim: Person
) -> None:
    outsider = client_for(OUTSIDER)
    missing = outsider.get(reverse("risk_victim", args=[987654321]))
    assert missing.status_code == 404
    before = AccessEvent.objects.count()
    assert outsider.get(page_url(victim)).status_code == 404
    day = today()
    posted = outsider.post(
        page_url(victim),
        {
            "kind": "separation",
            "changed_on_0": str(day.day),
            "changed_on_1": str(day.month),
            "changed_on_2": str(day.year),
        },
    )
    assert posted.status_code == 404
    assert not CircumstanceChange.objects.exists()
    assert AccessEvent.objects.count() == before
    # Nor the service operator's administrators: configuration, not case content.
    admin = client_for("administrator@hearth.wessex.example")
    assert admin.get(page_url(victim)).status_code == 404


def test_changes_follow_the_victims_incidents(
    wessex: Any, incident: Incident, victim: Person
) -> None:
    separate(wessex, victim)
    assert CircumstanceChange.objects.visible_to(wessex.actor(OFFICER)).count() == 1
    assert CircumstanceChange.objects.visible_to(wessex.actor(OUTSIDER)).count() == 0
