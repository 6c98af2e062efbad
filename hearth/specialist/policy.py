"""The specialist support routes' rules (pure: plain data in, plain data out).

- **SPECIALIST-1 v1** (``offer_plan``): a child recorded as a victim of domestic abuse in
  their own right (Domestic Abuse Act 2021 s.3, domain.md §5.3; decided by
  ``incidents.policy.child_victim_status``) is owed an offer of specialist support by
  their lead agency: the children's services front door of the local authority they
  live in, unless the area names another lead team. It is due within ``N`` working days
  (default 10) of the front door's decision on the child concern notification. Planned
  before that decision (as it usually is: both are planned when the incident is
  submitted), it is counted from the decision's own due time, marked estimated, and
  counted again from the decision when the decision is made (``offer_deadline``). Its
  outcomes: referred to a service, or not needed now (with a reason), either of which
  closes it.
- **SPECIALIST-REF-1 v1**: a referral to a service is an obligation to the service's
  team, acknowledged within 2 working days; then accepted (a start date, or a place on
  the waiting list with an expected start) or declined with a reason; started, sessions,
  and an outcome (domain.md §11.2: Hearth records what DfE's "Connect families to
  support" does not: deadlines, outcomes, the child, history and unmet need).
- **SERVICE-FIT-1 v1** (``service_fit``): whether a service fits a child: it covers the
  local authority they live in, their age is within its ages (both bounds inclusive,
  a bound not given is no bound), and it is open to referrals. A full service still
  takes a referral onto its waiting list; a waiting time over the area's threshold is
  said plainly.
- **UNMET-NEED-1 v1** (``unmet_reason``): unmet need is recorded whenever a child who
  should get specialist support does not (issue 13 §3; domain.md §11.1: no statutory
  return counts it): no service covers their area and age; every fitting service is
  closed or full; every open service with places waits longer than the area's threshold
  (default 6 weeks); a service declined for lack of capacity; nobody offered support in
  time (the SPECIALIST-1 deadline passed).
- Aggregates (``age_band``, ``suppress``): DfE's children in need age groups (under 1,
  1 to 4, 5 to 9, 10 to 15, 16 and over: 16 to 17 here) and DfE's disclosure control,
  counts of 1 to 5 shown as ``c`` (domain.md §11.4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from hearth.core import calendar
from hearth.obligations.policy import (
    Owner,
    PlannedDeadline,
    PlannedObligation,
    RoutingResult,
    Stage,
    Unrouted,
)

RULE_VERSION = "1"
OFFER_RULE = "SPECIALIST-1"
REFERRAL_RULE = "SPECIALIST-REF-1"
FIT_RULE = "SERVICE-FIT-1"
UNMET_RULE = "UNMET-NEED-1"

OFFER_ROUTE = "specialist_offer"
REFERRAL_ROUTE = "specialist_referral"

DEFAULT_OFFER_WORKING_DAYS = 10
DEFAULT_ACKNOWLEDGE_WORKING_DAYS = 2
DEFAULT_WAITING_THRESHOLD_WEEKS = 6
CHILD_AGE_LIMIT = 18  # Children Act 1989 s.105(1), as incidents.policy


# --- Settings of an area --------------------------------------------------------------


@dataclass(frozen=True)
class AreaSpecialist:
    """A local authority area's lead team for specialist support and its timescales."""

    area_id: int
    area_name: str
    lead_team_id: int | None  # the area's override, else its front door
    offer_working_days: int = DEFAULT_OFFER_WORKING_DAYS
    acknowledge_working_days: int = DEFAULT_ACKNOWLEDGE_WORKING_DAYS
    waiting_threshold_weeks: int = DEFAULT_WAITING_THRESHOLD_WEEKS
    jurisdiction: str = calendar.Jurisdiction.ENGLAND


# --- SPECIALIST-1: offer specialist support ----------------------------------------------


class OfferOutcome(StrEnum):
    REFERRED = "referred"
    NOT_NEEDED = "not_needed"


