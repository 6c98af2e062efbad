"""The ledger read into the measures' plain rows (issue 15 §1 and §5): the "directly from
the ledger" way of computing a measure, and what ``hearth.stats.refresh`` copies into the
fact tables.

Each reader takes a queryset of its source's rows (every row when None: the refresh
passes the rows changed since its watermark) and yields rows, chunk by chunk: one query
for a chunk of source rows and one for each kind of related row of the chunk, never one
per row. The rows are ``hearth.stats.measures``' own, extended (by subclassing, so every
measure takes them) with the ids and areas a fact needs: integers only, no names, no
text. Nothing here checks access: it is the statistics' own reading of the ledger, and
what it returns is only ever counted.

Areas: a row's local authority is its incident's (else the front door's, for a
notification), its force the police force area covering that local authority, its
agency whose work it is (the recipient team's agency; the recording police force for an
incident).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Exists, OuterRef, Q, QuerySet

from hearth.accounts.models import Agency, Area, Team
from hearth.core.actor import AgencyKind
from hearth.core.calendar import Jurisdiction
from hearth.core.clock import LONDON
from hearth.incidents.models import ChildInvolvement, Incident, Party
from hearth.incidents.policy import ChildFacts, Finding, PartyRole, child_victim_status
from hearth.marac import policy as marac_policy
from hearth.obligations.models import Deadline, Obligation
from hearth.obligations.policy.deadlines import Stage
from hearth.people.models import Person, Relationship
from hearth.people.policy import Kinship, Tie, age_on, inverse
from hearth.referrals.models import ChildAssessment, MaracReferral, MaracReferralChild
from hearth.referrals.policy import Decision, Route
from hearth.risk.models import RiskAssessment
from hearth.risk.policy import Grade
from hearth.specialist import policy as specialist_policy
from hearth.specialist.models import SpecialistReferral, UnmetNeed
from hearth.stats.measures import (
    AssessmentRow,
    ChildServicesContact,
    DeadlineRow,
    HighRiskHousehold,
    IncidentChild,
    IncidentRow,
    MaracReferralRow,
    NotificationRow,
)

CHUNK = 2000
T = TypeVar("T")
DECISIONS = frozenset(d.value for d in Decision)


def _chunks(rows: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    chunk: list[T] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _values(qs: QuerySet[Any], *fields: str) -> Iterator[list[tuple[Any, ...]]]:
    """``qs``'s rows as tuples of ``fields``, in primary key order, a chunk at a time."""
    return _chunks(qs.order_by("pk").values_list(*fields).iterator(chunk_size=CHUNK))


def midnight(day: dt.date) -> dt.datetime:
    """00:00 London time on ``day``: a date's moment, for the periods."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=LONDON)


# --- Reference: who is where (small tables, read once per run) ------------------------


@dataclass(frozen=True)
class Places:
    """Teams' agencies, agencies' kinds and local authorities, areas' forces and
    countries."""

    team_agency: dict[int, int]
    agency_kind: dict[int, str]
    agency_area: dict[int, int]  # the agency's first local authority
    area_force: dict[int, int | None]
    area_country: dict[int, str]

    @classmethod
    def load(cls) -> Places:
        agency_area: dict[int, int] = {}
        for agency_id, area_id in (
            Agency.areas.through.objects.filter(area__kind=Area.Kind.LOCAL_AUTHORITY)
            .order_by("area_id")
            .values_list("agency_id", "area_id")
        ):
            agency_area.setdefault(agency_id, area_id)
        areas = list(Area.objects.values_list("pk", "police_force_area_id", "country"))
        return cls(
            team_agency=dict(Team.objects.values_list("pk", "agency_id")),
            agency_kind=dict(Agency.objects.values_list("pk", "kind")),
            agency_area=agency_area,
            area_force={pk: force for pk, force, _ in areas},
            area_country={pk: country for pk, _, country in areas},
        )

    def force(self, area_id: int | None) -> int | None:
        return self.area_force.get(area_id) if area_id is not None else None

    def jurisdiction(self, area_id: int | None) -> str:
        country = self.area_country.get(area_id) if area_id is not None else None
        return country or Jurisdiction.ENGLAND


# --- Notifications (referrals) ---------------------------------------------------------


@dataclass(frozen=True)
class NotificationRecord(NotificationRow):
    """A child concern notification: ``notification_id`` is the obligation's id,
    ``front_door`` the recipient team's agency."""


