"""Pure rules of the obligation ledger: the lifecycle, the routing policy, and the
escalation ladder. No ORM here: plain data in, plain data out, so that every rule can be
tested exhaustively and explained to the person who sees its result ("why does this
obligation exist? rule CCN-1 v1: ...").

An obligation is a duty owed to one child (or one adult victim) by one team: what must
happen, by when, under which rule and version, and what did happen
(../shared/docs/architecture.md §2). Invariants:

- a status changes only by an action in ``TRANSITIONS``; anything else is refused;
- nothing closes without an outcome; closing an adult's obligation never closes a
  child's (each child's follow-up is its own obligation);
- routing the same incident twice plans the same obligations with the same keys, so the
  ledger (which keeps one row per key) creates nothing twice;
- every planned obligation carries its rule, rule version, reason in words, and due
  times computed by ``hearth.core.calendar`` and stamped with its version.

Sources (../shared/docs/domain.md):
- §4.2 (Working Together to Safeguard Children 2023, England): within one working day of
  a referral a social worker acknowledges receipt to the referrer and decides the type of
  response; a child and family assessment takes at most 45 working days from the point
  of referral. §7.1: the CIN census referral source for the police is code ``6``; the
  factors identified at the end of an assessment are CIN codes (3A/3B/3C for domestic
  abuse). §4.3: Wales differs (Social Services and Well-being (Wales) Act 2014, Wales
  Safeguarding Procedures) and its timescales were not retrieved, so Wales is a separate,
  configurable profile with England's figures as its default.
- §2.2–2.3: a MARAC referral carries the criteria met, safe contact details, whether the
  victim knows of the referral (and why not) and every child in the household; §10.1 W7:
  "every Marac case with children must create/confirm a child safeguarding link" — a
  MARAC referral with children is not sent until each child has a child concern
  notification linked to it.
- §2.4 and §10.3: high-risk adult victims are referred to an IDVA service.
- §10.4: "a scheduled child follow-up task is generated whenever an adult case
  (IDVA/Marac/...) has related children; closure of the adult case cannot silently close
  the child's task".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from hearth.core import calendar, clock
from hearth.core.errors import InvalidTransition

RULE_VERSION = "1"


class Route(StrEnum):
    CHILD_CONCERN = "child_concern_notification"
    MARAC_REFERRAL = "marac_referral"
    IDVA_REFERRAL = "idva_referral"
    CHILD_FOLLOW_UP = "child_follow_up"


ROUTE_LABELS = {
    Route.CHILD_CONCERN: "Child concern notification",
    Route.MARAC_REFERRAL: "MARAC referral",
    Route.IDVA_REFERRAL: "IDVA referral",
    Route.CHILD_FOLLOW_UP: "Child follow-up",
}

# The rule that creates each route's obligations (shown to users with the version).
ROUTE_RULES = {
    Route.CHILD_CONCERN: "CCN-1",
    Route.MARAC_REFERRAL: "MARAC-REF-1",
    Route.IDVA_REFERRAL: "IDVA-1",
    Route.CHILD_FOLLOW_UP: "FOLLOW-UP-1",
}

# Routes whose subject is a child (the others are owed to an adult victim).
CHILD_ROUTES = frozenset({Route.CHILD_CONCERN, Route.CHILD_FOLLOW_UP})


# --- The lifecycle --------------------------------------------------------------------------


class Status(StrEnum):
    CREATED = "created"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    OUTCOME_RECORDED = "outcome_recorded"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


STATUS_LABELS = {
    Status.CREATED: "Ready to send",
    Status.SENT: "Sent",
    Status.ACKNOWLEDGED: "Acknowledged",
    Status.OUTCOME_RECORDED: "Outcome recorded",
    Status.CLOSED: "Closed",
    Status.WITHDRAWN: "Withdrawn",
}

ENDED = frozenset({Status.CLOSED, Status.WITHDRAWN})


class Action(StrEnum):
    SEND = "send"
    ACKNOWLEDGE = "acknowledge"
    REDIRECT = "redirect"
    RECORD_OUTCOME = "record_outcome"
    CLOSE = "close"
    WITHDRAW = "withdraw"


_OPEN = (Status.CREATED, Status.SENT, Status.ACKNOWLEDGED, Status.OUTCOME_RECORDED)

# (from, action) -> to. Redirecting keeps the obligation's history and clock: it is sent
# again, to the new team, which must acknowledge it.
TRANSITIONS: Mapping[tuple[Status, Action], Status] = {
    (Status.CREATED, Action.SEND): Status.SENT,
    (Status.SENT, Action.ACKNOWLEDGE): Status.ACKNOWLEDGED,
    (Status.SENT, Action.REDIRECT): Status.SENT,
    (Status.ACKNOWLEDGED, Action.REDIRECT): Status.SENT,
    (Status.ACKNOWLEDGED, Action.RECORD_OUTCOME): Status.OUTCOME_RECORDED,
    (Status.OUTCOME_RECORDED, Action.RECORD_OUTCOME): Status.OUTCOME_RECORDED,
    (Status.OUTCOME_RECORDED, Action.CLOSE): Status.CLOSED,
    **{(status, Action.WITHDRAW): Status.WITHDRAWN for status in _OPEN},
}


def next_status(status: str, action: str) -> Status:
    """The status after ``action``, or ``InvalidTransition`` in plain words."""
    try:
        return TRANSITIONS[(Status(status), Action(action))]
    except KeyError:
        raise InvalidTransition(
            f"An obligation that is {STATUS_LABELS[Status(status)].lower()} cannot be "
            f"{_ACTION_WORDS[Action(action)]}"
        ) from None


_ACTION_WORDS = {
    Action.SEND: "sent",
    Action.ACKNOWLEDGE: "acknowledged",
    Action.REDIRECT: "redirected",
    Action.RECORD_OUTCOME: "given an outcome",
    Action.CLOSE: "closed",
    Action.WITHDRAW: "withdrawn",
}


# --- Outcomes ----------------------------------------------------------------------------


class Decision(StrEnum):
    """The front door's decision on a child concern notification (domain.md §4.2, §10.1 W5)."""

    NO_FURTHER_ACTION = "no_further_action"
    INFORMATION_AND_ADVICE = "information_and_advice"
    EARLY_HELP = "early_help"
    CHILD_IN_NEED_ASSESSMENT = "child_in_need_assessment"
    STRATEGY_DISCUSSION = "strategy_discussion"
    IMMEDIATE_PROTECTION = "immediate_protection"


