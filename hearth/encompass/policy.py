"""Operation Encompass (rule ENC-1): which education setting (or team) is told about each
child at a domestic abuse incident, by when, and with which content.

Sources (../shared/docs/domain.md §3):
- §3.1: since 7 November 2025 a police force must notify a child's school or college
  "as soon as is reasonably practicable" (Domestic Abuse Act 2021 s.49A, inserted by the
  Victims and Prisoners Act 2024 s.20) [S40][S41]; the statutory guidance covers children
  in education from reception (usually age 4–5) up to 17 [S43]; where a child is
  electively home educated the local authority is informed [S44];
- §3.2: practice is notification to the designated safeguarding lead (DSL) "before the
  start of the next school day", over weekends and school holidays too [S44][S46][S51];
  the trigger is every police-attended domestic abuse incident with children in the
  household related to either adult, whether or not the child was present [S51][S44];
- §3.3: the content is the force's choice between a minimal model (Lincolnshire [S47]:
  name, date of birth, that an incident took place on a date, present or not, welfare
  check made or not, children's services informed, "no details of who, where or what")
  and a fuller one (HCR Law's summary of current expectations [S44]: police reference,
  location, time and date, where the child was, whether spoken to and alone, the voice of
  the child); schools are asked not to approach the parents [S48];
- §3.4: under-school-age children are outside the duty; some areas tell health visiting
  instead [S47], so that route is an area's choice.

Invariants:
- a child is routed at most once per incident: children already on a notification from
  the incident are not planned again (``EncompassIn.notified``), so routing again or
  after an amendment adds only the children not yet told;
- siblings going to the same team arrive as one notification listing each child;
- a closed setting is never notified: its children go to their local authority's
  education safeguarding team, with the reason;
- every notification is due at a stored time, stamped with the calendar that produced it
  and marked estimated when no term calendar covered the day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from hearth.core import calendar, clock
from hearth.core.dates import govuk_datetime
from hearth.obligations.policy import (
    Ladder,
    Owner,
    PlannedDeadline,
    PlannedObligation,
    RoutingResult,
    Stage,
    Unrouted,
)

# The route's key in the ledger (``Obligation.route``), label, rule and version.
ROUTE = "encompass_notification"
LABEL = "Operation Encompass notification"
ENCOMPASS_RULE = "ENC-1"
RULE_VERSION = "1"
# The content says whether children's services were told about each child: it reads the
# ledger for the children's services route by its key (that route's app is not imported:
# route apps are independent), and ENC-1 plans after it (``route.ROUTE.order``).
CHILDRENS_SERVICES_ROUTE = "child_concern_notification"

# Operation Encompass (issue 6 point 6; domain.md §3.2): the notification exists so the
# designated safeguarding lead can support the child that morning, so a missed one climbs
# within the school day: the DSL at once, the deputy DSLs half an hour later, the local
# authority's education safeguarding team an hour after the due time.
ENCOMPASS_LADDER = Ladder(manager_after=dt.timedelta(minutes=30), team_after=dt.timedelta(hours=1))


# Reception to 17 (statutory guidance scope, domain.md §3.1 [S43]).
RECEPTION_AGE_ON_31_AUGUST = 4
OLDEST_AGE = 17

# Health visitors work working days: an under-school-age child's notification is due at
# the start of the next one.
HEALTH_VISITING_DAY_STARTS = dt.time(9, 0)

# Shown on every notification, on every page and message that carries it (domain.md §3.3,
# Thames Valley Police practice [S48]).
DO_NOT_APPROACH_PARENTS = (
    "Do not contact the child's parents or carers about this notification. It is shared "
    "so that you can support the child in school, in confidence."
)


class Template(StrEnum):
    """The force's chosen content (domain.md §3.3)."""

    MINIMAL = "minimal"
    FULL = "full"


TEMPLATE_LABELS = {
    Template.MINIMAL: "Minimal: that an incident happened, with no details of who, where or what",
    Template.FULL: "Full: adds the police reference, time, place and the child's own words",
}


class Education(StrEnum):
    """The values of ``incidents.models.Education`` (kept here so the policy stays pure)."""

    REGISTERED = "registered"
    NOT_IN_EDUCATION = "not_in_education"
    ELECTIVELY_HOME_EDUCATED = "electively_home_educated"
    UNDER_SCHOOL_AGE = "under_school_age"
    NOT_KNOWN = "not_known"


class AgeBand(StrEnum):
    UNDER_SCHOOL_AGE = "under_school_age"
    SCHOOL_AGE = "school_age"  # reception to 17
    ADULT = "adult"
    NOT_KNOWN = "not_known"


