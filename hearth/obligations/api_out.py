"""What the obligations API answers: records turned into its ``...Out`` schemas (no
reads here: the selectors have read, checked and logged)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hearth.accounts.models import Team
from hearth.core import clock
from hearth.obligations import selectors
from hearth.obligations.models import Deadline, Obligation
from hearth.obligations.schemas import (
    AdultRiskOut,
    ChildAssessmentOut,
    ChildVoiceOut,
    DeadlineOut,
    MaracChildOut,
    MaracReferralOut,
    ObligationDetailOut,
    ObligationIncidentOut,
    OutcomeOut,
    PastEventOut,
    PersonRefOut,
    RedirectionOut,
    SharedAdultOut,
    SharedIncidentOut,
    SharedOut,
    SiblingOut,
    TeamRefOut,
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


def shared_out(detail: selectors.ObligationDetail) -> SharedOut:
    shared = detail.shared
    # Only a route that shares the incident's details (a children's services notification).
    child_concern = shared.shares_incident
    marac = shared.marac
    voice = shared.child_voice
    return SharedOut(
        incident=SharedIncidentOut(
            police_reference=detail.obligation.incident.police_reference,
            occurred_at=shared.incident_occurred_at,
            town=shared.incident_town if child_concern else None,
            summary=shared.incident_summary if child_concern else None,
            abuse_types=list(shared.abuse_types) if child_concern else None,
        ),
        child_voice=ChildVoiceOut(
            **{name: getattr(voice, name) for name in ChildVoiceOut.model_fields}
        )
        if voice is not None
        else None,
        adults=[SharedAdultOut(role=role, person=person_out(p)) for role, p in shared.adults],
        risks=[
            AdultRiskOut(
                person=person_out(risk.person),
                grade=risk.grade,
                score=risk.score,
                basis=risk.basis,
                history=[PastEventOut(on=e.on, agency=e.agency) for e in risk.history],
            )
            for risk in shared.risks
        ],
        siblings=[
            SiblingOut(obligation_id=s.pk, subject=person_out(s.subject)) for s in shared.siblings
        ],
        marac=MaracReferralOut(
            criteria=list(marac.criteria),
            criteria_basis=list(marac.criteria_basis),
            safe_contact_number=marac.safe_contact_number,
            number_safe_to_call=marac.number_safe_to_call,
            safe_times=marac.safe_times,
            afraid_of=marac.afraid_of,
            victim_aware=marac.victim_aware,
            not_aware_reason=marac.not_aware_reason,
            consent_given=marac.consent_given,
            children=[
                MaracChildOut(
                    child=person_out(child),
                    notification_id=notification.pk if notification else None,
                )
                for child, notification in shared.marac_children
            ],
        )
        if marac is not None
        else None,
    )


def detail_out(detail: selectors.ObligationDetail) -> ObligationDetailOut:
    obligation = detail.obligation
    due = {d.pk: d.due_at for d in detail.deadlines}
    return ObligationDetailOut(
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
        assessments=[
            ChildAssessmentOut(
                id=a.pk,
                kind=a.kind,
                started_on=a.started_on,
                authorised_on=a.authorised_on,
                factors=list(a.factors),
                due_at=due.get(a.deadline_id) if a.deadline_id else None,
            )
            for a in detail.shared.assessments
        ],
        shared=shared_out(detail),
    )