def notification_rows(
    obligations: QuerySet[Obligation] | None = None, places: Places | None = None
) -> Iterator[NotificationRecord]:
    """Child concern notifications sent (received by the front door), with their
    acknowledgement and decision deadlines and the front door's decision."""
    places = places or Places.load()
    qs = (obligations if obligations is not None else Obligation.objects.all()).filter(
        route=Route.CHILD_CONCERN, sent_at__isnull=False
    )
    fields = (
        "pk",
        "subject_id",
        "incident_id",
        "team_id",
        "sent_at",
        "outcome",
        "data",
        "incident__local_authority_id",
    )
    for chunk in _values(qs, *fields):
        stages: dict[tuple[int, str], tuple[dt.datetime, dt.datetime | None]] = {}
        for obligation_id, stage, due, met in (
            Deadline.objects.filter(
                obligation_id__in=[row[0] for row in chunk],
                stage__in=[Stage.ACKNOWLEDGE, Stage.DECIDE],
            )
            .order_by("id")
            .values_list("obligation_id", "stage", "due_at", "met_at")
        ):
            stages.setdefault((obligation_id, stage), (due, met))
        for pk, child, incident, team, sent, outcome, data, la in chunk:
            agency = places.team_agency.get(team)
            area = la if la is not None else places.agency_area.get(agency)  # type: ignore[arg-type]
            ack_due, ack_met = stages.get((pk, Stage.ACKNOWLEDGE), (None, None))
            decide_due, decide_met = stages.get((pk, Stage.DECIDE), (None, None))
            source = (data or {}).get("referral_source") or "6"
            yield NotificationRecord(
                notification_id=pk,
                child_id=child,
                incident_id=incident,
                front_door=agency,
                source=str(source),
                received_at=sent,
                force=places.force(area),
                local_authority=area,
                acknowledge_due=ack_due,
                acknowledged_at=ack_met,
                decide_due=decide_due,
                decided_at=decide_met,
                decision=outcome if outcome in DECISIONS else None,
            )


# --- Deadlines (timeliness) ------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRecord(DeadlineRow):
    """One ``obligations.Deadline``: ``area`` is the recipient team's agency (whose clock
    it is)."""

    deadline_id: int = 0
    obligation_id: int = 0
    team_id: int | None = None
    local_authority_id: int | None = None
    force_id: int | None = None


def started_at(owner: str, created: dt.datetime, sent: dt.datetime | None) -> dt.datetime:
    """When a stage's clock started: the recipient's clocks from receipt (the obligation
    sent, as ``measures.notification_deadlines`` counts a notification's acknowledgement
    and decision; an assessment's 45 working days run from the referral too); the
    referrer's (sending) from when the deadline was set."""
    if owner == "recipient" and sent is not None:
        return sent
    return created


def deadline_rows(
    deadlines: QuerySet[Deadline] | None = None, places: Places | None = None
) -> Iterator[DeadlineRecord]:
    """Every stored deadline of every route (of obligations addressed to a team)."""
    places = places or Places.load()
    qs = deadlines if deadlines is not None else Deadline.objects.all()
    fields = (
        "pk",
        "obligation_id",
        "obligation__route",
        "stage",
        "owner",
        "due_at",
        "met_at",
        "created_at",
        "obligation__sent_at",
        "obligation__team_id",
        "obligation__incident__local_authority_id",
    )
    for chunk in _values(qs, *fields):
        for pk, obligation, route, stage, owner, due, met, created, sent, team, la in chunk:
            agency = places.team_agency.get(team)
            area = la if la is not None else places.agency_area.get(agency)  # type: ignore[arg-type]
            yield DeadlineRecord(
                route=route,
                stage=stage,
                area=agency,
                started_at=started_at(owner, created, sent),
                due_at=due,
                done_at=met,
                deadline_id=pk,
                obligation_id=obligation,
                team_id=team,
                local_authority_id=area,
                force_id=places.force(area),
            )


