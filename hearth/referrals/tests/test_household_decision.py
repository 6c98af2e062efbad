"""The front door decides for several children of a household at once (issue 17): one
decision form lists the other children from the same incident, each ticked at first with
their own decision to choose instead; each child keeps their own obligation, record and
outcome, with their own timeline events and access log; sending it twice changes
nothing; a child from elsewhere is refused and nothing is recorded."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearth.audit.models import AccessEventRecord, TimelineEvent
from hearth.core.errors import ValidationFailed
from hearth.obligations.models import Obligation
from hearth.obligations.tests.factories import FRONT_DOOR, of, submitted_incident
from hearth.referrals import services
from hearth.referrals.models import ChildAssessment
from hearth.referrals.policy import Route, Status

pytestmark = pytest.mark.django_db


def decision_url(obligation: Obligation) -> str:
    return reverse("obligation_decision", args=[obligation.pk])


def events(obligation: Obligation, verb: str) -> int:
    return TimelineEvent.objects.for_subject(obligation).filter(verb=verb).count()


def logged(obligation: Obligation) -> bool:
    return AccessEventRecord.objects.filter(
        record_type="obligations.obligation", record_id=str(obligation.pk)
    ).exists()


def test_the_decision_form_lists_the_other_children_ticked_with_their_own_choice(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    mia, leo, ava = of(incident, Route.CHILD_CONCERN)
    response = client_for(FRONT_DOOR).get(decision_url(mia))
    assert response.status_code == 200
    page = response.content.decode()
    assert "What have you decided for Mia Vance?" in page
    assert "Other children from this incident" in page
    assert "2 other children from this incident are waiting for your decision" in page
    for sibling in (leo, ava):
        name = sibling.subject.full_name
        assert f"Record a decision for {name} too" in page
        assert f"Decision for {name}" in page
        ticked = rf'<input type="checkbox" name="also_{sibling.pk}"[^>]* checked>'
        assert re.search(ticked, page)  # ticked by default
        assert logged(sibling)  # reading their names is logged
    assert ">The same decision</option>" in page


def test_one_decision_for_three_children_each_with_their_own_outcome_and_history(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    mia, leo, ava = of(incident, Route.CHILD_CONCERN)
    response = client_for(FRONT_DOOR).post(
        decision_url(mia),
        {
            "decision": "early_help",
            "note": "Family support worker to visit",
            f"also_{leo.pk}": "on",
            f"decision_{leo.pk}": "",
            f"also_{ava.pk}": "on",
            f"decision_{ava.pk}": "child_in_need_assessment",  # the per-child override
        },
        follow=True,
    )
    lines = [str(m) for m in response.context["messages"]]
    assert lines == [
        "Decisions recorded for 3 children: Mia Vance, Early help; Leo Hart, Early help; "
        "Ava Vance, Child and family assessment (child in need, s.17)"
    ]
    for o in (mia, leo, ava):
        o.refresh_from_db()
    assert (mia.status, mia.outcome) == (Status.CLOSED, "early_help")
    assert (leo.status, leo.outcome) == (Status.CLOSED, "early_help")
    assert (ava.status, ava.outcome) == (Status.OUTCOME_RECORDED, "child_in_need_assessment")
    assert ChildAssessment.objects.filter(obligation=ava).count() == 1
    assert not ChildAssessment.objects.filter(obligation__in=[mia, leo]).exists()
    for o in (mia, leo, ava):
        # Each child's own obligation and record carry their own decision.
        assert events(o, "obligation.outcome_recorded") == 1
        assert (
            TimelineEvent.objects.for_subject(o.subject)
            .filter(verb="obligation.outcome_recorded")
            .count()
            == 1
        )
        assert o.outcome_note == "Family support worker to visit"
    # The assessment still open reads for what happened, not "Outcome recorded".
    page = client_for(FRONT_DOOR).get(reverse("obligation_detail", args=[ava.pk]))
    assert "Decided: assessment under way" in page.content.decode()


def test_an_unticked_child_is_left_to_decide_separately(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    mia, leo, ava = of(incident, Route.CHILD_CONCERN)
    client_for(FRONT_DOOR).post(
        decision_url(mia),
        {"decision": "no_further_action", f"also_{leo.pk}": "on"},  # Ava unticked
    )
    leo.refresh_from_db()
    ava.refresh_from_db()
    assert leo.outcome == "no_further_action" and leo.status == Status.CLOSED
    assert ava.outcome == "" and ava.status == Status.SENT
    # Ava's own form now lists no one else: Mia and Leo are decided.
    page = client_for(FRONT_DOOR).get(decision_url(ava)).content.decode()
    assert "Other children from this incident" not in page


def test_deciding_twice_changes_nothing(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    mia, leo, ava = of(incident, Route.CHILD_CONCERN)
    actor = wessex.actor(FRONT_DOOR)
    ask: dict[str, Any] = {
        "decision": "strategy_discussion",
        "others": {leo.pk: "strategy_discussion", ava.pk: "early_help"},
    }
    services.decisions_record(actor=actor, obligation=mia, **ask)
    before = TimelineEvent.objects.count(), ChildAssessment.objects.count()
    again = services.decisions_record(
        actor=actor, obligation=Obligation.objects.get(pk=mia.pk), **ask
    )
    assert [recorded for _, recorded in again] == [True, True, True]
    assert (TimelineEvent.objects.count(), ChildAssessment.objects.count()) == before


def test_a_sibling_decided_meanwhile_keeps_their_decision(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    mia, leo, ava = of(incident, Route.CHILD_CONCERN)
    actor = wessex.actor(FRONT_DOOR)
    services.decision_record(actor=actor, obligation=leo, decision="information_and_advice")
    decided = services.decisions_record(
        actor=actor,
        obligation=mia,
        decision="early_help",
        others={leo.pk: "early_help", ava.pk: "early_help"},
    )
    assert [(o.pk, recorded) for o, recorded in decided] == [
        (mia.pk, True),
        (leo.pk, False),
        (ava.pk, True),
    ]
    leo.refresh_from_db()
    assert leo.outcome == "information_and_advice"


def test_a_child_from_another_incident_is_refused_and_nothing_is_recorded(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    other = submitted_incident(wessex, reference="WX/2026/0002")
    mia, leo, _ = of(incident, Route.CHILD_CONCERN)
    stranger = of(other, Route.CHILD_CONCERN)[0]
    with pytest.raises(ValidationFailed):
        services.decisions_record(
            actor=wessex.actor(FRONT_DOOR),
            obligation=mia,
            decision="early_help",
            others={leo.pk: "early_help", stranger.pk: "early_help"},
        )
    for o in (mia, leo, stranger):
        o.refresh_from_db()
        assert o.outcome == "" and o.status == Status.SENT  # all or none


def test_a_wrong_override_shows_an_error_and_loses_nothing(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    mia, leo, _ava = of(incident, Route.CHILD_CONCERN)
    response = client_for(FRONT_DOOR).post(
        decision_url(mia),
        {
            "decision": "early_help",
            "note": "Kept",
            f"also_{leo.pk}": "on",
            f"decision_{leo.pk}": "made_up",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select the decision for Leo Hart" in page
    assert "Kept" in page  # what was entered is still there
    mia.refresh_from_db()
    assert mia.outcome == ""


def test_the_decision_page_reads_in_the_same_number_of_queries_for_1_or_2_others(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    mia, leo, _ava = of(incident, Route.CHILD_CONCERN)
    client = client_for(FRONT_DOOR)
    client.get(decision_url(mia))  # warm the session and caches
    with CaptureQueriesContext(connection) as two:
        assert client.get(decision_url(mia)).status_code == 200
    services.decision_record(actor=wessex.actor(FRONT_DOOR), obligation=leo, decision="early_help")
    with CaptureQueriesContext(connection) as one:
        assert client.get(decision_url(mia)).status_code == 200
    assert len(two) == len(one)