OFFER_OUTCOME_LABELS = {
    OfferOutcome.REFERRED: "Referred to a specialist service",
    OfferOutcome.NOT_NEEDED: "Specialist support not needed now",
}


@dataclass(frozen=True)
class ChildVictimIn:
    person_id: int
    area_id: int | None  # the local authority the child lives in
    age: int | None
    s3_victim: bool  # incidents.policy.child_victim_status met
    # When the front door decided on this child's notification from this incident, and
    # when that decision is (or was) due; both None when there is no notification.
    decided_at: dt.datetime | None = None
    decision_due_at: dt.datetime | None = None
    # An offer of specialist support is already open for the child, or support is
    # already under way (a referral not ended): nothing new is planned.
    already_offered: bool = False


@dataclass(frozen=True)
class OfferIn:
    incident_id: int
    received_at: dt.datetime
    children: tuple[ChildVictimIn, ...]
    areas: tuple[AreaSpecialist, ...]


def offer_key(incident_id: int, person_id: int) -> str:
    return f"{OFFER_RULE}:incident:{incident_id}:child:{person_id}"


def offer_deadline(
    *,
    decided_at: dt.datetime | None,
    decision_due_at: dt.datetime | None,
    received_at: dt.datetime,
    area: AreaSpecialist,
) -> PlannedDeadline:
    """The offer's due time: ``N`` working days from the front door's decision. Before
    the decision it is counted from when the decision is due (else from receipt),
    marked estimated, and counted again when the decision is made."""
    days = area.offer_working_days
    words = f"{days} working day{'s' if days != 1 else ''}"
    if decided_at is not None:
        start, basis, estimated = decided_at, f"{words} from the front door's decision", False
    else:
        start = decision_due_at or received_at
        basis = (
            f"{words} from the front door's decision (not made yet: counted from when it "
            "is due until it is made)"
        )
        estimated = True
    return PlannedDeadline(
        stage=Stage.OUTCOME,
        due_at=calendar.working_day_deadline(start, days, area.jurisdiction),
        owner=Owner.RECIPIENT,
        rule=OFFER_RULE,
        rule_version=f"{RULE_VERSION}/{calendar.CALENDAR_VERSION}",
        basis=basis,
        estimated=estimated,
    )


def offer_plan(read: OfferIn) -> RoutingResult:
    """SPECIALIST-1 v1: an offer of specialist support for each child victim (s.3)."""
    areas = {a.area_id: a for a in read.areas}
    planned: list[PlannedObligation] = []
    unrouted: list[Unrouted] = []
    for child in read.children:
        if not child.s3_victim or child.already_offered:
            continue
        if child.age is not None and child.age >= CHILD_AGE_LIMIT:
            continue
        area = areas.get(child.area_id) if child.area_id is not None else None
        if area is None or area.lead_team_id is None:
            unrouted.append(
                Unrouted(
                    OFFER_ROUTE,
                    child.person_id,
                    "No lead agency is known for where this child lives, so nobody has been "
                    "asked to offer specialist support: record the child's address, or name "
                    "the area's front door or lead team",
                )
            )
            continue
        planned.append(
            PlannedObligation(
                key=offer_key(read.incident_id, child.person_id),
                route=OFFER_ROUTE,
                subject_id=child.person_id,
                team_id=area.lead_team_id,
                incident_id=read.incident_id,
                rule=OFFER_RULE,
                rule_version=RULE_VERSION,
                reason=(
                    "A child who is a victim of domestic abuse in their own right (Domestic "
                    f"Abuse Act 2021 s.3), living in {area.area_name}: their lead agency "
                    "offers specialist support"
                ),
                send_now=True,
                deadlines=(
                    offer_deadline(
                        decided_at=child.decided_at,
                        decision_due_at=child.decision_due_at,
                        received_at=read.received_at,
                        area=area,
                    ),
                ),
                data={"area_id": area.area_id},
            )
        )
    return RoutingResult(tuple(planned), tuple(unrouted))


# --- SPECIALIST-REF-1: a referral to a service ---------------------------------------------