DECISION_LABELS = {
    Decision.NO_FURTHER_ACTION: "No further action",
    Decision.INFORMATION_AND_ADVICE: "Information and advice",
    Decision.EARLY_HELP: "Early help",
    Decision.CHILD_IN_NEED_ASSESSMENT: "Child and family assessment (child in need, s.17)",
    Decision.STRATEGY_DISCUSSION: "Strategy discussion and s.47 enquiry",
    Decision.IMMEDIATE_PROTECTION: "Immediate protection",
}

# Decisions that start a child and family assessment, with its own 45-working-day clock.
# Immediate protection is followed by a strategy discussion and s.47 enquiries (§4.2).
ASSESSMENT_DECISIONS = frozenset(
    {
        Decision.CHILD_IN_NEED_ASSESSMENT,
        Decision.STRATEGY_DISCUSSION,
        Decision.IMMEDIATE_PROTECTION,
    }
)
# Decisions after which the front door's part ends with the decision itself.
CLOSING_DECISIONS = frozenset(
    {Decision.NO_FURTHER_ACTION, Decision.INFORMATION_AND_ADVICE, Decision.EARLY_HELP}
)

# CIN census "factors identified at the end of assessment" (domain.md §7.1; DfE code list).
ASSESSMENT_FACTORS: Mapping[str, str] = {
    "1A": "Alcohol misuse: the child",
    "1B": "Alcohol misuse: a parent or carer",
    "1C": "Alcohol misuse: another person in the household",
    "2A": "Drug misuse: the child",
    "2B": "Drug misuse: a parent or carer",
    "2C": "Drug misuse: another person in the household",
    "3A": "Domestic abuse: the child is the subject",
    "3B": "Domestic abuse: a parent or carer is the subject",
    "3C": "Domestic abuse: another person in the household is the subject",
    "4A": "Mental health: the child",
    "4B": "Mental health: a parent or carer",
    "4C": "Mental health: another person in the household",
    "5A": "Learning disability: the child",
    "5B": "Learning disability: a parent or carer",
    "5C": "Learning disability: another person in the household",
    "6A": "Physical disability or illness: the child",
    "6B": "Physical disability or illness: a parent or carer",
    "6C": "Physical disability or illness: another person in the household",
    "7A": "Young carer",
    "8B": "Privately fostered: overseas child intending to return",
    "8C": "Privately fostered: overseas child intending to stay",
    "8D": "Privately fostered: UK child in education or training",
    "8E": "Privately fostered: UK child, parents cannot care",
    "8F": "Privately fostered: other",
    "9A": "Unaccompanied asylum-seeking child",
    "10A": "Going or being missing",
    "11A": "Child sexual exploitation",
    "12A": "Trafficking",
    "13A": "Gangs",
    "14A": "Socially unacceptable behaviour",
    "15A": "Self-harm",
    "16A": "Neglect",
    "17A": "Emotional abuse",
    "18B": "Physical abuse: child on child",
    "18C": "Physical abuse: adult on child",
    "19B": "Sexual abuse: child on child",
    "19C": "Sexual abuse: adult on child",
    "20": "Other",
    "21": "No factors identified",
    "22A": "Female genital mutilation",
    "23A": "Abuse linked to faith or belief",
    "24A": "Child criminal exploitation",
}


