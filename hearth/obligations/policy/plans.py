"""What a route's planner returns to the ledger core: the obligations it plans, and the
work it could not address to anyone (shown to the referrer, never dropped). Plain data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from hearth.obligations.policy.deadlines import PlannedDeadline


@dataclass(frozen=True)
class PlannedObligation:
    key: str  # unique in the ledger: the same incident routed again plans the same keys
    route: str  # a registered route's key (hearth.obligations.registry)
    subject_id: int
    team_id: int
    incident_id: int
    rule: str
    rule_version: str
    reason: str
    send_now: bool  # sent on creation, or waiting for the referrer to complete and send it
    deadlines: tuple[PlannedDeadline, ...]
    data: Mapping[str, object] = field(default_factory=dict)
    # Who refers: by default the agency that recorded the incident (and its team that
    # answers for referrals); a route whose referrals a practitioner makes (a referral
    # to a specialist service, say) names the practitioner's agency and team.
    referrer_agency_id: int | None = None
    referrer_team_id: int | None = None


@dataclass(frozen=True)
class Unrouted:
    """Work the policy could not address to a team: shown to the referrer, never dropped."""

    route: str  # a registered route's key (hearth.obligations.registry)
    subject_id: int
    reason: str


@dataclass(frozen=True)
class RoutingResult:
    planned: tuple[PlannedObligation, ...]
    unrouted: tuple[Unrouted, ...]