def school_year_start(day: dt.date) -> dt.date:
    """1 September of the school year ``day`` falls in."""
    return dt.date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_band(*, date_of_birth: dt.date | None, age: int | None, on: dt.date) -> AgeBand:
    """Where a child stands against "reception to 17" on ``on``. A child is of reception
    age from the school year in which they are 4 on 31 August before it starts (so in
    reception from the September after their fourth birthday); ``age`` (an estimate) is
    used when the date of birth is not known."""
    if date_of_birth is not None:
        if _age_on(date_of_birth, on) > OLDEST_AGE:
            return AgeBand.ADULT
        day_before_year = school_year_start(on) - dt.timedelta(days=1)
        if _age_on(date_of_birth, day_before_year) >= RECEPTION_AGE_ON_31_AUGUST:
            return AgeBand.SCHOOL_AGE
        return AgeBand.UNDER_SCHOOL_AGE
    if age is None:
        return AgeBand.NOT_KNOWN
    if age > OLDEST_AGE:
        return AgeBand.ADULT
    return AgeBand.SCHOOL_AGE if age >= RECEPTION_AGE_ON_31_AUGUST else AgeBand.UNDER_SCHOOL_AGE


@dataclass(frozen=True)
class SettingIn:
    urn: str
    name: str
    is_open: bool
    dsl_team_id: int | None
    area_id: int | None  # the setting's local authority
    calendars: tuple[calendar.SchoolCalendar, ...]  # its own, then its local authority's


@dataclass(frozen=True)
class AreaIn:
    """A local authority's teams for the children no school can be told about."""

    area_id: int
    area_name: str
    education_team_id: int | None
    health_visiting_team_id: int | None
    health_visiting_opted_in: bool
    calendars: tuple[calendar.SchoolCalendar, ...]
    jurisdiction: str = calendar.Jurisdiction.ENGLAND


@dataclass(frozen=True)
class ChildIn:
    person_id: int
    date_of_birth: dt.date | None
    age: int | None  # estimated age in years when there is no date of birth
    education: str
    setting_urn: str  # chosen from the directory at intake, or ""
    setting_named: str  # a setting the officer named that is not in the directory
    area_id: int | None  # the local authority the child lives in
    # The child is the alleged perpetrator, under 18 (child-to-parent abuse, for
    # example): a child at the incident to support like any other, with that reason.
    harmed: bool = False


@dataclass(frozen=True)
class EncompassIn:
    incident_id: int
    occurred_on: dt.date
    received_at: dt.datetime
    template: Template
    children: tuple[ChildIn, ...]
    notified: frozenset[int] = frozenset()  # children already on a notification


@dataclass(frozen=True)
class _Addressee:
    team_id: int
    setting_urn: str
    why: str
    due: PlannedDeadline
    kind: str  # "setting", "education_team", "health_visiting"


def route_encompass(
    incident: EncompassIn, settings: Mapping[str, SettingIn], areas: Mapping[int, AreaIn]
) -> RoutingResult:
    """One notification per team, listing each of the incident's children it is about."""
    unrouted: list[Unrouted] = []
    groups: dict[tuple[int, str], list[tuple[ChildIn, _Addressee]]] = {}
    for child in sorted(incident.children, key=lambda c: c.person_id):
        if child.person_id in incident.notified:
            continue
        band = age_band(date_of_birth=child.date_of_birth, age=child.age, on=incident.occurred_on)
        if band == AgeBand.ADULT:
            continue
        found = _addressee(child, band, incident.received_at, settings, areas)
        if isinstance(found, Unrouted):
            unrouted.append(found)
        elif found is not None:
            groups.setdefault((found.team_id, found.setting_urn), []).append((child, found))
    planned = [_plan(incident, members) for members in groups.values()]
    return RoutingResult(tuple(planned), tuple(unrouted))


def _addressee(
    child: ChildIn,
    band: AgeBand,
    received_at: dt.datetime,
    settings: Mapping[str, SettingIn],
    areas: Mapping[int, AreaIn],
) -> _Addressee | Unrouted | None:
    setting = settings.get(child.setting_urn) if child.setting_urn else None
    area = areas.get(child.area_id) if child.area_id is not None else None
    if band == AgeBand.UNDER_SCHOOL_AGE:
        # Outside the duty (reception to 17), even at a nursery class: some areas tell
        # health visiting instead (§3.4), the rest tell no one by this route.
        if area is None or not area.health_visiting_opted_in:
            return None
        if area.health_visiting_team_id is None:
            return Unrouted(
                ROUTE,
                child.person_id,
                f"{area.area_name} tells health visiting about under-school-age children, "
                "but no health visiting team is known for it",
            )
        return _Addressee(
            team_id=area.health_visiting_team_id,
            setting_urn="",
            why=f"under school age, living in {area.area_name}, which tells health visiting",
            due=_working_day_due(received_at, area.jurisdiction),
            kind="health_visiting",
        )
    registered = child.education == Education.REGISTERED
    if registered and setting is not None and setting.is_open and setting.dsl_team_id:
        return _Addressee(
            team_id=setting.dsl_team_id,
            setting_urn=setting.urn,
            why=f"registered at {setting.name} (URN {setting.urn})",
            due=_school_day_due(received_at, setting.calendars),
            kind="setting",
        )
    why = _why_education_team(child, setting)
    if area is None or area.education_team_id is None:
        return Unrouted(
            ROUTE,
            child.person_id,
            f"The child is {why}, but no education safeguarding team is known for where "
            "they live: record the child's address or the incident's local authority",
        )
    return _Addressee(
        team_id=area.education_team_id,
        setting_urn="",
        why=f"{why}: {area.area_name}'s education safeguarding team is told",
        due=_school_day_due(received_at, area.calendars, area.jurisdiction),
        kind="education_team",
    )


