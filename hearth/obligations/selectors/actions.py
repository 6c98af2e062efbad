"""Reads the obligations API needs on top of ``selectors``, under the same invariants:

- every read starts from ``Obligation.objects.visible_to(actor)`` (directly, or through
  a selector that does); anything outside it is ``NotFound``, the same as a missing record;
- a read that returns personal data writes one access event, and only one: the helpers
  here that add to a selector's answer (every deadline of an incident's obligations, an
  obligation's state after it was redirected) add the same records' own details, which
  the selector's event already names, so they write none of their own;
- ``obligation_for_action`` finds what an action acts on and returns nothing to the
  caller by itself: the answer to the action is read (and logged) by
  ``selectors.obligation_get_for``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hearth.accounts.models import Team
from hearth.core.actor import Actor
from hearth.core.errors import NotFound, ValidationFailed
from hearth.obligations.models import Deadline, Obligation
from hearth.obligations.selectors.obligation import ObligationDetail, redirect_choices_for
from hearth.obligations.selectors.records import IncidentObligations, incident_obligations_for


def obligation_for_action(*, actor: Actor, obligation_id: int) -> Obligation:
    """The obligation an action is about, if the caller may see it (not logged: see above).
    Whether the caller may *act* on it is the service's question (``obligations.act_on``)."""
    obligation = (
        Obligation.objects.visible_to(actor)
        .select_related("team", "subject", "incident")
        .filter(pk=obligation_id)
        .first()
    )
    if obligation is None:
        raise NotFound("No such obligation")
    return obligation


def redirect_team_for(*, obligation: Obligation, team_id: int, field: str) -> Team:
    """The team an obligation may be redirected to: one of ``redirect_choices_for`` (an
    active team doing the same work). Anything else names ``field``."""
    if team_id not in dict(redirect_choices_for(obligation=obligation)):
        raise ValidationFailed.from_fields(
            {field: ["Choose another active team that does the same work"]}
        )
    return Team.objects.get(pk=team_id)


def redirected_detail(*, detail: ObligationDetail, obligation: Obligation) -> ObligationDetail:
    """An obligation as its team saw it just before handing it on (``detail``, read and
    logged then), with its state after the redirection: its new team and status, its
    deadlines (the acknowledgement owed again) and every redirection. Once it has gone
    to another agency's team the caller can no longer read it, so this is its last view."""
    return replace(
        detail,
        obligation=obligation,
        deadlines=list(obligation.deadlines.order_by("due_at", "id")),
        redirections=list(obligation.redirections.select_related("from_team", "to_team")),
    )


@dataclass(frozen=True)
class IncidentObligationsWithDeadlines:
    progress: IncidentObligations
    # Every deadline of each obligation (met or not), by obligation id, soonest first.
    deadlines: dict[int, list[Deadline]]


def incident_obligations_with_deadlines_for(
    *, actor: Actor, incident_id: int, purpose: str = "View an incident's obligations"
) -> IncidentObligationsWithDeadlines:
    """``selectors.incident_obligations_for`` (one access event naming the obligations)
    with every deadline of each, in one more query."""
    progress = incident_obligations_for(actor=actor, incident_id=incident_id, purpose=purpose)
    deadlines: dict[int, list[Deadline]] = {o.pk: [] for o in progress.obligations}
    for deadline in Deadline.objects.filter(obligation_id__in=list(deadlines)).order_by(
        "due_at", "id"
    ):
        deadlines[deadline.obligation_id].append(deadline)
    return IncidentObligationsWithDeadlines(progress=progress, deadlines=deadlines)
