"""The whole-family plan's routes, declared to the ledger core
(``hearth.obligations.registry``); plans make their obligations, never an incident's
routing (neither route has a ``plan``):

- ``family_action`` (FAMILY-ACTION-1 v1): each action of a plan is an obligation to its
  owner team, owed to the member it is for, naming the plan's incident, its outcome due by
  the end of its due date: done, not done (with a note) or no longer needed. It shares the
  action's words, the member's name and role and the plan's safe-contact note, so that
  whoever acts on it knows how to reach the family safely. An action for the adult victim
  acknowledged is the adult's support starting (``support_started``).
- ``family_review`` (FAMILY-REVIEW-1 v1): the plan's next review, owed by the lead team,
  due by the schedule; recorded on the plan's page (the generic outcome page leads there),
  which closes it and plans the next unless the plan closes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from hearth.core.actor import Actor
from hearth.core.errors import NotPermitted
from hearth.families import policy
from hearth.families.schemas import (
    FamilyActionShareOut,
    FamilyPlanMemberNameOut,
    FamilyReviewShareOut,
)
from hearth.obligations import registry
from hearth.obligations.models import Obligation


@dataclass(frozen=True)
class ActionShare:
    """What an action shares with its owner team (``Shared.parts["family_action"]``)."""

    plan_id: int
    what: str
    due_on: dt.date | None
    member_name: str
    member_role: str
    goal: str
    safe_contact_note: str
    lead_team: str


@dataclass(frozen=True)
class ReviewShare:
    """What a review shares with the lead team: the members and the safe-contact note."""

    plan_id: int
    safe_contact_note: str
    members: list[tuple[str, str]]  # (name, role words)


def _action_shares(obligation: Obligation, base: Any) -> Any:
    from hearth.families.models import PlanAction

    action = (
        PlanAction.objects.select_related("plan__lead_team", "member__person", "goal")
        .filter(obligation_id=obligation.pk)
        .first()
    )
    if action is None:
        return base
    part = ActionShare(
        plan_id=action.plan_id,
        what=action.what,
        due_on=action.due_on,
        member_name=action.member.person.full_name,
        member_role=action.member.role_label,
        goal=action.goal.words if action.goal else "",
        safe_contact_note=action.plan.safe_contact_note,
        lead_team=action.plan.lead_team.name,
    )
    return dataclasses.replace(base, parts={policy.ACTION_ROUTE: part})


def _review_shares(obligation: Obligation, base: Any) -> Any:
    from hearth.families.models import FamilyPlan

    plan = FamilyPlan.objects.filter(pk=obligation.data.get("plan_id")).first()
    if plan is None:
        return base
    members = list(plan.members.select_related("person").order_by("id"))
    part = ReviewShare(
        plan_id=plan.pk,
        safe_contact_note=plan.safe_contact_note,
        members=[(m.person.full_name, m.role_label) for m in members],
    )
    return dataclasses.replace(
        base,
        parts={policy.REVIEW_ROUTE: part},
        records=[*base.records, plan, *(m.person for m in members)],
    )


def _plan_link(actor: Actor, detail: Any) -> dict[str, Any]:
    from django.urls import reverse

    plan_id = detail.obligation.data.get("plan_id")
    return {"family_plan_url": reverse("family_plan", args=[plan_id])} if plan_id else {}


def _action_acknowledged(actor: Actor | None, obligation: Obligation) -> None:
    from hearth.families.services import action_acknowledged

    action_acknowledged(actor, obligation)


def _action_outcome(actor: Actor, obligation: Obligation, outcome: str, note: str) -> Obligation:
    from hearth.families.services import action_outcome

    return action_outcome(actor, obligation, outcome, note)


def _review_outcome(actor: Actor, obligation: Obligation, outcome: str, note: str) -> Obligation:
    raise NotPermitted("Record the review on the family plan's page")


def action_share_out(detail: Any) -> FamilyActionShareOut | None:
    part = detail.shared.parts.get(policy.ACTION_ROUTE)
    if part is None:
        return None
    return FamilyActionShareOut(
        plan_id=part.plan_id,
        what=part.what,
        due_on=part.due_on,
        member_name=part.member_name,
        member_role=part.member_role,
        goal=part.goal,
        safe_contact_note=part.safe_contact_note,
        lead_team=part.lead_team,
    )


def review_share_out(detail: Any) -> FamilyReviewShareOut | None:
    part = detail.shared.parts.get(policy.REVIEW_ROUTE)
    if part is None:
        return None
    return FamilyReviewShareOut(
        plan_id=part.plan_id,
        safe_contact_note=part.safe_contact_note,
        members=[FamilyPlanMemberNameOut(name=name, role=role) for name, role in part.members],
    )


ACTION_SHARE = registry.ApiShare(
    key=policy.ACTION_ROUTE,
    schema=FamilyActionShareOut,
    build=action_share_out,
    description="A family plan's action: what, for whom, how to contact the family safely.",
)
REVIEW_SHARE = registry.ApiShare(
    key=policy.REVIEW_ROUTE,
    schema=FamilyReviewShareOut,
    build=review_share_out,
    description="A family plan's review: its members and how to contact the family safely.",
)

ACTION = registry.Route(
    key=policy.ACTION_ROUTE,
    label="Family plan action",
    rule=policy.ACTION_RULE,
    rule_version=policy.RULE_VERSION,
    for_child=False,
    subject_may_be_child=True,  # an action for the victim, a child or the person causing harm
    outcomes={o.value: label for o, label in policy.ACTION_OUTCOME_LABELS.items()},
    record_outcome=_action_outcome,
    note_label="Note (needed when the action was not done)",
    note_hint="Say why it was not done, or anything the lead professional should know",
    on_acknowledged=_action_acknowledged,
    shares=_action_shares,
    shared_template="families/_action_shared.html",
    page_context=_plan_link,
    detail_template="families/_plan_link.html",
    api_shares=(ACTION_SHARE,),
    noun="action",
)

REVIEW = registry.Route(
    key=policy.REVIEW_ROUTE,
    label="Family plan review",
    rule=policy.REVIEW_RULE,
    rule_version=policy.RULE_VERSION,
    for_child=False,
    outcomes={o.value: label for o, label in policy.REVIEW_OUTCOME_LABELS.items()},
    record_outcome=_review_outcome,
    shares=_review_shares,
    shared_template="families/_review_shared.html",
    page_context=_plan_link,
    detail_template="families/_plan_link.html",
    outcome_url_name="family_review_obligation",
    outcome_word="Review",
    api_shares=(REVIEW_SHARE,),
    noun="review",
)

ROUTES = (ACTION, REVIEW)


def _on_case_heard(sender: Any, **kwargs: Any) -> None:
    """A MARAC meeting heard a case: its actions join the victim's open family plan."""
    from hearth.families.services import marac_actions_join

    marac_actions_join(
        actor=kwargs.get("actor"),
        case_id=kwargs["case_id"],
        victim_id=kwargs["victim_id"],
        action_obligation_ids=list(kwargs.get("action_obligation_ids") or ()),
    )


def connect() -> None:
    from hearth.marac.signals import case_heard

    case_heard.connect(_on_case_heard, dispatch_uid="families.marac_actions_join")