# --- Incidents and their children -----------------------------------------------------


@dataclass(frozen=True)
class IncidentRecord(IncidentRow):
    """A submitted incident: ``area`` its local authority, ``agency_id`` the agency that
    recorded it."""

    force_id: int | None = None
    agency_id: int | None = None


def submitted_incidents() -> QuerySet[Incident]:
    return Incident.objects.filter(status=Incident.Status.SUBMITTED, occurred_at__isnull=False)


def incident_rows(
    incidents: QuerySet[Incident] | None = None, places: Places | None = None
) -> Iterator[IncidentRecord]:
    """Submitted incidents with their children and each child's s.3 status, decided by
    the rule the incident page uses (``incidents.policy.child_victim_status``: under 18,
    saw, heard or experienced the effects, related to the victim or the perpetrator), on
    the same rows ``incidents.facts`` reads, as plain values: four queries a chunk."""
    places = places or Places.load()
    qs = (incidents if incidents is not None else Incident.objects.all()) & submitted_incidents()
    fields = ("pk", "local_authority_id", "occurred_at", "recorded_by_agency_id")
    for chunk in _values(qs, *fields):
        children = children_of([(row[0], row[2]) for row in chunk])
        for pk, la, occurred, agency in chunk:
            yield IncidentRecord(
                incident_id=pk,
                area=la,
                occurred_at=occurred,
                children=children.get(pk, ()),
                force_id=places.force(la),
                agency_id=agency,
            )


def children_of(
    incidents: Sequence[tuple[int, dt.datetime]],
) -> dict[int, tuple[IncidentChild, ...]]:
    """Each incident's children (its child parties, and alleged perpetrators recorded as
    children who harmed: those with an involvement), each with their s.3 status, as
    ``incidents.facts`` finds them."""
    ids = [pk for pk, _ in incidents]
    days = {pk: occurred.astimezone(LONDON).date() for pk, occurred in incidents}
    parties: defaultdict[int, list[tuple[int, str]]] = defaultdict(list)
    for incident, person, role in (
        Party.objects.filter(incident_id__in=ids)
        .order_by("role", "id")
        .values_list("incident_id", "person_id", "role")
    ):
        parties[incident].append((person, role))
    involved: dict[tuple[int, int], tuple[bool, bool, bool]] = {
        (incident, child): (saw, heard, effects)
        for incident, child, saw, heard, effects in ChildInvolvement.objects.filter(
            incident_id__in=ids
        ).values_list("incident_id", "child_id", "saw", "heard", "experienced_effects")
    }
    everyone = {person for found in parties.values() for person, _ in found}
    people = {
        pk: (born, estimate, on)
        for pk, born, estimate, on in Person.objects.filter(
            pk__in=Party.objects.filter(incident_id__in=ids).values("person_id")
        ).values_list("pk", "date_of_birth", "estimated_age", "estimated_age_on")
    }
    ties = _ties(everyone)
    found: dict[int, tuple[IncidentChild, ...]] = {}
    for incident in ids:
        roles = parties.get(incident, [])
        victims = [p for p, role in roles if role == PartyRole.ADULT_VICTIM]
        perpetrators = [p for p, role in roles if role == PartyRole.ALLEGED_PERPETRATOR]
        children: dict[int, IncidentChild] = {}
        for person, role in roles:
            harmed = role == PartyRole.ALLEGED_PERPETRATOR
            if not (role == PartyRole.CHILD or (harmed and (incident, person) in involved)):
                continue
            saw, heard, effects = involved.get((incident, person), (False, False, False))
            others = [p for p in perpetrators if p != person]
            facts = ChildFacts(
                age=_age(people.get(person), days[incident]),
                saw=saw,
                heard=heard,
                experienced_effects=effects,
                victims=[("", [t for t in [ties.get((a, person))] if t]) for a in victims],
                perpetrators=[("", [t for t in [ties.get((a, person))] if t]) for a in others],
                harmed=harmed,
            )
            status = child_victim_status(facts).finding
            children.setdefault(person, IncidentChild(person, status == Finding.MET))
        found[incident] = tuple(children.values())
    return found


