"""The MARAC action route, declared to the ledger core (``hearth.obligations.registry``):

``marac_action`` (MARAC-ACTION-1 v1): each action agreed when a MARAC meeting hears a
case is an obligation to its owner team (an IDVA service, a front door, a school's DSL
team...), about the person it is for, from the referral's incident, sent at once, its
outcome due by the end of the agreed date. The owner team acknowledges it and records
its outcome (done, not done with why, no longer needed) on the ledger's generic pages
and API; the sweeper escalates it as usual. It shares the action's words, the meeting's
date and whom it is for, and nothing else of the case.

When an action for the adult victim is acknowledged, support for her has started: the
ledger's ``support_started`` is sent so that each child is followed up (FOLLOW-UP-1,
domain.md §10.4), without this app knowing the route that follows them up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from ninja import Field, Schema

from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.errors import ValidationFailed
from hearth.marac import policy
from hearth.obligations import registry
from hearth.obligations.models import Obligation


@dataclass(frozen=True)
class ActionShare:
    """What an action shares with its owner team (``Shared.parts[ACTION_ROUTE]``)."""

    words: str
    meeting_on: dt.date
    due_on: dt.date
    for_role: str
    for_words: str


def _action_of(obligation: Obligation) -> Any:
    from hearth.marac.models import MaracAction

    return (
        MaracAction.objects.select_related("case__meeting")
        .filter(obligation_id=obligation.pk)
        .first()
    )


def _shares(obligation: Obligation, base: Any) -> Any:
    """The action's words, the meeting's date and whom it is for; never the case's risks,
    attendance, other actions or the referral."""
    action = _action_of(obligation)
    if action is None:
        return base
    part = ActionShare(
        words=action.words,
        meeting_on=action.case.meeting.held_on,
        due_on=action.due_on,
        for_role=action.for_role,
        for_words=action.for_words,
    )
    return dataclasses.replace(base, parts={**base.parts, policy.ACTION_ROUTE: part})


class MaracActionShareOut(Schema):
    """What a MARAC action shares on the obligations API."""

    words: str = Field(..., description="What must be done, as agreed at the meeting.")
    meeting_on: dt.date = Field(..., description="The date of the MARAC meeting.")
    due_on: dt.date = Field(..., description="The date the action is due.")
    for_role: str = Field(
        ..., description="Whom it is for: victim, child or perpetrator (the subject)."
    )


def _share_out(detail: Any) -> MaracActionShareOut | None:
    part = detail.shared.part
    if not isinstance(part, ActionShare):
        return None
    return MaracActionShareOut(
        words=part.words, meeting_on=part.meeting_on, due_on=part.due_on, for_role=part.for_role
    )


ACTION_SHARE = registry.ApiShare(
    key="marac_action",
    schema=MaracActionShareOut,
    build=_share_out,
    description="A MARAC action: what must be done, the meeting's date and whom it is for.",
)


def _record_outcome(actor: Actor, obligation: Obligation, outcome: str, note: str) -> Obligation:
    """Done, not done (a note says why) or no longer needed: each closes the action."""
    from hearth.obligations.services.steps import close_held, record_outcome_held

    problems = policy.outcome_problems(outcome, note)
    if problems:
        raise ValidationFailed.from_fields(problems)
    record_outcome_held(actor, obligation, outcome, note)
    close_held(actor, obligation)
    return obligation


def _acknowledged(actor: Actor | None, obligation: Obligation) -> None:
    """An action for the adult victim acknowledged by its owner: support for her has
    started, so each child of the household is followed up (FOLLOW-UP-1)."""
    if obligation.data.get("for") != policy.ActionFor.VICTIM:
        return
    from hearth.marac.models import MaracCaseChild
    from hearth.obligations.services.steps import support_started

    child_ids = list(
        MaracCaseChild.objects.filter(case_id=obligation.data.get("case_id"), confirmed=True)
        .order_by("id")
        .values_list("child_id", flat=True)
    )
    support_started.send(
        sender=Obligation,
        actor=actor,
        adult_id=obligation.subject_id,
        incident_id=obligation.incident_id,
        source="marac_action",
        source_words="MARAC action for the adult victim acknowledged",
        source_obligation_id=obligation.pk,
        started_at=clock.now(),
        child_ids=child_ids,
    )


ACTION = registry.Route(
    key=policy.ACTION_ROUTE,
    label="MARAC action",
    rule=policy.ACTION_RULE,
    rule_version=policy.RULE_VERSION,
    for_child=False,
    subject_may_be_child=True,  # an action for the victim, a child or the person causing harm
    outcomes=dict(policy.ACTION_OUTCOME_LABELS),
    record_outcome=_record_outcome,
    note_label="What was done, or why it was not done",
    note_hint="Needed when the action was not done",
    on_acknowledged=_acknowledged,
    related=("marac_action",),
    shares=_shares,
    shared_template="marac/_action_shared.html",
    api_shares=(ACTION_SHARE,),
    outcome_word="Outcome",
    noun="action",
)

ROUTES = (ACTION,)