def assessment_factor_problems(codes: Sequence[str]) -> list[str]:
    """What is wrong with a set of factors (CIN census rules: known codes; ``21`` "no
    factors identified" must be the only code)."""
    problems = [
        f"{code} is not a CIN assessment factor code"
        for code in codes
        if code not in ASSESSMENT_FACTORS
    ]
    if not codes:
        problems.append("Choose the factors identified at the end of the assessment")
    elif "21" in codes and len(codes) > 1:
        problems.append("'No factors identified' cannot be chosen with other factors")
    return problems


class IdvaOutcome(StrEnum):
    ENGAGED = "engaged"
    DECLINED = "declined"
    UNABLE_TO_CONTACT = "unable_to_contact"


IDVA_OUTCOME_LABELS = {
    IdvaOutcome.ENGAGED: "The victim is being supported",
    IdvaOutcome.DECLINED: "The victim declined support",
    IdvaOutcome.UNABLE_TO_CONTACT: "Could not contact the victim safely",
}


class MaracOutcome(StrEnum):
    HEARD = "heard"
    NOT_ACCEPTED = "not_accepted"
    TRANSFERRED = "transferred"


MARAC_OUTCOME_LABELS = {
    MaracOutcome.HEARD: "Heard at MARAC, with an action plan",
    MaracOutcome.NOT_ACCEPTED: "Not accepted: does not meet the criteria",
    MaracOutcome.TRANSFERRED: "Transferred to another MARAC",
}


class FollowUpOutcome(StrEnum):
    SAFE_AND_SUPPORTED = "safe_and_supported"
    REFERRED_ON = "referred_on"


FOLLOW_UP_OUTCOME_LABELS = {
    FollowUpOutcome.SAFE_AND_SUPPORTED: "Child seen: safety and support confirmed",
    FollowUpOutcome.REFERRED_ON: "Child seen: concerns, referred on for help",
}

OUTCOMES: Mapping[Route, Mapping[Any, str]] = {
    Route.CHILD_CONCERN: DECISION_LABELS,
    Route.IDVA_REFERRAL: IDVA_OUTCOME_LABELS,
    Route.MARAC_REFERRAL: MARAC_OUTCOME_LABELS,
    Route.CHILD_FOLLOW_UP: FOLLOW_UP_OUTCOME_LABELS,
}