class DeclineReason(StrEnum):
    NOT_ELIGIBLE = "not_eligible"
    NO_CAPACITY = "no_capacity"
    FAMILY_DECLINED = "family_declined"
    OTHER = "other"


DECLINE_REASON_LABELS = {
    DeclineReason.NOT_ELIGIBLE: "Not eligible for the service",
    DeclineReason.NO_CAPACITY: "No capacity",
    DeclineReason.FAMILY_DECLINED: "The family declined",
    DeclineReason.OTHER: "Another reason",
}


class ReferralOutcome(StrEnum):
    """The ledger's outcome of a referral to a service."""

    ACCEPTED = "accepted"  # a start date given
    WAITING_LIST = "waiting_list"  # a place on the waiting list, with an expected start
    DECLINED = "declined"
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"
    MOVED_ON = "moved_on"


REFERRAL_OUTCOME_LABELS = {
    ReferralOutcome.ACCEPTED: "Accepted, with a start date",
    ReferralOutcome.WAITING_LIST: "Accepted onto the waiting list",
    ReferralOutcome.DECLINED: "Declined",
    ReferralOutcome.COMPLETED: "Support completed",
    ReferralOutcome.ENDED_EARLY: "Support ended early",
    ReferralOutcome.MOVED_ON: "Moved on to another service",
}

# Accepting keeps the referral open (support is still to start and end); the rest close it.
REFERRAL_CLOSING = frozenset(
    {
        ReferralOutcome.DECLINED,
        ReferralOutcome.COMPLETED,
        ReferralOutcome.ENDED_EARLY,
        ReferralOutcome.MOVED_ON,
    }
)
ENDING_OUTCOMES = (ReferralOutcome.COMPLETED, ReferralOutcome.ENDED_EARLY, ReferralOutcome.MOVED_ON)


def referral_key(child_id: int, service_id: object, made_on: dt.date) -> str:
    """One referral of a child to a service a day: sending the form twice makes one."""
    return f"{REFERRAL_RULE}:child:{child_id}:service:{service_id}:{made_on.isoformat()}"


def acknowledge_deadline(received_at: dt.datetime, area: AreaSpecialist) -> PlannedDeadline:
    days = area.acknowledge_working_days
    return PlannedDeadline(
        stage=Stage.ACKNOWLEDGE,
        due_at=calendar.working_day_deadline(received_at, days, area.jurisdiction),
        owner=Owner.RECIPIENT,
        rule=REFERRAL_RULE,
        rule_version=f"{RULE_VERSION}/{calendar.CALENDAR_VERSION}",
        basis=f"{days} working day{'s' if days != 1 else ''} from receipt",
    )


