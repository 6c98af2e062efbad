"""The family plan's pages: the list, opening a plan from a person, the plan with each
member's support side by side (and what an action's team is not shown), the lead team's
forms, and the safe-contact note wherever someone might contact the family."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from hearth.core import clock
from hearth.families import services
from hearth.families.models import FamilyPlan, Goal, PlanAction, Review, Support
from hearth.families.tests.factories import a_plan, due, family_incident, member, person
from hearth.families.tests.test_access import worked_plan
from hearth.families.tests.test_services import education_team, idva_team
from hearth.obligations.tests.factories import FRONT_DOOR, IDVA

SPECIALIST = "specialist@little-oaks.wessex.example"
NOTE = "Call Kerry's mobile on weekdays 10 to 12 only"


def day(name: str, when: dt.date) -> dict[str, Any]:
    return {f"{name}_0": when.day, f"{name}_1": when.month, f"{name}_2": when.year}


def test_the_plans_list(wessex: Any, client_for: Callable[[str], Client]) -> None:
    plan = worked_plan(wessex)
    page = client_for(FRONT_DOOR).get(reverse("family_plans"))
    assert page.status_code == 200
    assert reverse("family_plan", args=[plan.pk]) in page.content.decode()
    assert "Kerry Vance" in page.content.decode()
    idva = client_for(IDVA).get(reverse("family_plans")).content.decode()
    assert "you own an action" in idva
    other = client_for(SPECIALIST).get(reverse("family_plans")).content.decode()
    assert "do not lead or act in any family plan" in other


def test_opening_a_plan_from_a_child(wessex: Any, client_for: Callable[[str], Client]) -> None:
    incident = family_incident(wessex)
    mia, kerry = person(incident, "Mia"), person(incident, "Kerry")
    url = reverse("family_plan_new") + f"?person={mia.pk}"
    client = client_for(FRONT_DOOR)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("Mia Vance", "Kerry Vance", "Dean Vance", "Leo Hart"):
        assert name in html
    team = next(iter(wessex.actor(FRONT_DOOR).team_ids))
    form = {
        f"member_{kerry.pk}": "adult_victim",
        f"member_{mia.pk}": "child",
        f"member_{person(incident, 'Dean').pk}": "none",
        f"member_{person(incident, 'Leo').pk}": "none",
        f"member_{person(incident, 'Ava').pk}": "none",
        "lead_team": str(team),
        "opened_from": "agency",
        "agreement": "not_sought",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "Enter how to contact the family safely" in text
    assert "Enter why the family" in text  # not sought, and no reason
    done = client.post(url, form | {"safe_contact_note": NOTE, "agreement_note": "Not safe"})
    plan = FamilyPlan.objects.get(members__person=mia)
    assert done.status_code == 302 and done["Location"] == reverse("family_plan", args=[plan.pk])
    assert plan.members.count() == 2 and plan.agreement_note == "Not safe"


def test_opening_for_someone_unknown_is_not_found(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    mia = person(family_incident(wessex), "Mia")
    url = reverse("family_plan_new") + f"?person={mia.pk}"
    assert client_for(SPECIALIST).get(url).status_code == 404
    assert client_for(FRONT_DOOR).get(reverse("family_plan_new") + "?person=x").status_code == 404


def test_the_plan_side_by_side(wessex: Any, client_for: Callable[[str], Client]) -> None:
    plan = worked_plan(wessex)
    html = client_for(FRONT_DOOR).get(reverse("family_plan", args=[plan.pk])).content.decode()
    assert NOTE in html.replace("&#x27;", "'")
    assert html.count('class="govuk-summary-card"') >= 4  # one card for each member
    for words in (
        "Kerry's safety plan",
        "Mia's check-ins",
        "Tell police of bail",
        "Safety planning",
    ):
        assert words in html.replace("&#x27;", "'")
    assert "Add a goal" in html and "Record a review" in html
    assert "Risk level" in html


def test_an_action_owner_sees_only_what_is_shared(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    plan = worked_plan(wessex)
    html = client_for(IDVA).get(reverse("family_plan", args=[plan.pk])).content.decode()
    html = html.replace("&#x27;", "'")
    assert NOTE in html
    assert "Dean Vance" in html and "Person causing harm" in html  # names and roles
    assert "Kerry's safety plan" in html
    assert "Tell police of bail" not in html and "Mia's check-ins" not in html
    assert "6 records in this plan are not shared with your organisation" in html
    assert "Add a goal" not in html
    assert client_for(IDVA).get(reverse("family_plan_goal", args=[plan.pk])).status_code == 403
    assert client_for(SPECIALIST).get(reverse("family_plan", args=[plan.pk])).status_code == 404


def test_the_lead_teams_forms(wessex: Any, client_for: Callable[[str], Client]) -> None:
    plan = a_plan(wessex)
    client = client_for(FRONT_DOOR)
    mia = member(plan, "Mia")
    kerry = member(plan, "Kerry")
    back = reverse("family_plan", args=[plan.pk])
    # A goal.
    url = reverse("family_plan_goal", args=[plan.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"member": mia.pk, "words": "Mia feels safe"})["Location"] == back
    goal = Goal.objects.get(plan=plan)
    # An action, to the education team.
    url = reverse("family_plan_action", args=[plan.pk])
    assert client.get(url).status_code == 200
    empty = client.post(url, {"member": mia.pk})
    assert "Enter what is to be done" in empty.content.decode()
    posted = client.post(
        url,
        {
            "member": mia.pk,
            "goal": goal.pk,
            "team": education_team().pk,
            "what": "Weekly check-in",
            **day("due_on", due()),
        },
    )
    assert posted["Location"] == back
    assert PlanAction.objects.get(plan=plan).team == education_team()
    # Support for Kerry, then started.
    url = reverse("family_plan_support", args=[plan.pk])
    assert client.get(url).status_code == 200
    posted = client.post(url, {"member": kerry.pk, "kind": "housing", "status": "planned"})
    assert posted["Location"] == back
    support = Support.objects.get(plan=plan)
    url = reverse("family_plan_support_update", args=[plan.pk, support.pk])
    assert client.get(url).status_code == 200
    today = clock.local_now().date()
    assert client.post(url, {"status": "started", **day("started_on", today)})["Location"] == back
    support.refresh_from_db()
    assert support.status == "started" and support.started_on == today
    # A review, then closing.
    url = reverse("family_plan_review", args=[plan.pk])
    assert client.get(url).status_code == 200
    missing = client.post(url, {**day("held_on", today), "continues": "yes"})
    assert "Select the progress made on this goal" in missing.content.decode()
    posted = client.post(
        url,
        {
            **day("held_on", today),
            f"goal_{goal.pk}": "some",
            "continues": "yes",
            "children_views": "Mia likes her teacher",
        },
    )
    assert posted["Location"] == back
    assert Review.objects.get(plan=plan).children_views == "Mia likes her teacher"
    page = client.get(back).content.decode()
    assert "Mia likes her teacher" in page
    url = reverse("family_plan_close", args=[plan.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "goals_met"})["Location"] == back
    plan.refresh_from_db()
    assert plan.status == "closed"
    assert client.get(reverse("family_plan_goal", args=[plan.pk])).status_code == 403


def test_the_actions_obligation_page_shows_how_to_contact_the_family(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    plan = a_plan(wessex)
    made = services.action_add(
        actor=wessex.actor(FRONT_DOOR),
        plan=plan,
        member_id=member(plan, "Kerry").pk,
        team_id=idva_team().pk,
        what="Safety plan with Kerry",
        due_on=due(),
    )
    page = client_for(IDVA).get(reverse("obligation_detail", args=[made.obligation_id]))
    assert page.status_code == 200
    html = page.content.decode().replace("&#x27;", "'")
    assert NOTE in html and "Safety plan with Kerry" in html
    assert reverse("family_plan", args=[plan.pk]) in html


def test_a_marac_actions_page_shows_how_to_contact_the_family_once_in_a_plan(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    from hearth.audit.models import AccessEvent
    from hearth.marac.tests.factories import a_case, hear

    case = a_case(wessex)
    hear(wessex, case)
    (action,) = case.actions.all()
    url = reverse("obligation_detail", args=[action.obligation_id])
    before = client_for(IDVA).get(url).content.decode().replace("&#x27;", "'")
    assert "Contacting the family" not in before  # no plan yet
    plan = a_plan(wessex, case.referral.incident)  # joins the action
    last = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    page = client_for(IDVA).get(url)
    assert page.status_code == 200
    html = page.content.decode().replace("&#x27;", "'")
    assert f"Contacting the family: {NOTE}" in html
    assert reverse("family_plan", args=[plan.pk]) in html
    purposes = AccessEvent.objects.filter(pk__gt=last).values_list("purpose", flat=True)
    assert "The family plan's safe-contact note, on a MARAC action" in purposes


def test_a_review_owed_leads_to_the_plans_review_form(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    plan = a_plan(wessex)
    client = client_for(FRONT_DOOR)
    assert plan.review_obligation is not None
    page = client.get(reverse("obligation_detail", args=[plan.review_obligation.pk]))
    assert page.status_code == 200
    assert NOTE in page.content.decode().replace("&#x27;", "'")
    outcome = client.get(reverse("obligation_outcome", args=[plan.review_obligation.pk]))
    assert outcome["Location"] == reverse(
        "family_review_obligation", args=[plan.review_obligation.pk]
    )
    onward = client.get(outcome["Location"])
    assert onward["Location"] == reverse("family_plan_review", args=[plan.pk])


def test_each_areas_timescales_are_the_host_administrators(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    from hearth.accounts.models import Area
    from hearth.families.models import FamilyPlanSettings
    from hearth.obligations.tests.factories import NORTHSHIRE

    area = Area.objects.get(code=NORTHSHIRE)
    assert client_for(FRONT_DOOR).get(reverse("family_plan_settings")).status_code == 404
    url = reverse("family_plan_settings_area", args=[area.pk])
    assert client_for(FRONT_DOOR).get(url).status_code == 404
    admin = client_for("administrator@hearth.wessex.example")
    listed = admin.get(reverse("family_plan_settings")).content.decode()
    assert "Northshire" in listed and "Defaults" in listed
    assert admin.get(url).status_code == 200
    values = {
        "first_meeting_working_days": "5",
        "first_review_months": "2",
        "review_every_months": "13",
    }
    refused = admin.post(url, values)
    assert "Enter the months between reviews from 1 to 12" in refused.content.decode()
    done = admin.post(url, values | {"review_every_months": "4"})
    assert done["Location"] == reverse("family_plan_settings")
    row = FamilyPlanSettings.objects.get(area=area)
    assert (row.first_meeting_working_days, row.first_review_months, row.review_every_months) == (
        5,
        2,
        4,
    )


def test_each_childs_risk_and_what_the_children_said_since_the_last_review(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    from hearth.obligations.tests.factories import OFFICER
    from hearth.risk import services as risk_services
    from hearth.risk.policy import ChildRiskFactors
    from hearth.voices.services import voice_record

    plan = worked_plan(wessex)
    mia = member(plan, "Mia").person
    risk_services.child_risk_record(
        actor=wessex.actor(OFFICER),
        child=mia,
        incident=plan.incident,
        factors=ChildRiskFactors(age=8, present_or_witnessed=True, threatened=True),
    )
    voice_record(
        actor=wessex.actor(FRONT_DOOR),
        child_id=mia.pk,
        seen_on=clock.local_now().date(),
        where="At home",
        seen_alone=True,
        said="I like it when it is quiet at home",
    )
    lead = client_for(FRONT_DOOR).get(reverse("family_plan", args=[plan.pk])).content.decode()
    assert "Risk level: <strong>" in lead
    assert "I like it when it is quiet at home" in lead
    assert "What the children said since the plan opened" in lead
    # The plan shares each child's risk with its action teams, not what the child said.
    owner = client_for(IDVA).get(reverse("family_plan", args=[plan.pk])).content.decode()
    assert "Risk level: <strong>" in owner
    assert "quiet at home" not in owner


def test_recording_the_first_meeting(wessex: Any, client_for: Callable[[str], Client]) -> None:
    plan = a_plan(wessex)
    client = client_for(FRONT_DOOR)
    back = reverse("family_plan", args=[plan.pk])
    page = client.get(back).content.decode()
    assert "First meeting due by" in page
    url = reverse("family_plan_first_meeting", args=[plan.pk])
    assert url in page
    today = clock.local_now().date()
    future = client.post(url, day("held_on", today + dt.timedelta(days=1)))
    assert "The meeting must be today or in the past" in future.content.decode()
    assert client.post(url, day("held_on", today))["Location"] == back
    plan.refresh_from_db()
    assert plan.first_meeting_on == today
    assert "First meeting held" in client.get(back).content.decode()
    assert (
        services.first_meeting_record(actor=wessex.actor(FRONT_DOOR), plan=plan, held_on=today)
        == plan
    )
    assert client_for(IDVA).get(url).status_code == 404  # no action: no plan