def _why_education_team(child: ChildIn, setting: SettingIn | None) -> str:
    if child.education == Education.REGISTERED:
        if setting is None:
            named = f" ({child.setting_named})" if child.setting_named else ""
            return f"at a school, nursery or college not in Hearth's directory{named}"
        if not setting.is_open:
            return f"recorded at {setting.name} (URN {setting.urn}), which is closed"
        return f"registered at {setting.name} (URN {setting.urn}), which does not use Hearth"
    if child.education == Education.ELECTIVELY_HOME_EDUCATED:
        return "electively home educated"
    if child.education == Education.NOT_IN_EDUCATION:
        return "not registered at any school or college"
    return "of school age, and their school is not known"


def _school_day_due(
    received_at: dt.datetime,
    calendars: tuple[calendar.SchoolCalendar, ...],
    jurisdiction: str = calendar.Jurisdiction.ENGLAND,
) -> PlannedDeadline:
    start = calendar.next_school_day_start(received_at, calendars, jurisdiction)
    return PlannedDeadline(
        stage=Stage.ACKNOWLEDGE,
        due_at=start.at,
        owner=Owner.RECIPIENT,
        rule=ENCOMPASS_RULE,
        rule_version=f"{RULE_VERSION}/{start.rule_version}",
        basis=start.basis,
        estimated=start.estimated,
    )


def _working_day_due(received_at: dt.datetime, jurisdiction: str) -> PlannedDeadline:
    day = calendar.next_working_day(calendar.local_date(received_at), jurisdiction)
    due = dt.datetime.combine(day, HEALTH_VISITING_DAY_STARTS, tzinfo=clock.LONDON)
    return PlannedDeadline(
        stage=Stage.ACKNOWLEDGE,
        due_at=due,
        owner=Owner.RECIPIENT,
        rule=ENCOMPASS_RULE,
        rule_version=f"{RULE_VERSION}/{calendar.CALENDAR_VERSION}",
        basis=f"The start of the next working day: {govuk_datetime(due)}",
    )


def notification_key(incident_id: int, team_id: int, child_ids: list[int]) -> str:
    """The ledger's unique key for one notification: the same children to the same team
    from the same incident give the same key (so routing again is a no-op), and its length
    is bounded whatever the family's size (the ledger's keys are at most 200 characters;
    listing each id overflowed them at about 34 siblings). The children are named by a
    digest of their sorted ids (128 bits of SHA-256), with their number kept readable."""
    ids = sorted(child_ids)
    digest = hashlib.sha256("-".join(map(str, ids)).encode()).hexdigest()[:32]
    return f"{ENCOMPASS_RULE}:incident:{incident_id}:team:{team_id}:children:{len(ids)}:{digest}"


def _plan(incident: EncompassIn, members: list[tuple[ChildIn, _Addressee]]) -> PlannedObligation:
    children = [child for child, _ in members]
    first = members[0][1]
    ids = [c.person_id for c in children]
    count = len(children)
    who = "A child" if count == 1 else f"{count} children"
    return PlannedObligation(
        key=notification_key(incident.incident_id, first.team_id, ids),
        route=ROUTE,
        subject_id=ids[0],
        team_id=first.team_id,
        incident_id=incident.incident_id,
        rule=ENCOMPASS_RULE,
        rule_version=RULE_VERSION,
        reason=(
            f"{who} related to an adult at a domestic abuse incident, "
            + "; ".join(sorted({a.why for _, a in members}))
            + (
                ". The child who harmed an adult (the alleged perpetrator, under 18) is a "
                "child at the incident to support too"
                if any(c.harmed for c in children)
                else ""
            )
            + ". Police must tell the child's school before the next school day "
            "(Domestic Abuse Act 2021 s.49A, Operation Encompass)"
        ),
        send_now=True,
        deadlines=(first.due,),
        data={
            "children": ids,
            "setting_urn": first.setting_urn,
            "addressee": first.kind,
            "template": str(incident.template),
        },
    )


class EncompassSupport(StrEnum):
    """The support a school will give after an Operation Encompass notification: the
    school decides "silent" or overt support (domain.md §3.3, [S49][S50])."""

    SILENT = "silent_support"
    OVERT = "overt_support"
    REFERRED_ON = "referred_on"
    ALREADY_KNOWN = "already_known"


ENCOMPASS_SUPPORT_LABELS = {
    EncompassSupport.SILENT: "Silent support: staff watch over the child without telling them",
    EncompassSupport.OVERT: "Overt support: a trusted adult talks with the child",
    EncompassSupport.REFERRED_ON: "Referred on for more help",
    EncompassSupport.ALREADY_KNOWN: "Already known: support already in place",
}