def outcome_label(route: str, outcome: str) -> str:
    return OUTCOMES[Route(route)].get(outcome, outcome)


def closes_with_outcome(route: str, outcome: str) -> bool:
    """Whether recording ``outcome`` ends the obligation at once. A front-door decision to
    assess keeps it open until the assessment is complete; everything else closes."""
    if Route(route) == Route.CHILD_CONCERN:
        return Decision(outcome) in CLOSING_DECISIONS
    return True


# --- Stages and deadlines ------------------------------------------------------------------


class Stage(StrEnum):
    SEND = "send"  # the referrer completes and sends (a MARAC referral)
    ACKNOWLEDGE = "acknowledge"
    DECIDE = "decide"
    ASSESSMENT = "assessment"
    OUTCOME = "outcome"


STAGE_LABELS = {
    Stage.SEND: "Send the referral",
    Stage.ACKNOWLEDGE: "Acknowledge",
    Stage.DECIDE: "Decide",
    Stage.ASSESSMENT: "Complete the assessment",
    Stage.OUTCOME: "Record the outcome",
}

# Which action meets a stage's deadline.
STAGE_MET_BY: Mapping[Stage, Action] = {
    Stage.SEND: Action.SEND,
    Stage.ACKNOWLEDGE: Action.ACKNOWLEDGE,
    Stage.DECIDE: Action.RECORD_OUTCOME,
    Stage.OUTCOME: Action.RECORD_OUTCOME,
}


class Owner(StrEnum):
    RECIPIENT = "recipient"  # the team the obligation is addressed to
    REFERRER = "referrer"  # the team that made the referral


@dataclass(frozen=True)
class Timescales:
    """One jurisdiction's timescales, in working days, as an area configures them."""

    jurisdiction: str = calendar.Jurisdiction.ENGLAND
    decision_working_days: int = 1
    assessment_working_days: int = 45
    marac_send_working_days: int = 1
    marac_acknowledge_working_days: int = 1
    idva_acknowledge_working_days: int = 1
    follow_up_working_days: int = 10

    @property
    def source(self) -> str:
        if self.jurisdiction == calendar.Jurisdiction.WALES:
            return "Wales Safeguarding Procedures (local profile)"
        return "Working Together to Safeguard Children 2023"


ENGLAND = Timescales()
# Wales's own timescales were not retrieved (domain.md §4.3): England's figures are the
# default of a separate profile that a Welsh area sets for itself.
WALES = Timescales(jurisdiction=calendar.Jurisdiction.WALES)


@dataclass(frozen=True)
class PlannedDeadline:
    stage: Stage
    due_at: dt.datetime
    owner: Owner
    rule: str
    rule_version: str
    basis: str  # in words: "1 working day from receipt (Working Together 2023)"


def _deadline(
    stage: Stage, start: dt.datetime, days: int, t: Timescales, owner: Owner, rule: str, what: str
) -> PlannedDeadline:
    return PlannedDeadline(
        stage=stage,
        due_at=calendar.working_day_deadline(start, days, t.jurisdiction),
        owner=owner,
        rule=rule,
        rule_version=f"{RULE_VERSION}/{calendar.CALENDAR_VERSION}",
        basis=f"{days} working day{'s' if days != 1 else ''} from {what} ({t.source})",
    )


def assessment_deadline(*, referral_received_at: dt.datetime, t: Timescales) -> PlannedDeadline:
    """A child and family assessment: at most 45 working days from the point of referral
    (domain.md §4.2), whenever the assessment itself starts."""
    return _deadline(
        Stage.ASSESSMENT,
        referral_received_at,
        t.assessment_working_days,
        t,
        Owner.RECIPIENT,
        "ASSESSMENT-1",
        "the referral",
    )


