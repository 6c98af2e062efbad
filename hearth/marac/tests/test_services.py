"""MARAC meetings' services, on the demo area, built through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hearth.accounts.models import Agency, Team
from hearth.audit.models import TimelineEvent
from hearth.core import clock
from hearth.core.errors import NotFound, ValidationFailed
from hearth.marac import policy, services
from hearth.marac.models import MaracAction
from hearth.marac.signals import case_heard
from hearth.marac.tests.factories import (
    FRONT_DOOR,
    IDVA,
    MARAC,
    SOUTH_MARAC,
    a_case,
    a_meeting,
    a_sent_referral,
    hear,
    victim_action,
)
from hearth.obligations import services as ledger
from hearth.obligations.models import Deadline, Obligation
from hearth.obligations.services.steps import support_started
from hearth.referrals.policy import MaracOutcome, Status


def test_a_referral_added_to_an_agenda_is_acknowledged_and_brings_its_children(
    wessex: Any,
) -> None:
    referral = a_sent_referral(wessex)
    assert referral.status == Status.SENT
    meeting = a_meeting(wessex, days=7)
    case = services.case_add(
        actor=wessex.actor(MARAC), meeting=meeting, referral_obligation_id=referral.pk
    )
    referral.refresh_from_db()
    assert referral.status == Status.ACKNOWLEDGED
    assert case.position == 1 and case.status == policy.CaseStatus.ON_AGENDA
    assert case.repeat is False
    assert case.children.count() == 3
    # Adding it again is the same case.
    again = services.case_add(
        actor=wessex.actor(MARAC), meeting=meeting, referral_obligation_id=referral.pk
    )
    assert again.pk == case.pk
    assert TimelineEvent.objects.filter(verb="marac.case_added").count() == 1


def test_a_referral_is_on_one_agenda_at_a_time_and_moves_as_deferred(wessex: Any) -> None:
    case = a_case(wessex, days=1)
    later = a_meeting(wessex, days=14)
    with pytest.raises(ValidationFailed, match="move it from there"):
        services.case_add(
            actor=wessex.actor(MARAC), meeting=later, referral_obligation_id=case.referral_id
        )
    moved = services.case_move(actor=wessex.actor(MARAC), case=case, to_meeting=later)
    case.refresh_from_db()
    assert case.status == policy.CaseStatus.DEFERRED
    assert moved.meeting_id == later.pk and moved.status == policy.CaseStatus.ON_AGENDA
    assert moved.children.count() == 3
    # Moving it again to the same meeting is the same move.
    assert services.case_move(actor=wessex.actor(MARAC), case=case, to_meeting=later).pk == moved.pk


def test_removing_a_case_lets_the_referral_wait_for_another_meeting(wessex: Any) -> None:
    case = a_case(wessex, days=1)
    services.case_remove(actor=wessex.actor(MARAC), case=case)
    services.case_remove(actor=wessex.actor(MARAC), case=case)
    case.refresh_from_db()
    assert case.status == policy.CaseStatus.REMOVED
    other = a_meeting(wessex, days=3)
    again = services.case_add(
        actor=wessex.actor(MARAC), meeting=other, referral_obligation_id=case.referral_id
    )
    assert again.pk != case.pk


def test_only_a_referral_sent_to_this_marac_joins_its_agenda(wessex: Any) -> None:
    referral = a_sent_referral(wessex)
    # Southmoor's MARAC has its own meetings: Northshire's referral is not its to add.
    south = services.meeting_schedule(
        actor=wessex.actor(SOUTH_MARAC),
        held_on=clock.local_now().date(),
        starts_at=dt.time(14),
        format="in_person",
    )
    with pytest.raises(NotFound):
        services.case_add(
            actor=wessex.actor(SOUTH_MARAC), meeting=south, referral_obligation_id=referral.pk
        )
    # Nobody but the MARAC schedules its meetings.
    with pytest.raises(NotFound):
        services.meeting_schedule(
            actor=wessex.actor(FRONT_DOOR),
            held_on=clock.local_now().date(),
            starts_at=dt.time(14),
            format="online",
        )


def test_a_case_is_heard_only_with_an_action_plan_attendance_and_risks(wessex: Any) -> None:
    case = a_case(wessex)
    with pytest.raises(ValidationFailed) as refused:
        hear(wessex, case, policy.ActionIn(None, None, "", None))
    assert refused.value.fields["actions"] == [
        "A case is heard with an action plan: add at least one action"
    ]
    with pytest.raises(ValidationFailed) as refused:
        hear(wessex, case, attended_agency_ids=[], risks=" ")
    assert set(refused.value.fields) == {"attended_agency_ids", "risks"}
    case.refresh_from_db()
    referral = Obligation.objects.get(pk=case.referral_id)
    assert case.status == policy.CaseStatus.ON_AGENDA
    assert referral.status == Status.ACKNOWLEDGED
    assert not MaracAction.objects.filter(case=case).exists()


def test_each_action_is_checked(wessex: Any) -> None:
    case = a_case(wessex)
    southmoor_front_door = Team.objects.get(slug="southmoor-front-door")
    stranger = a_sent_referral(wessex).subject_id
    with pytest.raises(ValidationFailed) as refused:
        hear(
            wessex,
            case,
            victim_action(case, due_on=clock.local_now().date() - dt.timedelta(days=1)),
            victim_action(case, owner_team_id=southmoor_front_door.pk),
            victim_action(case, words="  "),
            victim_action(case, for_person_id=stranger),
        )
    assert refused.value.fields == {
        "actions.0.due_on": ["The date the action is due must be today or in the future"],
        "actions.1.owner_team": ["Select an active team of an agency in the MARAC's area"],
        "actions.2.words": ["Enter what must be done"],
        "actions.3.for_person": ["Select someone of the household or the person causing harm"],
    }


def test_hearing_a_case_makes_each_action_an_obligation_and_hears_the_referral(
    wessex: Any,
) -> None:
    case = a_case(wessex)
    children = list(case.children.values_list("child_id", flat=True))
    perpetrator = case.referral.incident.parties.get(role="alleged_perpetrator").person_id
    front_door = Team.objects.get(slug="northshire-front-door")
    police = Team.objects.get(slug="wessex-police-public-protection-unit")
    heard: list[dict[str, Any]] = []

    def listen(sender: Any, **kwargs: Any) -> None:
        heard.append(kwargs)

    case_heard.connect(listen, dispatch_uid="test_case_heard")
    try:
        hear(
            wessex,
            case,
            victim_action(case),
            victim_action(
                case, for_person_id=children[0], owner_team_id=front_door.pk, words="Visit"
            ),
            policy.ActionIn(None, None, "", None),  # a blank row: not an action
            victim_action(
                case, for_person_id=perpetrator, owner_team_id=police.pk, words="Bail check"
            ),
        )
    finally:
        case_heard.disconnect(dispatch_uid="test_case_heard")
    case.refresh_from_db()
    assert case.status == policy.CaseStatus.HEARD and case.heard_at is not None
    assert case.meeting.status == policy.MeetingStatus.HELD
    actions = list(case.actions.select_related("obligation").order_by("number"))
    assert [(a.number, a.for_role) for a in actions] == [
        (1, "victim"),
        (2, "child"),
        (3, "perpetrator"),
    ]
    for action in actions:
        obligation = action.obligation
        assert obligation is not None
        assert obligation.route == policy.ACTION_ROUTE
        assert obligation.status == Status.SENT
        assert obligation.team_id == action.owner_team_id
        assert obligation.subject_id == action.for_person_id
        assert obligation.incident_id == case.referral.incident_id
        assert obligation.key == f"MARAC-ACTION-1:case:{case.pk}:action:{action.number}"
        assert obligation.referrer_team == case.meeting.team
        assert obligation.data == {
            "case_id": case.pk,
            "meeting_id": case.meeting_id,
            "action_id": action.pk,
            "for": action.for_role,
        }
        (deadline,) = Deadline.objects.filter(obligation=obligation)
        assert deadline.stage == "outcome"
        local = deadline.due_at.astimezone(clock.LONDON)
        assert (local.date(), local.time()) == (action.due_on, dt.time(23, 59, 59))
    referral = Obligation.objects.get(pk=case.referral_id)
    assert referral.status == Status.CLOSED and referral.outcome == MaracOutcome.HEARD
    assert referral.data["heard"] == {
        "case_id": case.pk,
        "meeting_on": case.meeting.held_on.isoformat(),
    }
    (signal,) = heard
    assert signal["case_id"] == case.pk
    assert signal["referral_obligation_id"] == referral.pk
    assert signal["victim_id"] == referral.subject_id
    assert signal["incident_id"] == referral.incident_id
    assert signal["action_obligation_ids"] == [a.obligation_id for a in actions]


def test_hearing_again_with_the_same_answer_changes_nothing(wessex: Any) -> None:
    case = a_case(wessex)
    action = victim_action(case)
    hear(wessex, case, action)
    hear(wessex, case, action)
    assert MaracAction.objects.filter(case=case).count() == 1
    assert TimelineEvent.objects.filter(verb="marac.case_heard").count() == 1
    with pytest.raises(ValidationFailed, match="has been heard"):
        hear(wessex, case, action, risks="Something else")


def test_a_child_not_confirmed_needs_a_reason(wessex: Any) -> None:
    case = a_case(wessex)
    first, *others = case.children.values_list("child_id", flat=True)
    with pytest.raises(ValidationFailed) as refused:
        hear(wessex, case, child_ids=others)
    assert "unconfirmed_reason" in refused.value.fields
    hear(wessex, case, child_ids=others, unconfirmed_reason="Lives with her father now")
    assert case.children.get(child_id=first).confirmed is False
    assert case.children.filter(confirmed=True).count() == len(others)


def test_a_repeat_referral_is_marked_on_its_case(wessex: Any) -> None:
    referral = a_sent_referral(wessex)
    referral.marac_referral.criteria = ["repeat"]
    referral.marac_referral.save()
    case = services.case_add(
        actor=wessex.actor(MARAC), meeting=a_meeting(wessex), referral_obligation_id=referral.pk
    )
    assert case.repeat is True


def test_an_action_is_done_not_done_with_why_or_no_longer_needed(wessex: Any) -> None:
    case = hear(wessex, a_case(wessex))
    action = case.actions.get()
    obligation = action.obligation
    assert obligation is not None
    idva = wessex.actor(IDVA)
    with pytest.raises(ValidationFailed) as refused:
        ledger.outcome_record(actor=idva, obligation=obligation, outcome="not_done", note=" ")
    assert refused.value.fields == {"note": ["Enter why the action was not done"]}
    ledger.outcome_record(
        actor=idva, obligation=obligation, outcome="not_done", note="She moved out of area"
    )
    obligation.refresh_from_db()
    assert obligation.status == Status.CLOSED and obligation.outcome == "not_done"


def test_an_action_for_the_victim_acknowledged_starts_support(wessex: Any) -> None:
    case = a_case(wessex)
    front_door = Team.objects.get(slug="northshire-front-door")
    child = case.children.first().child_id  # type: ignore[union-attr]
    hear(
        wessex,
        case,
        victim_action(case),
        victim_action(case, for_person_id=child, owner_team_id=front_door.pk),
    )
    started: list[dict[str, Any]] = []

    def listen(sender: Any, **kwargs: Any) -> None:
        started.append(kwargs)

    support_started.connect(listen, dispatch_uid="test_marac_support")
    try:
        for action in case.actions.order_by("number"):
            assert action.obligation is not None
            actor = wessex.actor(IDVA if action.for_role == "victim" else FRONT_DOOR)
            ledger.obligation_acknowledge(actor=actor, obligation=action.obligation)
    finally:
        support_started.disconnect(dispatch_uid="test_marac_support")
    (signal,) = started  # the child's action starts nobody's support
    victim_action_obligation = case.actions.get(number=1).obligation
    assert victim_action_obligation is not None
    assert signal["source"] == "marac_action"
    assert signal["adult_id"] == case.referral.subject_id
    assert signal["incident_id"] == case.referral.incident_id
    assert signal["source_obligation_id"] == victim_action_obligation.pk
    assert sorted(signal["child_ids"]) == sorted(case.children.values_list("child_id", flat=True))


def test_a_cancelled_meeting_takes_its_cases_off_the_agenda(wessex: Any) -> None:
    case = a_case(wessex, days=2)
    meeting = case.meeting
    services.meeting_cancel(actor=wessex.actor(MARAC), meeting=meeting)
    services.meeting_cancel(actor=wessex.actor(MARAC), meeting=meeting)
    case.refresh_from_db()
    meeting.refresh_from_db()
    assert meeting.status == policy.MeetingStatus.CANCELLED
    assert case.status == policy.CaseStatus.REMOVED
    assert TimelineEvent.objects.filter(verb="marac.meeting_cancelled").count() == 1


def test_a_meeting_with_a_case_heard_cannot_be_cancelled_or_moved(wessex: Any) -> None:
    case = hear(wessex, a_case(wessex))
    with pytest.raises(ValidationFailed, match="cannot be cancelled"):
        services.meeting_cancel(actor=wessex.actor(MARAC), meeting=case.meeting)
    with pytest.raises(ValidationFailed):
        services.meeting_update(
            actor=wessex.actor(MARAC),
            meeting=case.meeting,
            held_on=case.meeting.held_on + dt.timedelta(days=1),
            starts_at=case.meeting.starts_at,
            format=case.meeting.format,
            place=case.meeting.place,
        )


def test_a_meeting_is_scheduled_once_for_its_day_and_time(wessex: Any) -> None:
    marac = wessex.actor(MARAC)
    day = clock.local_now().date() + dt.timedelta(days=7)
    first = services.meeting_schedule(
        actor=marac, held_on=day, starts_at=dt.time(10), format="both", place="Room 2"
    )
    again = services.meeting_schedule(
        actor=marac, held_on=day, starts_at=dt.time(10), format="both", place="Room 2"
    )
    assert first.pk == again.pk
    with pytest.raises(ValidationFailed) as refused:
        services.meeting_schedule(
            actor=marac, held_on=day - dt.timedelta(days=30), starts_at=None, format="phone"
        )
    assert set(refused.value.fields) == {"held_on", "starts_at", "format"}
    moved = services.meeting_update(
        actor=marac, meeting=first, held_on=day, starts_at=dt.time(11), format="online", place=""
    )
    assert moved.starts_at == dt.time(11)


def test_the_demo_agencies_attend_and_own_actions(wessex: Any) -> None:
    team = Team.objects.get(slug="northshire-marac-coordination")
    agencies = {a.slug for a in services.area_agencies(team)}
    assert {"wessex-police", "wessex-idva-service", "northshire-council-childrens-services"} <= (
        agencies
    )
    assert not Agency.objects.filter(slug__in=agencies, kind__in=["host", "analytics"]).exists()
    owners = services.owner_teams(team)
    assert Team.objects.get(slug="northshire-front-door") in owners
    assert Team.objects.get(slug="southmoor-front-door") not in owners
    assert not [t for t in owners if t.function in ("administration", "analysis")]


def test_an_action_not_done_in_time_is_escalated_by_the_sweeper(wessex: Any) -> None:
    from hearth.obligations.sweeper import sweep

    case = hear(wessex, a_case(wessex))
    action = case.actions.get()
    assert action.obligation_id is not None
    (deadline,) = Deadline.objects.filter(obligation_id=action.obligation_id)
    sweep(now=deadline.due_at - dt.timedelta(seconds=1))
    deadline.refresh_from_db()
    assert deadline.overdue_at is None
    sweep(now=deadline.due_at + dt.timedelta(seconds=30))
    deadline.refresh_from_db()
    assert deadline.overdue_at is not None and deadline.reminder_at is not None
