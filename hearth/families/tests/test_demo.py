"""The demo's family plan (``hearth.demo.families.seed_families``), seeded through the
services: once, whatever the number of seeds."""

from __future__ import annotations

from typing import Any

from hearth.demo.families import seed_families
from hearth.families import selectors
from hearth.families.models import FamilyPlan, PlanAction
from hearth.obligations.tests.factories import FRONT_DOOR, IDVA


def test_the_fenwrights_plan(wessex: Any) -> None:
    plan = seed_families()
    assert plan is not None
    assert seed_families() == plan
    assert FamilyPlan.objects.filter(members__person__given_names="Tyler").count() == 1
    roles = sorted(plan.members.values_list("person__given_names", "role"))
    assert roles == [
        ("Jason", "person_causing_harm"),
        ("Poppy", "child"),
        ("Shona", "adult_victim"),
        ("Tyler", "child"),
    ]
    assert plan.goals.count() == 3 and plan.supports.count() == 6
    teams = set(PlanAction.objects.filter(plan=plan).values_list("team__function", flat=True))
    assert teams == {"idva", "school_safeguarding", "health_visiting"}
    assert selectors.plan_get_for(actor=wessex.actor(FRONT_DOOR), plan_id=plan.pk).is_lead
    idva = selectors.plan_get_for(actor=wessex.actor(IDVA), plan_id=plan.pk)
    assert [m.person.given_names for m in idva.members if m.shown] == ["Shona"]