# --- Routing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaRouting:
    """Where a local authority area's work goes, and its timescales."""

    area_id: int
    area_name: str
    front_door_team_id: int | None
    marac_team_id: int | None
    idva_team_id: int | None
    timescales: Timescales = ENGLAND


@dataclass(frozen=True)
class ChildIn:
    person_id: int
    area_id: int | None  # the local authority the child lives in


@dataclass(frozen=True)
class VictimIn:
    person_id: int
    area_id: int | None
    grade: int | None  # hearth.risk.policy.Grade of the latest completed assessment
    marac_met: tuple[str, ...] = ()  # the MARAC criteria met, by key
    marac_basis: tuple[str, ...] = ()  # each met criterion's basis in words
    household_child_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class IncidentIn:
    incident_id: int
    received_at: dt.datetime  # when the incident was submitted: receipt by every route
    referral_source: str  # CIN census code: "6" for the police
    children: tuple[ChildIn, ...]
    victims: tuple[VictimIn, ...]


@dataclass(frozen=True)
class PlannedObligation:
    key: str  # unique in the ledger: the same incident routed again plans the same keys
    route: Route
    subject_id: int
    team_id: int
    incident_id: int
    rule: str
    rule_version: str
    reason: str
    send_now: bool  # sent on creation, or waiting for the referrer to complete and send it
    deadlines: tuple[PlannedDeadline, ...]
    data: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Unrouted:
    """Work the policy could not address to a team: shown to the referrer, never dropped."""

    route: Route
    subject_id: int
    reason: str


@dataclass(frozen=True)
class RoutingResult:
    planned: tuple[PlannedObligation, ...]
    unrouted: tuple[Unrouted, ...]


HIGH_GRADE = 3  # hearth.risk.policy.Grade.HIGH (kept as a number: no import of risk here)


def route_incident(incident: IncidentIn, areas: Mapping[int, AreaRouting]) -> RoutingResult:
    """Every obligation a submitted incident creates, each with its reason and rule."""
    planned: list[PlannedObligation] = []
    unrouted: list[Unrouted] = []
    received = incident.received_at
    for child in incident.children:
        rule = ROUTE_RULES[Route.CHILD_CONCERN]
        area = areas.get(child.area_id) if child.area_id is not None else None
        if area is None or area.front_door_team_id is None:
            unrouted.append(
                Unrouted(
                    Route.CHILD_CONCERN,
                    child.person_id,
                    "No children's services front door is known for where this child lives: "
                    "record the child's address or the incident's local authority",
                )
            )
            continue
        t = area.timescales
        planned.append(
            PlannedObligation(
                key=f"{rule}:incident:{incident.incident_id}:child:{child.person_id}",
                route=Route.CHILD_CONCERN,
                subject_id=child.person_id,
                team_id=area.front_door_team_id,
                incident_id=incident.incident_id,
                rule=rule,
                rule_version=RULE_VERSION,
                reason=(
                    f"A child at a domestic abuse incident, living in {area.area_name}: "
                    f"their children's services front door is told (referral source "
                    f"{incident.referral_source})"
                ),
                send_now=True,
                deadlines=(
                    _deadline(
                        Stage.ACKNOWLEDGE,
                        received,
                        t.decision_working_days,
                        t,
                        Owner.RECIPIENT,
                        rule,
                        "receipt",
                    ),
                    _deadline(
                        Stage.DECIDE,
                        received,
                        t.decision_working_days,
                        t,
                        Owner.RECIPIENT,
                        rule,
                        "receipt",
                    ),
                ),
                data={"referral_source": incident.referral_source},
            )
        )
    for victim in incident.victims:
        area = areas.get(victim.area_id) if victim.area_id is not None else None
        if victim.marac_met:
            rule = ROUTE_RULES[Route.MARAC_REFERRAL]
            if area is None or area.marac_team_id is None:
                unrouted.append(
                    Unrouted(
                        Route.MARAC_REFERRAL,
                        victim.person_id,
                        "The MARAC criteria are met but no MARAC is known for the victim's area",
                    )
                )
            else:
                t = area.timescales
                planned.append(
                    PlannedObligation(
                        key=f"{rule}:incident:{incident.incident_id}:victim:{victim.person_id}",
                        route=Route.MARAC_REFERRAL,
                        subject_id=victim.person_id,
                        team_id=area.marac_team_id,
                        incident_id=incident.incident_id,
                        rule=rule,
                        rule_version=RULE_VERSION,
                        reason="MARAC criteria met: " + "; ".join(victim.marac_basis),
                        send_now=False,
                        deadlines=(
                            _deadline(
                                Stage.SEND,
                                received,
                                t.marac_send_working_days,
                                t,
                                Owner.REFERRER,
                                rule,
                                "the incident",
                            ),
                        ),
                        data={
                            "criteria": list(victim.marac_met),
                            "basis": list(victim.marac_basis),
                            "children": list(victim.household_child_ids),
                        },
                    )
                )
        if victim.grade == HIGH_GRADE:
            rule = ROUTE_RULES[Route.IDVA_REFERRAL]
            if area is None or area.idva_team_id is None:
                unrouted.append(
                    Unrouted(
                        Route.IDVA_REFERRAL,
                        victim.person_id,
                        "The victim is at high risk but no IDVA service is known for their area",
                    )
                )
            else:
                t = area.timescales
                planned.append(
                    PlannedObligation(
                        key=f"{rule}:incident:{incident.incident_id}:victim:{victim.person_id}",
                        route=Route.IDVA_REFERRAL,
                        subject_id=victim.person_id,
                        team_id=area.idva_team_id,
                        incident_id=incident.incident_id,
                        rule=rule,
                        rule_version=RULE_VERSION,
                        reason="The adult victim is at high risk: an IDVA service is asked to "
                        "support them",
                        send_now=True,
                        deadlines=(
                            _deadline(
                                Stage.ACKNOWLEDGE,
                                received,
                                t.idva_acknowledge_working_days,
                                t,
                                Owner.RECIPIENT,
                                rule,
                                "receipt",
                            ),
                        ),
                    )
                )
    return RoutingResult(tuple(planned), tuple(unrouted))


