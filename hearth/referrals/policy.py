"""The referral routes' rules (pure: plain data in, plain data out): from a submitted
incident to each child's children's services notification (CCN-1), a high-risk adult
victim's MARAC and IDVA referrals (MARAC-REF-1, IDVA-1), and each child's follow-up when
the adult's support starts (FOLLOW-UP-1); the front door's decisions, the CIN assessment
factors and each route's outcomes.

Sources (../shared/docs/domain.md):
- §4.2 (Working Together to Safeguard Children 2023, England): within one working day of
  a referral a social worker acknowledges receipt to the referrer and decides the type of
  response; a child and family assessment takes at most 45 working days from the point
  of referral. §7.1: the CIN census referral source for the police is code ``6``; the
  factors identified at the end of an assessment are CIN codes (3A/3B/3C for domestic
  abuse). §4.3: Wales differs and its timescales were not retrieved, so Wales is a
  separate, configurable profile with England's figures as its default.
- §2.2–2.3: a MARAC referral carries the criteria met, safe contact details, whether the
  victim knows of the referral (and why not) and every child in the household; §10.1 W7:
  a MARAC referral with children is not sent until each child has a child concern
  notification linked to it.
- §2.4 and §10.3: high-risk adult victims are referred to an IDVA service.
- §10.4: a scheduled child follow-up is generated whenever an adult case (IDVA/MARAC)
  has related children; closing the adult case never closes the child's.

Every child route acts only for a child: someone under 18 on the day of the incident
(Children Act 1989 s.105; ``incidents.policy.is_child``), an age not known counting as a
child's. A child who harmed (the alleged perpetrator, under 18) is a child to safeguard:
their front door is told like any child's, with that reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from hearth.incidents.policy import is_child

# The ledger's lifecycle, stages, deadlines and plans, beneath these rules: the referral
# apps read both as ``referrals.policy``.
from hearth.obligations.policy import *  # noqa: F403
from hearth.obligations.policy import (
    ENGLAND,
    DaysSetting,
    Owner,
    PlannedDeadline,
    PlannedObligation,
    RoutingResult,
    Stage,
    Timescales,
    Unrouted,
    stage_deadline,
)

RULE_VERSION = "1"

# The referral routes' own deadline stage: a front door's child and family assessment.
ASSESSMENT_STAGE = "assessment"
STAGE_LABELS = {ASSESSMENT_STAGE: "Complete the assessment"}

# Their per-area timescales (the core keeps each area's values, and shows them on the
# area's settings page under each legend): domain.md §4.2 for a child concern
# notification's decision and assessment (Working Together 2023); §10 for the rest.
NOTIFICATIONS = "Child concern notifications"
ADULT_REFERRALS = "MARAC and IDVA referrals"
DECIDE_DAYS = DaysSetting(
    name="decision_working_days",
    label="Working days to decide on a child concern notification",
    hint=(
        "Working Together 2023: within 1 working day of receipt, the front door "
        "acknowledges it and decides the type of response"
    ),
    what="the working days to decide on a child concern notification",
    short="decide within",
    default=1,
    least=1,
    most=5,
    legend=NOTIFICATIONS,
)
ASSESSMENT_DAYS = DaysSetting(
    name="assessment_working_days",
    label="Working days for a child and family assessment",
    hint="Working Together 2023: at most 45 working days from the referral",
    what="the working days for a child and family assessment",
    short="assess within",
    default=45,
    least=10,
    most=65,
    legend=NOTIFICATIONS,
)
MARAC_SEND_DAYS = DaysSetting(
    name="marac_send_working_days",
    label="Working days for the referrer to send a MARAC referral",
    hint="Counted from when the incident was submitted. Default: 1",
    what="the working days to send a MARAC referral",
    short="send a MARAC referral within",
    default=1,
    least=1,
    most=10,
    legend=ADULT_REFERRALS,
)
MARAC_ACKNOWLEDGE_DAYS = DaysSetting(
    name="marac_acknowledge_working_days",
    label="Working days for the MARAC to acknowledge a referral",
    hint="Counted from receipt. Default: 1",
    what="the working days to acknowledge a MARAC referral",
    short="the MARAC acknowledges within",
    default=1,
    least=1,
    most=10,
    legend=ADULT_REFERRALS,
)
IDVA_ACKNOWLEDGE_DAYS = DaysSetting(
    name="idva_acknowledge_working_days",
    label="Working days for the IDVA service to acknowledge a referral",
    hint="Counted from receipt. Default: 1",
    what="the working days to acknowledge an IDVA referral",
    short="the IDVA service acknowledges within",
    default=1,
    least=1,
    most=10,
    legend=ADULT_REFERRALS,
)
FOLLOW_UP_DAYS = DaysSetting(
    name="follow_up_working_days",
    label="Working days to follow up each child",
    hint="Counted from when the adult victim's support starts. Default: 10",
    what="the working days to follow up each child",
    short="follow up each child within",
    default=10,
    least=1,
    most=30,
    legend=ADULT_REFERRALS,
)
SETTINGS = (
    DECIDE_DAYS,
    ASSESSMENT_DAYS,
    MARAC_SEND_DAYS,
    MARAC_ACKNOWLEDGE_DAYS,
    IDVA_ACKNOWLEDGE_DAYS,
    FOLLOW_UP_DAYS,
)


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
    age: int | None = None  # on the day of the incident: a child is under 18 (is_child)
    # The child is the alleged perpetrator (child-to-parent abuse): a child to safeguard.
    harmed: bool = False


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


HIGH_GRADE = 3  # hearth.risk.policy.Grade.HIGH (kept as a number: no import of risk here)


def route_incident(incident: IncidentIn, areas: Mapping[int, AreaRouting]) -> RoutingResult:
    """Every obligation a submitted incident creates, each with its reason and rule."""
    planned: list[PlannedObligation] = []
    unrouted: list[Unrouted] = []
    received = incident.received_at
    for child in incident.children:
        if not is_child(child.age):
            # Children Act 1989 s.105: 18 or over is not a child; intake refuses them.
            continue
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
                    (
                        "A child who harmed an adult at a domestic abuse incident (the alleged "
                        "perpetrator, under 18: child-to-parent abuse, for example) is a child "
                        f"to safeguard, living in {area.area_name}"
                        if child.harmed
                        else f"A child at a domestic abuse incident, living in {area.area_name}"
                    )
                    + ": their children's services front door is told (referral source "
                    f"{incident.referral_source})"
                ),
                send_now=True,
                deadlines=(
                    stage_deadline(
                        Stage.ACKNOWLEDGE,
                        received,
                        t.days(DECIDE_DAYS),
                        t,
                        Owner.RECIPIENT,
                        rule,
                        "receipt",
                    ),
                    stage_deadline(
                        Stage.DECIDE,
                        received,
                        t.days(DECIDE_DAYS),
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
                            stage_deadline(
                                Stage.SEND,
                                received,
                                t.days(MARAC_SEND_DAYS),
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
                            stage_deadline(
                                Stage.ACKNOWLEDGE,
                                received,
                                t.days(IDVA_ACKNOWLEDGE_DAYS),
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
    age: int | None = None  # on the day the support started: a child is under 18 (is_child)


# What may start an adult victim's support (``support_started``'s ``source``), in words for
# the follow-up's reason when the sender gives none.
SUPPORT_SOURCE_WORDS: Mapping[str, str] = {
    Route.IDVA_REFERRAL: "IDVA support acknowledged",
    Route.MARAC_REFERRAL: "MARAC referral acknowledged",
    "marac_action": "a MARAC action for the adult victim acknowledged",
    "family_plan_support": "support for the adult victim started on the family plan",
}
# The sources whose follow-ups keep the first key, one per child per incident: the IDVA
# and MARAC referrals of the same incident share it (the demo, the benchmark and the
# volume generator name it).
ADULT_REFERRAL_SOURCES = frozenset({Route.IDVA_REFERRAL, Route.MARAC_REFERRAL})


def follow_up_key(*, incident_id: int, child_id: int, source: str, source_ref: str) -> str:
    """A follow-up's key: ``FOLLOW-UP-1:incident:{i}:child:{c}`` for an IDVA or MARAC
    referral acknowledged, with ``:after:{source}:{source_ref}`` for any other support, so
    that the same support started twice plans the same key."""
    key = f"{ROUTE_RULES[Route.CHILD_FOLLOW_UP]}:incident:{incident_id}:child:{child_id}"
    if source in ADULT_REFERRAL_SOURCES:
        return key
    return f"{key}:after:{source}:{source_ref}"


def follow_ups_for_adult_support(
    *,
    victim_id: int,
    incident_id: int,
    acknowledged_at: dt.datetime,
    children: Sequence[FollowUpChild],
    support_route: Route | None = None,
    source: str = "",
    source_words: str = "",
    source_ref: str = "",
    open_child_ids: AbstractSet[int] = frozenset(),
) -> RoutingResult:
    """Rule FOLLOW-UP-1 (domain.md §10.4; issue 14 §4): whenever support for an adult
    victim starts (an IDVA or MARAC referral acknowledged, a MARAC action for them, a
    family plan's support for them, a housing or refuge placement, a specialist adult
    service), each related child under 18 gets a follow-up, "child seen and safety and
    support confirmed", owned by the child's lead agency and due ``FOLLOW_UP_DAYS`` working
    days from when the support started.

    - **Not twice for the same child**: a child in ``open_child_ids`` (a follow-up already
      open, for any incident and any source) gets none; a follow-up that has closed does
      not stop a new one for a later support.
    - A child with no lead agency known is unrouted, with the reason.
    - ``source`` is what started (an IDVA or MARAC referral's route, or the sender's own
      key; ``support_route`` is the older way of saying an IDVA or MARAC referral) and
      ``source_ref`` names that one support (its obligation, or the adult and the day):
      the keys are stable, so the same support started twice plans nothing new.

    Closing the adult's obligations never closes a child's follow-up."""
    source = source or str(support_route or Route.IDVA_REFERRAL)
    words = source_words or SUPPORT_SOURCE_WORDS.get(source, "support for the adult victim")
    rule = ROUTE_RULES[Route.CHILD_FOLLOW_UP]
    planned, unrouted = [], []
    seen: set[int] = set()
    for child in children:
        if child.person_id in seen or not is_child(child.age):
            continue
        seen.add(child.person_id)
        if child.person_id in open_child_ids:
            continue  # already being followed up
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
                key=follow_up_key(
                    incident_id=incident_id,
                    child_id=child.person_id,
                    source=source,
                    source_ref=source_ref,
                ),
                route=Route.CHILD_FOLLOW_UP,
                subject_id=child.person_id,
                team_id=child.lead_team_id,
                incident_id=incident_id,
                rule=rule,
                rule_version=RULE_VERSION,
                reason=(
                    f"The adult victim's support started: {words}. The child must be seen "
                    "and their safety and support confirmed too"
                ),
                send_now=True,
                deadlines=(
                    stage_deadline(
                        Stage.OUTCOME,
                        acknowledged_at,
                        t.days(FOLLOW_UP_DAYS),
                        t,
                        Owner.RECIPIENT,
                        rule,
                        "the adult's support starting",
                    ),
                ),
                data={"victim_id": victim_id, "support_route": source},
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


def assessment_deadline(*, referral_received_at: dt.datetime, t: Timescales) -> PlannedDeadline:
    """A child and family assessment: at most 45 working days from the point of referral
    (domain.md §4.2), whenever the assessment itself starts."""
    return stage_deadline(
        ASSESSMENT_STAGE,
        referral_received_at,
        t.days(ASSESSMENT_DAYS),
        t,
        Owner.RECIPIENT,
        "ASSESSMENT-1",
        "the referral",
    )
