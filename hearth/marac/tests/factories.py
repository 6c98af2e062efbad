"""MARAC test data, built through the real services: a MARAC referral sent by the public
protection unit, a meeting, a case on its agenda, a case heard."""

from __future__ import annotations

import datetime as dt
from typing import Any

from conftest import Wessex
from hearth.accounts.models import Team
from hearth.core import clock
from hearth.marac import policy, services
from hearth.marac.models import MaracCase, MaracMeeting
from hearth.obligations import services as ledger
from hearth.obligations.models import Obligation
from hearth.obligations.tests.factories import (
    IDVA,
    MARAC,
    PPU,
    checklist,
    of,
    submitted_incident,
)
from hearth.referrals import services as referral_services

SOUTH_MARAC = "marac.coordinator@southmoor.wessex.example"
FRONT_DOOR = "front.door@northshire.wessex.example"

_made = iter(range(1, 10_000))

__all__ = ["FRONT_DOOR", "IDVA", "MARAC", "PPU", "SOUTH_MARAC"]


def a_sent_referral(wessex: Any | None = None) -> Obligation:
    """A Northshire MARAC referral (15 yes answers), completed and sent by the PPU."""
    wessex = wessex or Wessex()
    incident = submitted_incident(wessex, reference=f"WX/MARAC/{next(_made):04d}")
    checklist(wessex, incident, yes=15)
    (referral,) = of(incident, "marac_referral")
    ppu = wessex.actor(PPU)
    referral_services.marac_referral_update(actor=ppu, obligation=referral, victim_aware=True)
    ledger.obligation_send(actor=ppu, obligation=referral)
    referral.refresh_from_db()
    return referral


def a_meeting(wessex: Any | None = None, *, days: int = 0) -> MaracMeeting:
    """A Northshire MARAC meeting ``days`` from today at 10:00, online."""
    wessex = wessex or Wessex()
    return services.meeting_schedule(
        actor=wessex.actor(MARAC),
        held_on=clock.local_now().date() + dt.timedelta(days=days),
        starts_at=dt.time(10, next(_made) % 60),
        format=policy.MeetingFormat.ONLINE,
        place="Video call",
    )


def a_case(wessex: Any | None = None, *, days: int = 0) -> MaracCase:
    """A sent referral on the agenda of a new meeting."""
    wessex = wessex or Wessex()
    referral = a_sent_referral(wessex)
    return services.case_add(
        actor=wessex.actor(MARAC),
        meeting=a_meeting(wessex, days=days),
        referral_obligation_id=referral.pk,
    )


def team(slug: str) -> Team:
    return Team.objects.get(slug=slug)


def victim_action(case: MaracCase, **changes: Any) -> policy.ActionIn:
    """An action for the victim, owned by the IDVA service, due in a week."""
    values: dict[str, Any] = {
        "for_person_id": case.referral.subject_id,
        "owner_team_id": Team.objects.get(agency__slug="wessex-idva-service").pk,
        "words": "Contact the victim through her safe number and review the safety plan",
        "due_on": clock.local_now().date() + dt.timedelta(days=7),
    }
    return policy.ActionIn(**(values | changes))


def hear(wessex: Any, case: MaracCase, *actions: policy.ActionIn, **changes: Any) -> MaracCase:
    """The case heard with the police and the IDVA service attending, every child
    confirmed, and ``actions`` (an action for the victim if none)."""
    from hearth.accounts.models import Agency

    values: dict[str, Any] = {
        "attended_agency_ids": [
            Agency.objects.get(slug="wessex-police").pk,
            Agency.objects.get(slug="wessex-idva-service").pk,
        ],
        "risks": "Escalating threats; a breach of bail conditions",
        "child_ids": list(case.children.values_list("child_id", flat=True)),
        "actions": list(actions) or [victim_action(case)],
        "note": "",
    }
    return services.case_hear(actor=wessex.actor(MARAC), case=case, **(values | changes))


def hear_body(case: MaracCase) -> dict[str, Any]:
    """A hearing as the API takes it: the police attended, every child confirmed, one
    action for the victim owned by the IDVA service."""
    from hearth.accounts.models import Agency

    action = victim_action(case)
    return {
        "attended_agency_ids": [Agency.objects.get(slug="wessex-police").pk],
        "risks": "Threats to kill",
        "child_ids": list(case.children.values_list("child_id", flat=True)),
        "actions": [
            {
                "for_person_id": action.for_person_id,
                "owner_team_id": action.owner_team_id,
                "words": action.words,
                "due_on": action.due_on.isoformat() if action.due_on else None,
            }
        ],
    }
