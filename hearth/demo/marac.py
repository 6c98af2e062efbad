"""MARAC meetings in the Wessex demo (issue 14 §3), so that the Northshire MARAC
coordinator has a meeting to prepare: one scheduled for next week (relative to the
clock), with the Northshire MARAC referrals that are sent and waiting to be heard on its
agenda (adding them acknowledges them). None is heard: the browser journey hears one.

The demo's MARAC referral (Shona Fenwright, ``WX/DEMO/0005``) waits for the public
protection unit to send it (``demo/obligations.py``); with ``send=True`` the PPU completes
and sends it first, a day after the incident (the clock replays it), so that it is on
the agenda too.

Each step goes through the services as the person who would take it. Seeding again
repeats nothing: the MARAC's next scheduled meeting is reused, and a referral already on
an agenda stays there.
"""

from __future__ import annotations

import datetime as dt

from hearth.accounts.models import Team, User
from hearth.accounts.selectors import actor_for_user
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.marac import policy, services
from hearth.marac.models import MaracCase, MaracMeeting
from hearth.obligations import services as ledger
from hearth.obligations.models import Obligation
from hearth.referrals import services as referral_services

NORTH_MARAC = "marac.coordinator@northshire.wessex.example"
PPU = "ppu.officer@police.wessex.example"
NORTH_MARAC_TEAM = "northshire-marac-coordination"
STARTS_AT = dt.time(10)
PLACE = "Northshire Civic Centre, room 2, or by video (the link is sent by email)"


def _actor(email: str) -> Actor:
    actor = actor_for_user(user=User.objects.get(email=email), agency_id=None)
    assert actor is not None, f"{email} has no membership"  # seeded before this
    return actor


def _send_waiting(team: Team) -> None:
    """The PPU completes and sends the MARAC referrals still waiting for it."""
    ppu = _actor(PPU)
    for referral in Obligation.objects.filter(
        route=services.REFERRAL_ROUTE, team=team, status="created"
    ).select_related("incident"):
        submitted = referral.incident.submitted_at or clock.now()
        with clock.replaying_at(min(submitted + dt.timedelta(days=1), clock.now())):
            referral_services.marac_referral_update(
                actor=ppu,
                obligation=referral,
                victim_aware=True,
                consent_given=True,
                safe_contact_number="07700 900461",
                number_safe_to_call=True,
                safe_times="Weekday mornings, when the children are at school",
                afraid_of="Her ex-partner",
            )
            ledger.obligation_send(actor=ppu, obligation=referral)


def seed_marac(*, send: bool = False) -> MaracMeeting:
    """The Northshire MARAC's next meeting (scheduled for a week today if it has none)
    with every Northshire MARAC referral sent and waiting on its agenda."""
    team = Team.objects.get(slug=NORTH_MARAC_TEAM)
    if send:
        _send_waiting(team)
    coordinator = _actor(NORTH_MARAC)
    today = clock.local_now().date()
    meeting = (
        MaracMeeting.objects.filter(
            team=team, held_on__gte=today, status=policy.MeetingStatus.SCHEDULED
        )
        .order_by("held_on", "starts_at", "id")
        .first()
    )
    if meeting is None:
        meeting = services.meeting_schedule(
            actor=coordinator,
            held_on=today + dt.timedelta(days=7),
            starts_at=STARTS_AT,
            format=policy.MeetingFormat.BOTH,
            place=PLACE,
        )
    waiting = Obligation.objects.filter(services.waiting_filter(team)).order_by("sent_at", "id")
    for referral in waiting:
        if MaracCase.objects.filter(
            referral=referral, status__in=policy.OPEN_CASE_STATUSES
        ).exists():
            continue
        services.case_add(actor=coordinator, meeting=meeting, referral_obligation_id=referral.pk)
    return meeting