def _age(
    person: tuple[dt.date | None, int | None, dt.date | None] | None, day: dt.date
) -> int | None:
    """``Person.age_on`` over the plain values: from the date of birth, or the estimate."""
    if person is None:
        return None
    born, estimate, estimated_on = person
    if born:
        return age_on(born, day)
    if estimate is not None:
        return estimate + max(0, age_on(estimated_on or day, day))
    return None


def _ties(person_ids: set[int]) -> dict[tuple[int, int], Tie]:
    """``people.selectors.ties_among``, read with one list of ids (the relationships of
    these people, kept when the other person is among them too)."""
    ties: dict[tuple[int, int], Tie] = {}
    for person, other, kinship, responsibility in Relationship.objects.filter(
        person_id__in=person_ids
    ).values_list("person_id", "other_id", "kinship", "parental_responsibility"):
        if other not in person_ids:
            continue
        ties[(person, other)] = Tie(Kinship(kinship), responsibility)
        ties.setdefault((other, person), Tie(inverse(Kinship(kinship)), False))
    return ties


# --- MARAC referrals ---------------------------------------------------------------------


@dataclass(frozen=True)
class MaracRecord(MaracReferralRow):
    """A MARAC referral sent: ``marac`` is the MARAC's agency."""

    local_authority_id: int | None = None
    force_id: int | None = None


def marac_rows(
    obligations: QuerySet[Obligation] | None = None, places: Places | None = None
) -> Iterator[MaracRecord]:
    """MARAC referrals sent: repeat (the ``repeat`` criterion, as the MARAC's case
    records it), from the police or not (the referrer agency's kind), heard or not, and
    the children of the household the referral lists."""
    places = places or Places.load()
    qs = (obligations if obligations is not None else Obligation.objects.all()).filter(
        route=Route.MARAC_REFERRAL, sent_at__isnull=False
    )
    fields = (
        "pk",
        "subject_id",
        "team_id",
        "sent_at",
        "outcome",
        "referrer_agency_id",
        "incident__local_authority_id",
        "data",
    )
    for chunk in _values(qs, *fields):
        ids = [row[0] for row in chunk]
        criteria = dict(
            MaracReferral.objects.filter(obligation_id__in=ids).values_list(
                "obligation_id", "criteria"
            )
        )
        children: defaultdict[int, list[int]] = defaultdict(list)
        for obligation_id, child in (
            MaracReferralChild.objects.filter(referral__obligation_id__in=ids)
            .order_by("id")
            .values_list("referral__obligation_id", "child_id")
        ):
            children[obligation_id].append(child)
        perpetrators = dict(
            Party.objects.filter(incident__obligations__in=ids, role=PartyRole.ALLEGED_PERPETRATOR)
            .order_by("-id")
            .values_list("incident__obligations", "person_id")
        )
        for pk, victim, team, sent, outcome, referrer, la, data in chunk:
            listed = children.get(pk) or [int(c) for c in (data or {}).get("children", [])]
            yield MaracRecord(
                referral_id=pk,
                marac=places.team_agency.get(team),
                victim_id=victim,
                perpetrator_id=perpetrators.get(pk),
                sent_at=sent,
                repeat=marac_policy.is_repeat(criteria.get(pk) or []),
                from_police=places.agency_kind.get(referrer) == AgencyKind.POLICE_FORCE,
                outcome=outcome or None,
                children=tuple(dict.fromkeys(listed)),
                local_authority_id=la,
                force_id=places.force(la),
            )


# --- Assessments ---------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentRecord(AssessmentRow):
    """A completed (authorised) child and family assessment: ``front_door`` its
    notification's recipient agency; completed at 00:00 London time on the day it was
    authorised."""

    assessment_id: int = 0
    local_authority_id: int | None = None
    force_id: int | None = None


