"""What the family plan's services and selectors both read: an area's review timescales,
and whether the actor is of the plan's lead team."""

from __future__ import annotations

from hearth.accounts.models import Area
from hearth.core import calendar
from hearth.core.actor import Actor
from hearth.families import policy
from hearth.families.models import FamilyPlan, FamilyPlanSettings


def schedule_for(area_id: int | None) -> policy.Schedule:
    """The area's review timescales (``FamilyPlanSettings``), else the defaults."""
    if area_id is None:
        return policy.Schedule()
    area = Area.objects.filter(pk=area_id).first()
    row = FamilyPlanSettings.objects.filter(area_id=area_id).first()
    jurisdiction = area.country if area else calendar.Jurisdiction.ENGLAND
    if row is None:
        return policy.Schedule(jurisdiction=jurisdiction)
    return policy.Schedule(
        first_review_months=row.first_review_months,
        review_every_months=row.review_every_months,
        first_meeting_working_days=row.first_meeting_working_days,
        jurisdiction=jurisdiction,
    )


def is_lead(actor: Actor, plan: FamilyPlan) -> bool:
    """Someone in the lead team (an agency's system with no team: of its agency)."""
    if not actor.sees_case_content or plan.lead_team.agency_id != actor.agency_id:
        return False
    return not actor.team_ids or plan.lead_team_id in actor.team_ids
