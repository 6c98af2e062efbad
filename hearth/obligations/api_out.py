"""What the obligations API answers: records turned into its ``...Out`` schemas (no
reads here: the selectors have read, checked and logged)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hearth.accounts.models import Team
from hearth.core import clock
from hearth.obligations import registry, selectors
from hearth.obligations.models import Deadline, Obligation
from hearth.obligations.schemas import (
    AdultRiskOut,
    DeadlineOut,
    ObligationDetailBase,
    ObligationIncidentOut,
    OutcomeOut,
    PastEventOut,
    PersonRefOut,
    RedirectionOut,
    SharedAdultOut,
    SharedIncidentOut,
    SiblingOut,
    TeamRefOut,
    obligation_detail_schema,
)
from hearth.people.models import Person


def person_out(person: Person) -> PersonRefOut:
    return PersonRefOut(id=person.pk, name=person.full_name, date_of_birth=person.date_of_birth)


def team_out(team: Team) -> TeamRefOut:
    return TeamRefOut(id=team.pk, name=team.name)


def outcome_out(obligation: Obligation) -> OutcomeOut | None:
    if not obligation.outcome:
        return None
    return OutcomeOut(code=obligation.outcome, label=obligation.outcome_label)


def deadline_out(deadline: Deadline) -> DeadlineOut:
    return DeadlineOut(
        stage=deadline.stage,
        due_at=deadline.due_at,
        owner=deadline.owner,
        rule=deadline.rule,
        rule_version=deadline.rule_version,
        basis=deadline.basis,
        met_at=deadline.met_at,
        overdue=deadline.is_overdue,
    )


def next_due_of(deadlines: list[Deadline]) -> dt.datetime | None:
    return min((d.due_at for d in deadlines if d.met_at is None), default=None)


def summary_out(obligation: Obligation, next_due: dt.datetime | None) -> dict[str, Any]:
    incident = obligation.incident
    return {
        "id": obligation.pk,
        "route": obligation.route,
        "status": obligation.status,
        "subject": person_out(obligation.subject),
        "incident": ObligationIncidentOut(
            id=incident.pk,
            police_reference=incident.police_reference,
            occurred_at=incident.occurred_at,
        ),
        "team": team_out(obligation.team),
        "next_due_at": next_due,
        "overdue": next_due is not None and next_due <= clock.now(),
        "claimed_by_id": obligation.claimed_by_id,
    }


def route_parts_out(detail: selectors.ObligationDetail, place: str) -> dict[str, Any]:
    """Every registered route's API parts for one place: the obligation's own route's
    built from what it shares, every other route's empty (``null`` or ``[]``)."""
    parts = {share.key: share.empty() for share in registry.api_shares() if share.place == place}
    for share in registry.get(detail.obligation.route).api_shares:
        if share.place == place:
            parts[share.key] = share.build(detail)
    return parts


def shared_out(detail: selectors.ObligationDetail) -> dict[str, Any]:
    shared = detail.shared
    # Only a route that shares the incident's details.
    whole = shared.shares_incident
    return {
        "incident": SharedIncidentOut(
            police_reference=detail.obligation.incident.police_reference,
            occurred_at=shared.incident_occurred_at,
            town=shared.incident_town if whole else None,
            summary=shared.incident_summary if whole else None,
            abuse_types=list(shared.abuse_types) if whole else None,
        ),
        "adults": [SharedAdultOut(role=role, person=person_out(p)) for role, p in shared.adults],
        "risks": [
            AdultRiskOut(
                person=person_out(risk.person),
                grade=risk.grade,
                score=risk.score,
                basis=risk.basis,
                history=[PastEventOut(on=e.on, agency=e.agency) for e in risk.history],
            )
            for risk in shared.risks
        ],
        "siblings": [
            SiblingOut(obligation_id=s.pk, subject=person_out(s.subject)) for s in shared.siblings
        ],
        **route_parts_out(detail, registry.SHARED),
    }


def detail_out(detail: selectors.ObligationDetail) -> ObligationDetailBase:
    obligation = detail.obligation
    answer: ObligationDetailBase = obligation_detail_schema()(  # type: ignore[call-arg]
        **summary_out(obligation, next_due_of(detail.deadlines)),
        rule=obligation.rule,
        rule_version=obligation.rule_version,
        reason=obligation.reason,
        sent_at=obligation.sent_at,
        acknowledged_at=obligation.acknowledged_at,
        outcome=outcome_out(obligation),
        outcome_note=obligation.outcome_note,
        outcome_at=obligation.outcome_at,
        closed_at=obligation.closed_at,
        withdrawn_reason=obligation.withdrawn_reason,
        deadlines=[deadline_out(d) for d in detail.deadlines],
        redirections=[
            RedirectionOut(
                from_team=team_out(r.from_team),
                to_team=team_out(r.to_team),
                reason=r.reason,
                at=r.at,
            )
            for r in detail.redirections
        ],
        shared=shared_out(detail),
        **route_parts_out(detail, registry.DETAIL),
    )
    return answer