@dataclass(frozen=True)
class FollowUpChild:
    person_id: int
    lead_team_id: int | None  # the child's lead agency's team: the front door by default
    timescales: Timescales = ENGLAND


def follow_ups_for_adult_support(
    *,
    victim_id: int,
    incident_id: int,
    support_route: Route,
    acknowledged_at: dt.datetime,
    children: Sequence[FollowUpChild],
) -> RoutingResult:
    """When an adult victim starts being supported (their IDVA or MARAC referral is
    acknowledged), each related child gets a follow-up: "child seen and safety and support
    confirmed", owned by the child's lead agency. One per child per incident, whichever
    adult route started it (the keys say so); closing the adult's obligations never
    closes it."""
    rule = ROUTE_RULES[Route.CHILD_FOLLOW_UP]
    planned, unrouted = [], []
    for child in children:
        if child.lead_team_id is None:
            unrouted.append(
                Unrouted(
                    Route.CHILD_FOLLOW_UP,
                    child.person_id,
                    "No lead agency is known for this child's follow-up",
                )
            )
            continue
        t = child.timescales
        planned.append(
            PlannedObligation(
                key=f"{rule}:incident:{incident_id}:child:{child.person_id}",
                route=Route.CHILD_FOLLOW_UP,
                subject_id=child.person_id,
                team_id=child.lead_team_id,
                incident_id=incident_id,
                rule=rule,
                rule_version=RULE_VERSION,
                reason=(
                    f"The adult victim is being supported ({ROUTE_LABELS[support_route]} "
                    "acknowledged): the child must be seen and their safety and support "
                    "confirmed too"
                ),
                send_now=True,
                deadlines=(
                    _deadline(
                        Stage.OUTCOME,
                        acknowledged_at,
                        t.follow_up_working_days,
                        t,
                        Owner.RECIPIENT,
                        rule,
                        "the adult's support starting",
                    ),
                ),
                data={"victim_id": victim_id, "support_route": str(support_route)},
            )
        )
    return RoutingResult(tuple(planned), tuple(unrouted))


