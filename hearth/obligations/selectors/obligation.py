"""One obligation, with what its route shares with its recipient."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from hearth.accounts.models import Team
from hearth.audit.models import AccessAction, TimelineEvent
from hearth.audit.selectors import timeline_of
from hearth.audit.services import access_record
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.errors import NotFound
from hearth.core.models import OutboundMessage
from hearth.incidents.models import Incident
from hearth.obligations import policy, registry
from hearth.obligations.models import Deadline, Obligation, Redirection
from hearth.people.models import Person
from hearth.risk.models import RiskAssessment
from hearth.risk.policy import PastEvent
from hearth.risk.selectors import victim_history

# How messages name an obligation (``notify.Message.about``).
OBLIGATION_LABEL = "obligations.obligation"

# --- One obligation, and what its route shares -----------------------------------------------


@dataclass(frozen=True)
class AdultRisk:
    person: Person
    grade: str
    score: int | None
    basis: str
    history: list[PastEvent]


@dataclass(frozen=True)
class Shared:
    """What the route shares with its recipient (empty parts are not shared)."""

    subject: Person
    incident_reference: str
    incident_occurred_at: dt.datetime | None
    shares_incident: bool = False  # the incident's town, summary and kinds of abuse
    incident_town: str = ""
    incident_summary: str = ""
    abuse_types: list[str] = field(default_factory=list)
    adults: list[tuple[str, Person]] = field(default_factory=list)
    risks: list[AdultRisk] = field(default_factory=list)
    siblings: list[Obligation] = field(default_factory=list)
    # What only some routes share, by route key, filled by the route's ``shares`` hook
    # (the obligation's own route's part is ``part``), and the further people the route
    # shows with it (logged with the read).
    route: str = ""
    parts: dict[str, Any] = field(default_factory=dict)
    records: list[Any] = field(default_factory=list)

    @property
    def part(self) -> Any:
        """The obligation's route's own part of what it shares, if any."""
        return self.parts.get(self.route)


@dataclass(frozen=True)
class ObligationDetail:
    obligation: Obligation
    shared: Shared
    deadlines: list[Deadline]
    redirections: list[Redirection]
    timeline: list[TimelineEvent]
    is_recipient: bool
    is_referrer: bool
    send_problems: list[str]
    triggered_by: list[Obligation]
    # The messages sent about it, with how each was delivered (the notify port's outbox).
    messages: list[OutboundMessage] = field(default_factory=list)

    @property
    def undeliverable_messages(self) -> list[OutboundMessage]:
        return [m for m in self.messages if m.status == OutboundMessage.Status.UNDELIVERABLE]


def _risks(incident: Incident, victims: list[Person]) -> list[AdultRisk]:
    completed = {
        a.victim_id: a
        for a in RiskAssessment.objects.filter(
            incident=incident, status=RiskAssessment.Status.COMPLETED
        ).order_by("completed_at", "id")
    }
    day = (incident.occurred_at or clock.now()).astimezone(clock.LONDON).date()
    risks = []
    for victim in victims:
        checklist = completed.get(victim.pk)
        risks.append(
            AdultRisk(
                person=victim,
                grade=checklist.get_grade_display() if checklist else "Not assessed",
                score=checklist.score if checklist else None,
                basis=(checklist.basis or "").replace("_", " ") if checklist else "",
                history=victim_history(victim=victim, before=day),
            )
        )
    return risks


def _shared(obligation: Obligation) -> Shared:
    incident = obligation.incident
    base = Shared(
        subject=obligation.subject,
        incident_reference=incident.police_reference or f"Hearth incident {incident.pk}",
        incident_occurred_at=incident.occurred_at,
        route=obligation.route,
    )
    declared = registry.get(obligation.route)
    return declared.shares(obligation, base) if declared.shares is not None else base


def obligation_get_for(
    *, actor: Actor, obligation_id: int, purpose: str = "View an obligation"
) -> ObligationDetail:
    import rules

    obligation = (
        Obligation.objects.visible_to(actor)
        .select_related("subject", "incident", "team", "referrer_team", "claimed_by")
        .filter(pk=obligation_id)
        .first()
    )
    if obligation is None:
        raise NotFound("No such obligation")
    shared = _shared(obligation)
    declared = registry.get(obligation.route)
    is_referrer = rules.test_rule("obligations.refer", actor, obligation)
    records: list = [obligation, obligation.subject, obligation.incident]
    records += [person for _, person in shared.adults]
    records += shared.records
    messages = messages_about(obligation)
    records += messages  # their recipients' addresses
    access_record(actor=actor, action=AccessAction.READ, purpose=purpose, records=records)
    return ObligationDetail(
        obligation=obligation,
        shared=shared,
        deadlines=list(obligation.deadlines.order_by("due_at", "id")),
        redirections=list(obligation.redirections.select_related("from_team", "to_team")),
        timeline=timeline_of(subject=obligation),
        is_recipient=rules.test_rule("obligations.act_on", actor, obligation),
        is_referrer=is_referrer,
        send_problems=declared.send_problems(obligation)
        if declared.send_problems is not None and obligation.status == policy.Status.CREATED
        else [],
        triggered_by=list(obligation.triggered_by.select_related("team")),
        messages=messages,
    )


def messages_about(obligation: Obligation) -> list[OutboundMessage]:
    """The messages sent about an obligation, oldest first: whoever may see the obligation
    sees whether its alerts reached their recipients (and which could not be delivered).
    The caller logs the read: recipients' addresses are personal data."""
    return list(
        OutboundMessage.objects.about(OBLIGATION_LABEL, obligation.pk).order_by("created_at", "id")
    )


def redirect_choices_for(*, obligation: Obligation) -> list[tuple[int, str]]:
    """Teams an obligation can be redirected to: the active teams doing the same work
    (another local authority's front door, say). Names only."""
    return list(
        Team.objects.filter(
            function=obligation.team.function, is_active=True, agency__is_active=True
        )
        .exclude(pk=obligation.team_id)
        .order_by("name")
        .values_list("pk", "name")
    )