def assessment_rows(
    assessments: QuerySet[ChildAssessment] | None = None, places: Places | None = None
) -> Iterator[AssessmentRecord]:
    places = places or Places.load()
    qs = (assessments if assessments is not None else ChildAssessment.objects.all()).filter(
        authorised_on__isnull=False
    )
    fields = (
        "pk",
        "obligation__subject_id",
        "obligation__team_id",
        "authorised_on",
        "factors",
        "obligation__incident__local_authority_id",
    )
    for chunk in _values(qs, *fields):
        for pk, child, team, authorised, factors, la in chunk:
            agency = places.team_agency.get(team)
            area = la if la is not None else places.agency_area.get(agency)  # type: ignore[arg-type]
            yield AssessmentRecord(
                child_id=child,
                front_door=agency,
                completed_at=midnight(authorised),
                factors=frozenset(factors or ()),
                assessment_id=pk,
                local_authority_id=area,
                force_id=places.force(area),
            )


# --- Known to children's services -------------------------------------------------------


@dataclass(frozen=True)
class HouseholdRecord(HighRiskHousehold):
    """An incident whose adult victim was graded high risk or referred to MARAC:
    ``area`` its local authority, ``agency_id`` the police force that recorded it."""

    force_id: int | None = None
    agency_id: int | None = None


def high_risk_incidents() -> QuerySet[Incident]:
    """Submitted incidents with an adult victim graded high risk (a completed risk
    assessment at the incident) or referred to MARAC (a MARAC referral sent)."""
    high = RiskAssessment.objects.filter(
        incident_id=OuterRef("pk"),
        status=RiskAssessment.Status.COMPLETED,
        grade=Grade.HIGH,
    )
    marac = Obligation.objects.filter(
        incident_id=OuterRef("pk"), route=Route.MARAC_REFERRAL, sent_at__isnull=False
    )
    return submitted_incidents().filter(Q(Exists(high)) | Q(Exists(marac)))


def household_rows(
    incidents: QuerySet[Incident] | None = None, places: Places | None = None
) -> Iterator[HouseholdRecord]:
    """High-risk households: each incident's children (its child parties and children's
    involvements) and the children its MARAC referrals list."""
    places = places or Places.load()
    qs = high_risk_incidents()
    if incidents is not None:
        qs = qs.filter(pk__in=incidents.order_by().values("pk"))
    fields = ("pk", "local_authority_id", "occurred_at", "recorded_by_agency_id")
    for chunk in _values(qs, *fields):
        ids = [row[0] for row in chunk]
        children: defaultdict[int, list[int]] = defaultdict(list)
        for incident, child in Party.objects.filter(
            incident_id__in=ids, role=PartyRole.CHILD
        ).values_list("incident_id", "person_id"):
            children[incident].append(child)
        for incident, child in ChildInvolvement.objects.filter(incident_id__in=ids).values_list(
            "incident_id", "child_id"
        ):
            children[incident].append(child)
        for incident, child in MaracReferralChild.objects.filter(
            referral__obligation__incident_id__in=ids,
            referral__obligation__sent_at__isnull=False,
        ).values_list("referral__obligation__incident_id", "child_id"):
            children[incident].append(child)
        for pk, la, occurred, agency in chunk:
            yield HouseholdRecord(
                incident_id=pk,
                area=la,
                occurred_at=occurred,
                children=tuple(sorted(set(children.get(pk, ())))),
                jurisdiction=places.jurisdiction(la),
                force_id=places.force(la),
                agency_id=agency,
            )