def decline_problems(reason: str, note: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if reason not in {r.value for r in DeclineReason}:
        errors["reason"] = ["Select why the referral is declined"]
    if not note.strip():
        errors["note"] = ["Enter a note saying why, for the referrer and the family"]
    return errors


def accept_problems(
    *, waiting_list: bool, start_on: dt.date | None, expected_start_on: dt.date | None
) -> dict[str, list[str]]:
    if waiting_list and expected_start_on is None:
        return {"expected_start_on": ["Enter when the child is expected to start"]}
    if not waiting_list and start_on is None:
        return {"start_on": ["Enter the date support starts"]}
    return {}


def outcome_problems(outcome: str, reason: str) -> dict[str, list[str]]:
    if outcome not in {o.value for o in ENDING_OUTCOMES}:
        return {"outcome": ["Select how support ended"]}
    if outcome == ReferralOutcome.ENDED_EARLY and not reason.strip():
        return {"reason": ["Enter why support ended early"]}
    return {}


# --- SERVICE-FIT-1: does a service fit a child? -----------------------------------------------


@dataclass(frozen=True)
class ServiceFacts:
    """The plain facts of one service in the directory."""

    service_id: object  # the directory's id (a UUID)
    name: str
    area_ids: frozenset[int]
    min_age: int | None = None
    max_age: int | None = None
    open_to_referrals: bool = True
    places: int | None = None  # None: capacity not published
    places_taken: int = 0
    waiting_weeks: int | None = None
    capacity_confirmed_on: dt.date | None = None


@dataclass(frozen=True)
class ChildForFit:
    area_id: int | None
    area_name: str
    age_years: int | None
    age_months: int | None = None  # whole months, for a child under 2


@dataclass(frozen=True)
class Fit:
    service: ServiceFacts
    covers_area: bool
    fits_age: bool
    open: bool
    full: bool
    wait_too_long: bool
    # Why the child cannot be referred to it; empty when they can.
    reasons: tuple[str, ...]
    # What the referrer should know about one that fits (full, a long wait).
    notes: tuple[str, ...]

    @property
    def fits(self) -> bool:
        return not self.reasons

    @property
    def capacity(self) -> str:
        return capacity_words(self.service)

    @property
    def covers(self) -> bool:
        """Covers the child's area and age (open or not)."""
        return self.covers_area and self.fits_age


def age_words(age_years: int | None, age_months: int | None = None) -> str:
    if age_years is None:
        return "not known"
    if age_years < 2 and age_months is not None:
        return f"{age_months} month{'s' if age_months != 1 else ''} old"
    return str(age_years)


def ages_words(min_age: int | None, max_age: int | None) -> str:
    if min_age is None and max_age is None:
        return "all ages"
    if min_age is None:
        return f"ages up to {max_age}"
    if max_age is None:
        return f"ages {min_age} and over"
    return f"ages {min_age} to {max_age}"


def places_free(service: ServiceFacts) -> int | None:
    if service.places is None:
        return None
    return max(service.places - service.places_taken, 0)


def capacity_words(service: ServiceFacts) -> str:
    """Its capacity and waiting time in plain words."""
    free = places_free(service)
    parts = []
    if not service.open_to_referrals:
        parts.append("Closed to referrals")
    if free is None:
        parts.append("Places not published")
    elif free == 0:
        parts.append(f"Full (0 of {service.places} places free)")
    else:
        parts.append(f"{free} of {service.places} places free")
    if service.waiting_weeks is None:
        parts.append("waiting time not published")
    elif service.waiting_weeks == 0:
        parts.append("no wait")
    else:
        parts.append(
            f"waiting time {service.waiting_weeks} week{'s' if service.waiting_weeks != 1 else ''}"
        )
    return ", ".join(parts)


def service_fit(
    child: ChildForFit,
    service: ServiceFacts,
    threshold_weeks: int = DEFAULT_WAITING_THRESHOLD_WEEKS,
) -> Fit:
    """SERVICE-FIT-1 v1: whether ``service`` fits ``child``, with the reasons in words."""
    reasons: list[str] = []
    notes: list[str] = []
    covers_area = child.area_id is not None and child.area_id in service.area_ids
    if not covers_area:
        reasons.append(f"Does not cover {child.area_name or 'where the child lives'}")
    age = child.age_years
    fits_age = True
    if age is None:
        if service.min_age is not None or service.max_age is not None:
            notes.append(
                f"The child's age is not known: the service is for "
                f"{ages_words(service.min_age, service.max_age)}"
            )
    elif (service.min_age is not None and age < service.min_age) or (
        service.max_age is not None and age > service.max_age
    ):
        fits_age = False
        reasons.append(
            f"For {ages_words(service.min_age, service.max_age)}: the child is "
            f"{age_words(age, child.age_months)}"
        )
    is_open = service.open_to_referrals
    if not is_open:
        reasons.append("Closed to referrals")
    free = places_free(service)
    full = free == 0
    if full:
        notes.append(
            f"Full ({free} of {service.places} places free): the child would join the waiting list"
        )
    wait_too_long = service.waiting_weeks is not None and service.waiting_weeks > threshold_weeks
    if wait_too_long:
        notes.append(
            f"Waiting time {service.waiting_weeks} weeks exceeds the area's threshold of "
            f"{threshold_weeks} weeks"
        )
    return Fit(
        service, covers_area, fits_age, is_open, full, wait_too_long, tuple(reasons), tuple(notes)
    )


def fits_for(
    child: ChildForFit,
    services: Iterable[ServiceFacts],
    threshold_weeks: int = DEFAULT_WAITING_THRESHOLD_WEEKS,
) -> list[Fit]:
    """Every service's fit, those that fit first (shortest wait first), then the rest."""
    found = [service_fit(child, s, threshold_weeks) for s in services]
    return sorted(
        found,
        key=lambda f: (
            not f.fits,
            f.full,
            f.service.waiting_weeks if f.service.waiting_weeks is not None else 999,
            f.service.name,
        ),
    )


# --- UNMET-NEED-1 ----------------------------------------------------------------------------


class UnmetReason(StrEnum):
    NO_SERVICE = "no_service"
    ALL_CLOSED_OR_FULL = "all_closed_or_full"
    WAIT_TOO_LONG = "wait_too_long"
    DECLINED_NO_CAPACITY = "declined_no_capacity"
    NOT_OFFERED_IN_TIME = "not_offered_in_time"


UNMET_REASON_LABELS = {
    UnmetReason.NO_SERVICE: "No service covers the child's area and age",
    UnmetReason.ALL_CLOSED_OR_FULL: "Every service that fits is closed or full",
    UnmetReason.WAIT_TOO_LONG: "The waiting time is longer than the area's threshold",
    UnmetReason.DECLINED_NO_CAPACITY: "A service declined for lack of capacity",
    UnmetReason.NOT_OFFERED_IN_TIME: "Specialist support was not offered in time",
}

NEED = "Specialist support for a child victim of domestic abuse"


def unmet_reason(fits: Sequence[Fit]) -> UnmetReason | None:
    """UNMET-NEED-1 v1 from the directory: the reason the child's need cannot be met
    today, or ``None`` when a service covering their area and age is open, has a place
    and waits no longer than the area's threshold."""
    covering = [f for f in fits if f.covers]
    if not covering:
        return UnmetReason.NO_SERVICE
    available = [f for f in covering if f.open and not f.full]
    if not available:
        return UnmetReason.ALL_CLOSED_OR_FULL
    if all(f.wait_too_long for f in available):
        return UnmetReason.WAIT_TOO_LONG
    return None


def waiting_too_long(expected_start_on: dt.date, today: dt.date, threshold_weeks: int) -> bool:
    """A place on a waiting list whose expected start is more than the area's threshold
    away is unmet need (UNMET-NEED-1 v1: wait_too_long)."""
    return (expected_start_on - today).days > threshold_weeks * 7


# --- Aggregates: age bands and disclosure control -------------------------------------------


class AgeBand(StrEnum):
    UNDER_1 = "under_1"
    AGE_1_4 = "1_4"
    AGE_5_9 = "5_9"
    AGE_10_15 = "10_15"
    AGE_16_17 = "16_17"
    UNKNOWN = "unknown"


AGE_BAND_LABELS = {
    AgeBand.UNDER_1: "Under 1",
    AgeBand.AGE_1_4: "1 to 4",
    AgeBand.AGE_5_9: "5 to 9",
    AgeBand.AGE_10_15: "10 to 15",
    AgeBand.AGE_16_17: "16 to 17",
    AgeBand.UNKNOWN: "Age not known",
}


def age_band(age_years: int | None) -> AgeBand:
    """DfE's children in need age groups (its top group, 16 and over, is 16 to 17 for
    children under 18)."""
    if age_years is None or age_years < 0:
        return AgeBand.UNKNOWN
    if age_years < 1:
        return AgeBand.UNDER_1
    if age_years <= 4:
        return AgeBand.AGE_1_4
    if age_years <= 9:
        return AgeBand.AGE_5_9
    if age_years <= 15:
        return AgeBand.AGE_10_15
    return AgeBand.AGE_16_17


SUPPRESSED = "c"
SUPPRESS_UP_TO = 5  # DfE CIN disclosure control: counts 1 to 5 are shown as "c"


def suppress(count: int) -> int | str:
    """A count as published: 1 to 5 shown as ``c`` (domain.md §11.4); 0 is shown."""
    return SUPPRESSED if 0 < count <= SUPPRESS_UP_TO else count