def marac_send_problems(
    *,
    child_ids: Sequence[int],
    linked: Mapping[int, int | None],
    victim_aware: bool | None,
    not_aware_reason: str,
) -> list[str]:
    """Why a MARAC referral cannot be sent yet: every child in the household needs a child
    concern notification linked to it, and the referrer must say whether the victim knows
    of the referral (and why not)."""
    problems = []
    missing = [c for c in child_ids if linked.get(c) is None]
    if missing:
        problems.append(
            f"{len(missing)} child{'ren' if len(missing) != 1 else ''} in the household "
            f"{'have' if len(missing) != 1 else 'has'} no child concern notification linked "
            "to this referral"
        )
    if victim_aware is None:
        problems.append("Say whether the victim knows about this referral")
    elif victim_aware is False and not not_aware_reason.strip():
        problems.append("Say why the victim does not know about this referral")
    return problems


# --- The escalation ladder ---------------------------------------------------------------


class Step(StrEnum):
    """What the sweeper does to a missed deadline, in order, each exactly once."""

    OVERDUE = "overdue"
    REMINDER = "reminder"
    MANAGER = "manager"
    ESCALATION_TEAM = "escalation_team"


STEP_LABELS = {
    Step.OVERDUE: "Marked overdue",
    Step.REMINDER: "Reminder sent to the team",
    Step.MANAGER: "Escalated to the team's manager",
    Step.ESCALATION_TEAM: "Escalated to the escalation team",
}


@dataclass(frozen=True)
class Ladder:
    """When each step falls due after a missed deadline: the team is reminded at once; the
    team's manager hears at the start of the next working day (``manager_after`` working
    days later, at ``working_day_starts``); the named escalation team a working day after
    that."""

    reminder_after: dt.timedelta = dt.timedelta(0)
    manager_after_working_days: int = 1
    team_after_working_days: int = 2
    working_day_starts: dt.time = dt.time(9, 0)


LADDER = Ladder()


def step_due_at(
    step: Step,
    due_at: dt.datetime,
    ladder: Ladder = LADDER,
    jurisdiction: str = calendar.Jurisdiction.ENGLAND,
) -> dt.datetime:
    if step == Step.OVERDUE:
        return due_at
    if step == Step.REMINDER:
        return due_at + ladder.reminder_after
    days = (
        ladder.manager_after_working_days
        if step == Step.MANAGER
        else ladder.team_after_working_days
    )
    day = calendar.add_working_days(calendar.local_date(due_at), days, jurisdiction)
    return dt.datetime.combine(day, ladder.working_day_starts, tzinfo=clock.LONDON)


def steps_due(
    *,
    due_at: dt.datetime,
    now: dt.datetime,
    done: frozenset[Step],
    ladder: Ladder = LADDER,
    jurisdiction: str = calendar.Jurisdiction.ENGLAND,
) -> list[Step]:
    """The steps that have fallen due by ``now`` and are not yet done, in ladder order."""
    return [
        step
        for step in Step
        if step not in done and step_due_at(step, due_at, ladder, jurisdiction) <= now
    ]


def time_left_words(due_at: dt.datetime, now: dt.datetime) -> str:
    """The time left (or overdue) in plain words, for inboxes."""
    delta = due_at - now
    late = delta.total_seconds() < 0
    seconds = abs(int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours = rest // 3600
    minutes = (rest % 3600) // 60
    if days:
        amount = f"{days} day{'s' if days != 1 else ''}" + (
            f" {hours} hour{'s' if hours != 1 else ''}" if hours else ""
        )
    elif hours:
        amount = f"{hours} hour{'s' if hours != 1 else ''}"
    else:
        amount = f"{max(minutes, 1)} minute{'s' if minutes != 1 else ''}"
    return f"Overdue by {amount}" if late else f"{amount} left"