def contact_rows(child_ids: Iterable[int] | None = None) -> Iterator[ChildServicesContact]:
    """When children's services came to know each child: every child concern
    notification about them acknowledged (at its acknowledgement), and every assessment
    from its start to its authorisation (as whole London days). ``child_ids`` None: every
    child."""
    groups: Iterable[list[int] | None] = (
        [None] if child_ids is None else _chunks(sorted(set(child_ids)), CHUNK * 5)
    )
    for ids in groups:
        notifications = Obligation.objects.filter(
            route=Route.CHILD_CONCERN, acknowledged_at__isnull=False
        )
        assessments = ChildAssessment.objects.filter(obligation__route=Route.CHILD_CONCERN)
        if ids is not None:
            notifications = notifications.filter(subject_id__in=ids)
            assessments = assessments.filter(obligation__subject_id__in=ids)
        for child, at in (
            notifications.order_by()
            .values_list("subject_id", "acknowledged_at")
            .iterator(chunk_size=CHUNK)
        ):
            if at is not None:
                yield ChildServicesContact(child_id=child, known_from=at)
        for child, started, authorised in (
            assessments.order_by()
            .values_list("obligation__subject_id", "started_on", "authorised_on")
            .iterator(chunk_size=CHUNK)
        ):
            yield ChildServicesContact(
                child_id=child,
                known_from=midnight(started),
                until=midnight(authorised + dt.timedelta(days=1)) if authorised else None,
                is_notification=False,
            )


# --- Specialist support and unmet need ---------------------------------------------------


@dataclass(frozen=True)
class SpecialistRow:
    """A referral to a specialist service for a child: its service's agency, the child's
    age band when referred, the service's answer and when, when support started and
    ended, days waited from referral to start."""

    referral_id: int
    agency_id: int | None
    local_authority_id: int | None
    force_id: int | None
    age_band: str
    referred_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None
    started_on: dt.date | None
    ended_on: dt.date | None

    @property
    def wait_days(self) -> int | None:
        if self.started_on is None:
            return None
        return max(0, (self.started_on - self.referred_at.astimezone(LONDON).date()).days)


def specialist_rows(
    referrals: QuerySet[SpecialistReferral] | None = None, places: Places | None = None
) -> Iterator[SpecialistRow]:
    places = places or Places.load()
    qs = (referrals if referrals is not None else SpecialistReferral.objects.all()).filter(
        obligation__sent_at__isnull=False
    )
    fields = (
        "obligation_id",
        "obligation__team_id",
        "obligation__incident__local_authority_id",
        "child_id",
        "obligation__sent_at",
        "answer",
        "obligation__acknowledged_at",
        "started_on",
        "ended_on",
    )
    for chunk in _values(qs, *fields):
        people = {
            p.pk: p
            for p in Person.objects.filter(pk__in={row[3] for row in chunk}).only(
                "pk", "date_of_birth", "estimated_age", "estimated_age_on"
            )
        }
        for pk, team, la, child, sent, answer, answered, started, ended in chunk:
            agency = places.team_agency.get(team)
            area = la if la is not None else places.agency_area.get(agency)  # type: ignore[arg-type]
            person = people.get(child)
            age = person.age_on(sent.astimezone(LONDON).date()) if person else None
            yield SpecialistRow(
                referral_id=pk,
                agency_id=agency,
                local_authority_id=area,
                force_id=places.force(area),
                age_band=specialist_policy.age_band(age).value,
                referred_at=sent,
                answer=answer,
                answered_at=answered if answer else None,
                started_on=started,
                ended_on=ended,
            )


@dataclass(frozen=True)
class UnmetNeedRow:
    """A child's need for specialist support no service could meet."""

    unmet_need_id: int
    local_authority_id: int | None
    force_id: int | None
    agency_id: int | None  # the child's lead agency
    age_band: str
    reason: str
    opened_on: dt.date
    closed_on: dt.date | None


def unmet_need_rows(
    needs: QuerySet[UnmetNeed] | None = None, places: Places | None = None
) -> Iterator[UnmetNeedRow]:
    places = places or Places.load()
    qs = needs if needs is not None else UnmetNeed.objects.all()
    fields = ("pk", "area_id", "lead_team_id", "age_band", "reason", "opened_on", "closed_on")
    for chunk in _values(qs, *fields):
        for pk, area, team, band, reason, opened, closed in chunk:
            yield UnmetNeedRow(
                unmet_need_id=pk,
                local_authority_id=area,
                force_id=places.force(area),
                agency_id=places.team_agency.get(team) if team is not None else None,
                age_band=band,
                reason=reason,
                opened_on=opened,
                closed_on=closed,
            )
