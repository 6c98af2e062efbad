"""Who sees a family plan, and what of it (issue 14 §2, domain.md §11.3): the lead team
sees everything; a team owning an action sees the members' names and roles, the
safe-contact note and the work of the members its actions are for, and nothing else
(counted, never named); nobody else sees it; each for as long as the ledger allows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from hearth.audit.models import AccessEventRecord
from hearth.core import clock
from hearth.core.errors import NotFound
from hearth.families import selectors, services
from hearth.families.models import FamilyPlan
from hearth.families.tests.factories import a_plan, member
from hearth.families.tests.test_services import action, education_team, idva_team
from hearth.obligations.services import outcome_record
from hearth.obligations.tests.factories import EDUCATION, FRONT_DOOR, IDVA, MARAC

SPECIALIST = "specialist@little-oaks.wessex.example"


def worked_plan(wessex: Any) -> FamilyPlan:
    """A plan with a goal, a support and an action for each of Kerry, Mia and Dean:
    Kerry's action is the IDVA's, Mia's the education team's, Dean's the front door's own."""
    plan = a_plan(wessex)
    lead = wessex.actor(FRONT_DOOR)
    for given, kind in (("Kerry", "safety_planning"), ("Mia", "school"), ("Dean", "police_action")):
        m = member(plan, given)
        services.goal_add(actor=lead, plan=plan, member_id=m.pk, words=f"A goal for {given}")
        services.support_add(actor=lead, plan=plan, member_id=m.pk, kind=kind)
    action(wessex, plan, "Kerry", idva_team(), "Kerry's safety plan")
    action(wessex, plan, "Mia", education_team(), "Mia's check-ins")
    action(wessex, plan, "Dean", member(plan, "Dean").plan.lead_team, "Tell police of bail")
    return plan


def by_name(view: selectors.PlanView) -> dict[str, selectors.MemberView]:
    return {m.person.given_names: m for m in view.members}


def test_the_lead_team_sees_everything(wessex: Any) -> None:
    plan = worked_plan(wessex)
    view = selectors.plan_get_for(actor=wessex.actor(FRONT_DOOR), plan_id=plan.pk)
    assert view.is_lead and view.can_change and view.withheld == 0
    members = by_name(view)
    assert all(m.shown for m in members.values())
    assert [s.kind for s in members["Kerry"].supports] == ["safety_planning"]
    assert [a.what for a in members["Dean"].actions] == ["Tell police of bail"]


@pytest.mark.parametrize("email", [IDVA, EDUCATION, MARAC, SPECIALIST])
def test_nobody_without_an_action_sees_the_plan(wessex: Any, email: str) -> None:
    plan = a_plan(wessex)
    with pytest.raises(NotFound):
        selectors.plan_get_for(actor=wessex.actor(email), plan_id=plan.pk)
    assert plan not in [row.plan for row in selectors.plans_for(actor=wessex.actor(email))]


def test_an_action_owner_sees_what_the_plan_shares_with_it(wessex: Any) -> None:
    plan = worked_plan(wessex)
    view = selectors.plan_get_for(actor=wessex.actor(IDVA), plan_id=plan.pk)
    assert not view.is_lead and not view.can_change
    members = by_name(view)
    # Every member's name and role, and the safe-contact note.
    assert set(members) == {"Kerry", "Mia", "Leo", "Dean"}
    assert view.plan.safe_contact_note.startswith("Call Kerry's mobile")
    # Kerry's work, its action being for her, safety planning included.
    assert members["Kerry"].shown
    assert [s.kind for s in members["Kerry"].supports] == ["safety_planning"]
    assert [g.words for g in members["Kerry"].goals] == ["A goal for Kerry"]
    # Not Mia's nor the person causing harm's: counted, never named.
    for name in ("Mia", "Dean"):
        assert not members[name].shown
        assert members[name].goals == members[name].supports == members[name].actions == []
        assert members[name].withheld == 3
    assert view.withheld == 6 + 0  # no review yet
    assert view.reviews == []


def test_the_adults_safety_planning_and_the_perpetrators_section_are_withheld(
    wessex: Any,
) -> None:
    plan = worked_plan(wessex)
    view = selectors.plan_get_for(actor=wessex.actor(EDUCATION), plan_id=plan.pk)
    members = by_name(view)
    assert members["Mia"].shown and [s.kind for s in members["Mia"].supports] == ["school"]
    assert not members["Kerry"].shown and members["Kerry"].supports == []
    assert not members["Dean"].shown and members["Dean"].actions == []
    assert view.withheld == 6


def test_reviews_are_the_leads(wessex: Any) -> None:
    plan = worked_plan(wessex)
    services.review_record(
        actor=wessex.actor(FRONT_DOOR),
        plan=plan,
        held_on=clock.local_now().date(),
        progress={g.pk: "some" for g in plan.goals.all()},
        continues=True,
        children_views="Mia wants to stay at her school",
    )
    lead = selectors.plan_get_for(actor=wessex.actor(FRONT_DOOR), plan_id=plan.pk)
    assert [r.review.children_views for r in lead.reviews] == ["Mia wants to stay at her school"]
    owner = selectors.plan_get_for(actor=wessex.actor(IDVA), plan_id=plan.pk)
    assert owner.reviews == [] and owner.withheld == 6 + 1


def test_an_action_owner_sees_it_until_the_ledgers_window_ends(wessex: Any) -> None:
    plan = a_plan(wessex)
    made = action(wessex, plan, "Kerry", idva_team())
    outcome_record(actor=wessex.actor(IDVA), obligation=made.obligation, outcome="done", note="")
    made.obligation.refresh_from_db()
    ends = made.obligation.access_ends_at
    assert ends is not None
    with time_machine.travel(ends - dt.timedelta(minutes=1)):
        assert selectors.plan_get_for(actor=wessex.actor(IDVA), plan_id=plan.pk)
    with time_machine.travel(ends + dt.timedelta(minutes=1)):
        with pytest.raises(NotFound):
            selectors.plan_get_for(actor=wessex.actor(IDVA), plan_id=plan.pk)
        # The lead team still sees the open plan.
        assert selectors.plan_get_for(actor=wessex.actor(FRONT_DOOR), plan_id=plan.pk)


def test_the_lead_sees_a_closed_plan_for_the_areas_days(wessex: Any) -> None:
    plan = services.plan_close(
        actor=wessex.actor(FRONT_DOOR), plan=a_plan(wessex), reason="goals_met"
    )
    ends = plan.access_ends_at
    assert ends is not None
    with time_machine.travel(ends - dt.timedelta(minutes=1)):
        view = selectors.plan_get_for(actor=wessex.actor(FRONT_DOOR), plan_id=plan.pk)
        assert not view.can_change
    with time_machine.travel(ends + dt.timedelta(minutes=1)), pytest.raises(NotFound):
        selectors.plan_get_for(actor=wessex.actor(FRONT_DOOR), plan_id=plan.pk)


def test_every_read_is_logged(wessex: Any) -> None:
    plan = worked_plan(wessex)
    before = AccessEventRecord.objects.filter(
        record_type="families.familyplan", record_id=str(plan.pk)
    ).count()
    selectors.plan_get_for(actor=wessex.actor(IDVA), plan_id=plan.pk)
    rows = AccessEventRecord.objects.filter(
        record_type="families.familyplan", record_id=str(plan.pk)
    )
    assert rows.count() == before + 1
    event = rows.order_by("-id").first()
    assert event is not None
    people = set(
        event.event.records.filter(record_type="people.person").values_list("record_id", flat=True)
    )
    assert people == {str(m.person_id) for m in plan.members.all()}
    selectors.plans_for(actor=wessex.actor(IDVA))
    assert rows.count() == before + 2


def test_the_plans_list_says_who_leads(wessex: Any) -> None:
    plan = worked_plan(wessex)
    (row,) = [r for r in selectors.plans_for(actor=wessex.actor(IDVA)) if r.plan == plan]
    assert not row.is_lead
    (row,) = [r for r in selectors.plans_for(actor=wessex.actor(FRONT_DOOR)) if r.plan == plan]
    assert row.is_lead
