"""Incidents and completed checklists for the ledger's tests, built through the services."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hearth.accounts.models import Area, Team
from hearth.incidents.documents import incident_record_document
from hearth.incidents.models import Incident
from hearth.incidents.tests.factories import family_document
from hearth.obligations.models import Obligation
from hearth.risk import services as risk_services
from hearth.risk.instruments import instrument
from hearth.risk.models import RiskAssessment
from hearth.risk.policy import Answer

OFFICER = "response.officer@police.wessex.example"
PPU = "ppu.officer@police.wessex.example"
FRONT_DOOR = "front.door@northshire.wessex.example"
FRONT_DOOR_MANAGER = "front.door.manager@northshire.wessex.example"
SOUTH_FRONT_DOOR = "front.door@southmoor.wessex.example"
IDVA = "idva@idva.wessex.example"
MARAC = "marac.coordinator@northshire.wessex.example"
EDUCATION = "education.safeguarding@northshire.wessex.example"
NORTHSHIRE = "E06900001"
SOUTHMOOR = "E06900002"


def area(code: str) -> Area:
    return Area.objects.get(code=code)


def team(slug: str) -> Team:
    return Team.objects.get(slug=slug)


def submitted_incident(
    wessex: Any, reference: str = "WX/2026/0001", la: str | None = NORTHSHIRE, **changes: Any
) -> Incident:
    """The family of ``family_document`` (three children), in Northshire unless told."""
    document = family_document(reference=reference, **changes)
    details = replace(document.details, local_authority_id=area(la).pk if la else None)
    return incident_record_document(
        actor=wessex.actor(OFFICER), document=replace(document, details=details)
    )


def checklist(wessex: Any, incident: Incident, *, yes: int, **complete: Any) -> RiskAssessment:
    """The officer's DASH for the incident's victim with ``yes`` yes answers, completed."""
    officer = wessex.actor(OFFICER)
    victim = incident.parties.get(role="adult_victim").person
    perpetrator = incident.parties.get(role="alleged_perpetrator").person
    assessment = risk_services.assessment_start(
        actor=officer, victim=victim, incident=incident, perpetrator=perpetrator
    )
    risk_services.assessment_safety_record(
        actor=officer,
        assessment=assessment,
        checks=risk_services.SafetyChecks(
            safe_to_talk="yes", safe_contact_number="07700 900123", safe_times="Weekdays 10–12"
        ),
    )
    for index, item in enumerate(instrument("police_dash").items):
        risk_services.assessment_answer(
            actor=officer,
            assessment=assessment,
            item_key=item.key,
            answer=Answer.YES if index < yes else Answer.NO,
        )
    return risk_services.assessment_complete(actor=officer, assessment=assessment, **complete)


def of(incident: Incident, route: str) -> list[Obligation]:
    return list(Obligation.objects.filter(incident=incident, route=route).order_by("id"))
