"""The family plan's services, through the real ledger: opening, goals, actions as
obligations, supports, reviews, closing, MARAC actions joining, and the adult's support
starting following up each child."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hearth.accounts.models import Area, Team
from hearth.audit.models import TimelineEvent
from hearth.core import calendar, clock
from hearth.core.errors import NotFound, NotPermitted, ValidationFailed
from hearth.families import policy, services
from hearth.families.models import FamilyPlan, Goal, PlanMaracAction
from hearth.families.tests.factories import a_plan, due, family_incident, member, person
from hearth.obligations import policy as ledger
from hearth.obligations.models import Obligation
from hearth.obligations.services import obligation_acknowledge, outcome_record
from hearth.obligations.tests.factories import EDUCATION, FRONT_DOOR, IDVA, NORTHSHIRE, team

ADMIN = "administrator@hearth.wessex.example"
SPECIALIST = "specialist@little-oaks.wessex.example"


def idva_team() -> Team:
    return Team.objects.get(function="idva")


def education_team() -> Team:
    return Team.objects.get(name="Northshire education safeguarding")


def follow_ups(child_id: int) -> list[Obligation]:
    return list(Obligation.objects.filter(route="child_follow_up", subject_id=child_id).open())


def action(wessex: Any, plan: FamilyPlan, given: str, owner: Team, what: str = "Home visit") -> Any:
    return services.action_add(
        actor=wessex.actor(FRONT_DOOR),
        plan=plan,
        member_id=member(plan, given).pk,
        team_id=owner.pk,
        what=what,
        due_on=due(),
    )


# --- Opening -----------------------------------------------------------------------------------


def test_opening_a_plan(wessex: Any) -> None:
    plan = a_plan(wessex)
    today = clock.local_now().date()
    assert {m.role for m in plan.members.all()} == {
        "adult_victim",
        "child",
        "person_causing_harm",
    }
    assert plan.status == policy.PlanStatus.OPEN
    assert plan.lead_team.name == "Northshire front door"
    assert plan.area == Area.objects.get(code=NORTHSHIRE)
    assert plan.first_meeting_due_on == calendar.add_working_days(today, 10)
    # The first review is owed by the lead team, due within 3 months.
    review = plan.review_obligation
    assert review is not None and review.route == policy.REVIEW_ROUTE
    assert review.team_id == plan.lead_team_id and review.status == ledger.Status.SENT
    assert review.subject_id == member(plan, "Kerry").person_id
    assert plan.next_review_due_on == policy.add_months(today, 3)
    assert review.deadlines.get().due_at == calendar.end_of_day(plan.next_review_due_on)
    # The timeline says what happened in fixed words: never the safe-contact note.
    events = TimelineEvent.objects.filter(verb__startswith="family_plan.", payload__plan_id=plan.pk)
    assert events.filter(verb="family_plan.opened").count() == 1
    assert events.filter(verb="family_plan.member_added").count() == 4
    assert not any("Kerry's mobile" in e.summary for e in events)


def test_opening_again_returns_the_open_plan_and_another_lead_is_refused(wessex: Any) -> None:
    incident = family_incident(wessex)
    plan = a_plan(wessex, incident)
    assert a_plan(wessex, incident) == plan
    duty = team("northshire-childrens-services-duty-manager")
    with pytest.raises(ValidationFailed) as refused:
        a_plan(wessex, incident, lead_team_id=duty.pk)
    assert "already in another open family plan" in str(refused.value.fields["members"])


def test_opening_needs_why_agreement_was_not_sought(wessex: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        a_plan(wessex, agreement=policy.Agreement.NOT_SOUGHT)
    assert "agreement_note" in refused.value.fields
    plan = a_plan(wessex, agreement=policy.Agreement.NOT_SOUGHT, agreement_note="Not safe yet")
    assert plan.agreement_note == "Not safe yet"


def test_members_come_from_the_family_and_the_lead_from_the_actors_agency(wessex: Any) -> None:
    incident = family_incident(wessex)
    other = family_incident(wessex)  # another family's child
    stranger = person(other, "Leo")
    with pytest.raises(ValidationFailed) as refused:
        a_plan(wessex, incident, members={stranger.pk: "child"})
    assert "members" in refused.value.fields
    with pytest.raises(ValidationFailed) as refused:
        a_plan(wessex, incident, lead_team_id=idva_team().pk)
    assert "lead_team" in refused.value.fields


def test_a_person_the_actor_does_not_know_is_not_found(wessex: Any) -> None:
    incident = family_incident(wessex)
    with pytest.raises(NotFound):
        services.plan_open(
            actor=wessex.actor(SPECIALIST),
            person_id=person(incident, "Mia").pk,
            lead_team_id=Team.objects.get(agency__slug="little-oaks-childrens-therapy").pk,
            members={person(incident, "Mia").pk: "child"},
            agreement="agreed",
            safe_contact_note="Via school",
            opened_from="agency",
        )


# --- Goals and actions ----------------------------------------------------------------------


def test_a_goal_once(wessex: Any) -> None:
    plan = a_plan(wessex)
    actor = wessex.actor(FRONT_DOOR)
    mia = member(plan, "Mia")
    goal = services.goal_add(actor=actor, plan=plan, member_id=mia.pk, words="Mia feels safe")
    again = services.goal_add(actor=actor, plan=plan, member_id=mia.pk, words="Mia feels safe")
    assert goal == again and Goal.objects.filter(plan=plan).count() == 1
    event = TimelineEvent.objects.get(verb="family_plan.goal_added", payload__plan_id=plan.pk)
    assert event.summary == "Goal added"  # never the goal's words


def test_an_action_is_an_obligation_to_its_owner_team(wessex: Any) -> None:
    plan = a_plan(wessex)
    made = action(wessex, plan, "Mia", education_team(), "Talk to Mia's teacher")
    obligation = made.obligation
    assert obligation.route == policy.ACTION_ROUTE
    assert obligation.team == education_team()
    assert obligation.subject_id == member(plan, "Mia").person_id
    assert obligation.incident_id == plan.incident_id
    assert obligation.status == ledger.Status.SENT
    deadline = obligation.deadlines.get()
    assert deadline.stage == ledger.Stage.OUTCOME
    assert deadline.due_at == calendar.end_of_day(due())
    assert action(wessex, plan, "Mia", education_team(), "Talk to Mia's teacher") == made
    assert Obligation.objects.filter(route=policy.ACTION_ROUTE, data__plan_id=plan.pk).count() == 1
    assert "teacher" not in "".join(
        TimelineEvent.objects.filter(verb__startswith="family_plan.").values_list(
            "summary", flat=True
        )
    )


def test_a_childs_action_never_closes_because_the_adults_did(wessex: Any) -> None:
    plan = a_plan(wessex)
    adults = action(wessex, plan, "Kerry", idva_team(), "Safety plan with Kerry")
    childs = action(wessex, plan, "Mia", education_team(), "Check in with Mia weekly")
    outcome_record(actor=wessex.actor(IDVA), obligation=adults.obligation, outcome="done", note="")
    adults.obligation.refresh_from_db()
    childs.obligation.refresh_from_db()
    assert adults.obligation.status == ledger.Status.CLOSED
    assert adults.obligation.outcome == "done"
    assert childs.obligation.status == ledger.Status.SENT
    assert childs.obligation.is_open


def test_not_done_needs_a_note(wessex: Any) -> None:
    plan = a_plan(wessex)
    made = action(wessex, plan, "Mia", education_team())
    with pytest.raises(ValidationFailed) as refused:
        outcome_record(
            actor=wessex.actor(EDUCATION), obligation=made.obligation, outcome="not_done", note=""
        )
    assert refused.value.fields == {"note": ["Enter why the action was not done"]}
    outcome_record(
        actor=wessex.actor(EDUCATION),
        obligation=made.obligation,
        outcome="not_done",
        note="Mia was off sick",
    )
    made.obligation.refresh_from_db()
    assert made.obligation.status == ledger.Status.CLOSED


def test_an_action_for_the_adult_acknowledged_follows_up_each_child(wessex: Any) -> None:
    plan = a_plan(wessex)
    mia, leo = member(plan, "Mia").person_id, member(plan, "Leo").person_id
    childs = action(wessex, plan, "Mia", education_team())
    obligation_acknowledge(actor=wessex.actor(EDUCATION), obligation=childs.obligation)
    assert follow_ups(mia) == [] and follow_ups(leo) == []  # a child's action: no
    adults = action(wessex, plan, "Kerry", idva_team(), "IDVA support for Kerry")
    obligation_acknowledge(actor=wessex.actor(IDVA), obligation=adults.obligation)
    assert len(follow_ups(mia)) == 1 and len(follow_ups(leo)) == 1
    again = action(wessex, plan, "Kerry", idva_team(), "Court support for Kerry")
    obligation_acknowledge(actor=wessex.actor(IDVA), obligation=again.obligation)
    assert len(follow_ups(mia)) == 1  # not twice for the same child


# --- Supports ---------------------------------------------------------------------------------


def test_housing_started_for_the_adult_follows_up_each_child(wessex: Any) -> None:
    plan = a_plan(wessex)
    actor = wessex.actor(FRONT_DOOR)
    kerry, mia = member(plan, "Kerry"), member(plan, "Mia")
    support = services.support_add(actor=actor, plan=plan, member_id=kerry.pk, kind="housing")
    assert support.status == "planned" and follow_ups(mia.person_id) == []
    today = clock.local_now().date()
    services.support_update(
        actor=actor, plan=plan, support_id=support.pk, status="started", started_on=today
    )
    assert len(follow_ups(mia.person_id)) == 1
    assert len(follow_ups(member(plan, "Leo").person_id)) == 1


def test_a_childs_support_and_the_adults_safety_planning_start_no_follow_up(wessex: Any) -> None:
    plan = a_plan(wessex)
    actor = wessex.actor(FRONT_DOOR)
    today = clock.local_now().date()
    mia = member(plan, "Mia")
    services.support_add(
        actor=actor,
        plan=plan,
        member_id=member(plan, "Kerry").pk,
        kind="safety_planning",
        status="started",
        started_on=today,
    )
    services.support_add(
        actor=actor, plan=plan, member_id=mia.pk, kind="school", status="started", started_on=today
    )
    assert follow_ups(mia.person_id) == []


def test_a_support_must_fit_the_members_role(wessex: Any) -> None:
    plan = a_plan(wessex)
    with pytest.raises(ValidationFailed) as refused:
        services.support_add(
            actor=wessex.actor(FRONT_DOOR),
            plan=plan,
            member_id=member(plan, "Dean").pk,
            kind="refuge",
        )
    assert "kind" in refused.value.fields


def test_a_support_links_to_the_obligation_that_delivers_it(wessex: Any) -> None:
    plan = a_plan(wessex)
    ccn = Obligation.objects.filter(
        incident=plan.incident, subject_id=member(plan, "Mia").person_id
    ).first()
    assert ccn is not None
    support = services.support_add(
        actor=wessex.actor(FRONT_DOOR),
        plan=plan,
        member_id=member(plan, "Mia").pk,
        kind="childrens_services",
        status="started",
        started_on=clock.local_now().date(),
        obligation_id=ccn.pk,
    )
    assert support.obligation == ccn


# --- Reviews and closing -------------------------------------------------------------------------


def test_a_review_records_progress_and_plans_the_next(wessex: Any) -> None:
    plan = a_plan(wessex)
    actor = wessex.actor(FRONT_DOOR)
    mia = member(plan, "Mia")
    met = services.goal_add(actor=actor, plan=plan, member_id=mia.pk, words="Mia sleeps well")
    working = services.goal_add(actor=actor, plan=plan, member_id=mia.pk, words="Mia at school")
    first = plan.review_obligation
    today = clock.local_now().date()
    with pytest.raises(ValidationFailed) as refused:
        services.review_record(
            actor=actor, plan=plan, held_on=today, progress={met.pk: "met"}, continues=True
        )
    assert "progress" in refused.value.fields
    review = services.review_record(
        actor=actor,
        plan=plan,
        held_on=today,
        progress={met.pk: "met", working.pk: "some"},
        continues=True,
        children_views="Mia says she likes her new room",
    )
    plan.refresh_from_db()
    met.refresh_from_db()
    working.refresh_from_db()
    assert met.status == "met" and working.status == "working"
    assert plan.status == policy.PlanStatus.REVIEWED
    assert first is not None
    first.refresh_from_db()
    assert first.status == ledger.Status.CLOSED and first.outcome == "reviewed"
    assert plan.review_obligation != first and plan.review_obligation is not None
    assert plan.next_review_due_on == policy.add_months(today, 6)
    assert review.next_review_due_on == plan.next_review_due_on
    # The same review again is the one recorded.
    assert (
        services.review_record(actor=actor, plan=plan, held_on=today, progress={}, continues=True)
        == review
    )
    assert not TimelineEvent.objects.filter(summary__contains="new room").exists()


def test_a_review_that_does_not_continue_closes_the_plan(wessex: Any) -> None:
    plan = a_plan(wessex)
    actor = wessex.actor(FRONT_DOOR)
    services.review_record(
        actor=actor,
        plan=plan,
        held_on=clock.local_now().date(),
        progress={},
        continues=False,
        close_reason="goals_met",
    )
    plan.refresh_from_db()
    assert plan.status == policy.PlanStatus.CLOSED
    assert plan.review_obligation is not None and not plan.review_obligation.is_open
    assert plan.review_obligation.outcome == "reviewed"
    assert not Obligation.objects.filter(route=policy.REVIEW_ROUTE, data__plan_id=plan.pk).open()


def test_closing_leaves_actions_with_their_teams(wessex: Any) -> None:
    plan = a_plan(wessex)
    made = action(wessex, plan, "Mia", education_team())
    actor = wessex.actor(FRONT_DOOR)
    with pytest.raises(ValidationFailed) as refused:
        services.plan_close(actor=actor, plan=plan, reason="other")
    assert refused.value.fields == {"note": ["Enter why the plan is closing"]}
    closed = services.plan_close(actor=actor, plan=plan, reason="stepped_up")
    assert closed.status == "closed" and closed.closed_on == clock.local_now().date()
    assert closed.access_ends_at is not None and closed.closed_at is not None
    assert closed.access_ends_at - closed.closed_at == dt.timedelta(days=30)
    assert closed.review_obligation is not None
    assert closed.review_obligation.outcome == policy.ReviewOutcome.PLAN_CLOSED
    made.obligation.refresh_from_db()
    assert made.obligation.is_open
    assert services.plan_close(actor=actor, plan=plan, reason="stepped_up") == closed
    with pytest.raises(ValidationFailed):
        services.goal_add(actor=actor, plan=plan, member_id=member(plan, "Mia").pk, words="x")


def test_only_the_lead_team_changes_the_plan(wessex: Any) -> None:
    plan = a_plan(wessex)
    action(wessex, plan, "Kerry", idva_team())
    with pytest.raises(NotPermitted):
        services.goal_add(
            actor=wessex.actor(IDVA), plan=plan, member_id=member(plan, "Kerry").pk, words="x"
        )


# --- MARAC actions and settings -------------------------------------------------------------------


def test_a_marac_meetings_actions_join_the_victims_open_plan(wessex: Any) -> None:
    plan = a_plan(wessex)
    kerry = member(plan, "Kerry").person_id
    some = list(Obligation.objects.filter(incident=plan.incident).order_by("id")[:2])
    ids = [o.pk for o in some]
    joined = services.marac_actions_join(
        actor=None, case_id=7, victim_id=kerry, action_obligation_ids=ids
    )
    assert len(joined) == 2
    services.marac_actions_join(actor=None, case_id=7, victim_id=kerry, action_obligation_ids=ids)
    assert PlanMaracAction.objects.filter(plan=plan).count() == 2
    assert (
        services.marac_actions_join(
            actor=None,
            case_id=7,
            victim_id=person(family_incident(wessex), "Kerry").pk,
            action_obligation_ids=ids,
        )
        == []
    )


def test_an_areas_review_timescales(wessex: Any) -> None:
    northshire = Area.objects.get(code=NORTHSHIRE)
    with pytest.raises(NotPermitted):
        services.family_plan_settings_set(
            actor=wessex.actor(FRONT_DOOR), area=northshire, first_review_months=2
        )
    admin = wessex.actor(ADMIN, "hearth-service-for-wessex")
    with pytest.raises(ValidationFailed):
        services.family_plan_settings_set(actor=admin, area=northshire, first_review_months=9)
    services.family_plan_settings_set(
        actor=admin, area=northshire, first_review_months=2, first_meeting_working_days=5
    )
    plan = a_plan(wessex)
    today = clock.local_now().date()
    assert plan.next_review_due_on == policy.add_months(today, 2)
    assert plan.first_meeting_due_on == calendar.add_working_days(today, 5)


def test_a_heard_cases_actions_join_the_plan_and_their_teams_see_it(wessex: Any) -> None:
    from hearth.families.selectors import plan_get_for
    from hearth.marac.tests.factories import a_case, hear

    case = a_case(wessex)
    plan = a_plan(wessex, case.referral.incident)
    with pytest.raises(NotFound):
        plan_get_for(actor=wessex.actor(IDVA), plan_id=plan.pk)
    hear(wessex, case)
    (joined,) = PlanMaracAction.objects.filter(plan=plan)
    assert joined.case_id == case.pk and joined.obligation.route == "marac_action"
    view = plan_get_for(actor=wessex.actor(IDVA), plan_id=plan.pk)
    assert [m.obligation_id for m in view.marac_actions] == [joined.obligation_id]
    joins = TimelineEvent.objects.filter(verb="family_plan.marac_actions", payload__plan_id=plan.pk)
    assert joins.count() == 1


def test_a_plan_opened_after_a_hearing_joins_the_cases_open_actions(wessex: Any) -> None:
    from hearth.marac.tests.factories import a_case, hear, victim_action

    case = a_case(wessex)
    hear(wessex, case, victim_action(case), victim_action(case, words="Refer Kerry to housing"))
    first, second = (a.obligation for a in case.actions.order_by("number"))
    assert first is not None and second is not None
    outcome_record(actor=wessex.actor(IDVA), obligation=second, outcome="done", note="Referred")
    plan = a_plan(wessex, case.referral.incident)
    (joined,) = PlanMaracAction.objects.filter(plan=plan)  # the open one only
    assert joined.obligation_id == first.pk and joined.case_id == case.pk
    assert a_plan(wessex, case.referral.incident) == plan  # opening again joins nothing more
    assert PlanMaracAction.objects.filter(plan=plan).count() == 1
    joins = TimelineEvent.objects.filter(verb="family_plan.marac_actions", payload__plan_id=plan.pk)
    assert joins.count() == 1
