"""The demo's MARAC meeting (``hearth.demo.marac.seed_marac``): next week, with the
Northshire referrals sent and waiting on its agenda, none heard; seeding again repeats
nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hearth.core import clock
from hearth.demo.marac import seed_marac
from hearth.marac import policy
from hearth.marac.models import MaracCase, MaracMeeting
from hearth.marac.tests.factories import a_sent_referral
from hearth.obligations.models import Obligation
from hearth.referrals.policy import Status


def test_the_demo_meeting_is_next_week_with_the_referrals_waiting(wessex: Any) -> None:
    waiting = a_sent_referral(wessex)
    meeting = seed_marac()
    assert meeting.held_on == clock.local_now().date() + dt.timedelta(days=7)
    assert meeting.team.slug == "northshire-marac-coordination"
    (case,) = MaracCase.objects.filter(meeting=meeting)
    assert case.referral_id == waiting.pk and case.status == policy.CaseStatus.ON_AGENDA
    # The demo's own referral still waits for the PPU unless it is sent.
    demo = Obligation.objects.get(route="marac_referral", incident__police_reference="WX/DEMO/0005")
    assert demo.status == Status.CREATED
    assert seed_marac().pk == meeting.pk
    assert MaracMeeting.objects.count() == 1 and MaracCase.objects.count() == 1


def test_the_demo_referral_is_sent_and_put_on_the_agenda_when_asked(wessex: Any) -> None:
    meeting = seed_marac(send=True)
    demo = Obligation.objects.get(route="marac_referral", incident__police_reference="WX/DEMO/0005")
    assert demo.status == Status.ACKNOWLEDGED
    (case,) = MaracCase.objects.filter(meeting=meeting)
    assert case.referral_id == demo.pk and case.children.count() >= 2
    seed_marac(send=True)
    assert MaracCase.objects.count() == 1
