"""A MARAC referral is heard only at a meeting (issue 14 §3): "heard at MARAC, with an
action plan" used to be recorded with no plan. The generic outcome page no longer offers
it and the service refuses it; the other outcomes still close the referral as before."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from hearth.core import clock
from hearth.core.errors import ValidationFailed
from hearth.marac.tests.factories import MARAC, a_sent_referral
from hearth.obligations import services as ledger
from hearth.referrals import policy
from hearth.referrals import services as steps


def test_heard_is_refused_through_the_generic_outcome(wessex: Any) -> None:
    referral = a_sent_referral(wessex)
    with pytest.raises(ValidationFailed) as refused:
        ledger.outcome_record(actor=wessex.actor(MARAC), obligation=referral, outcome="heard")
    assert "record the case on the meeting's page" in refused.value.fields["outcome"][0]
    referral.refresh_from_db()
    assert referral.status == policy.Status.SENT and not referral.outcome


def test_the_outcome_page_offers_only_what_can_be_recorded_there(
    wessex: Any, client_for: Any
) -> None:
    referral = a_sent_referral(wessex)
    page = client_for(MARAC).get(reverse("obligation_outcome", args=[referral.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="not_accepted"' in html and 'value="transferred"' in html
    assert 'value="heard"' not in html


def test_not_accepted_still_closes_and_a_closed_referral_cannot_then_be_heard(wessex: Any) -> None:
    referral = a_sent_referral(wessex)
    ledger.outcome_record(
        actor=wessex.actor(MARAC), obligation=referral, outcome="not_accepted", note="Below"
    )
    referral.refresh_from_db()
    assert referral.status == policy.Status.CLOSED and referral.outcome == "not_accepted"
    with pytest.raises(ValidationFailed):  # closed: no longer waiting to be heard
        steps.marac_heard(
            actor=wessex.actor(MARAC),
            obligation=referral,
            case_id=1,
            meeting_on=clock.local_now().date(),
        )
