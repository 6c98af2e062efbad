"""Synthetic volume on top of the Wessex demo area, for benchmarks (issue 12 §2).

``generate_volume`` writes incidents with their adults and children, parties, each
child's involvement, the adult victim's risk assessment, each child's risk level, and the
obligations routing would have made (children's services notifications, Operation
Encompass, MARAC and IDVA referrals for the high-risk share, child follow-ups), with their
deadlines, in a realistic mix of statuses. It writes through ``bulk_create`` in large
batches, not through the per-incident services, so 100,000 incidents take minutes.

The rows carry the same fields, keys, rules and statuses as the services write (compare
``obligations.routing`` and ``encompass_routing``), so every page and selector reads them
as it reads real work. Deliberately left out, because no list, inbox or record page reads
them: each checklist's 27 answers, incident version snapshots, timeline and auditlog rows,
households and addresses, outbound messages. Deadlines use the real working-day
arithmetic; Operation Encompass due times use the weekday fallback (marked estimated).

Shape, on purpose: about 70 % of incidents are in Northshire; a quarter of Northshire's
child concern notifications stay open (tens of thousands in one front door inbox at
100,000 incidents); older work is mostly closed; one school (Brackenford Primary, the
``dsl03`` demo sign-in) receives a large share of Operation Encompass notifications;
one incident in five is a repeat at a family already known. Every open deadline already
missed has had its escalation ladder climbed, so an idle sweep has nothing to do.

Everyone is made up: names come from the short lists below, never from real records.
The same seed on the same starting database writes the same rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import holidays
from django.db import connection, transaction

from hearth.accounts.models import Agency, Area, Team, User
from hearth.core import calendar, clock
from hearth.encompass import policy as enc
from hearth.encompass.models import EncompassChild, EncompassNotification
from hearth.incidents.models import ChildInvolvement, Education, Incident, Party
from hearth.obligations import registry
from hearth.obligations.models import Deadline, Obligation
from hearth.people.models import Person, Relationship
from hearth.people.policy import family_name_key, normalise_name
from hearth.referrals import policy
from hearth.referrals.models import MaracReferral, MaracReferralChild
from hearth.risk.models import ChildRisk, RiskAssessment
from hearth.risk.policy import CHILD_RISK_RULE, GRADING_RULE
from hearth.schools.models import EducationSetting

REFERENCE_PREFIX = "WX/VOL/"
ONLY_KEY_PREFIX = "VOL-ONLY:"
BATCH = 1000  # incidents per bulk write

GIRLS = [
    "Amelia",
    "Ava",
    "Chloe",
    "Daisy",
    "Ella",
    "Emily",
    "Evie",
    "Freya",
    "Grace",
    "Isla",
    "Ivy",
    "Lily",
    "Maisie",
    "Mia",
    "Millie",
    "Olivia",
    "Poppy",
    "Rosie",
    "Ruby",
    "Sophia",
    "Willow",
    "Zara",
]
BOYS = [
    "Alfie",
    "Archie",
    "Arthur",
    "Charlie",
    "Finley",
    "Freddie",
    "George",
    "Harry",
    "Henry",
    "Jack",
    "Jacob",
    "Leo",
    "Logan",
    "Noah",
    "Oliver",
    "Oscar",
    "Reuben",
    "Riley",
    "Teddy",
    "Theo",
    "Thomas",
    "Tommy",
]
WOMEN = [
    "Amy",
    "Charlotte",
    "Claire",
    "Danielle",
    "Emma",
    "Gemma",
    "Hannah",
    "Jade",
    "Jennifer",
    "Kayleigh",
    "Kerry",
    "Laura",
    "Leanne",
    "Lisa",
    "Nicola",
    "Rachel",
    "Rebecca",
    "Sarah",
    "Stacey",
    "Victoria",
]
MEN = [
    "Aaron",
    "Adam",
    "Ben",
    "Carl",
    "Craig",
    "Daniel",
    "Darren",
    "Dean",
    "Gary",
    "Jamie",
    "Jason",
    "Lee",
    "Liam",
    "Mark",
    "Matthew",
    "Michael",
    "Paul",
    "Ryan",
    "Scott",
    "Wayne",
]
FAMILY = [
    "Ashdown",
    "Barrow",
    "Calder",
    "Dunmore",
    "Elsworth",
    "Fenwick",
    "Garside",
    "Hartnell",
    "Ingleby",
    "Jessop",
    "Kendrew",
    "Larkin",
    "Mowbray",
    "Netherton",
    "Orrell",
    "Pargeter",
    "Quenby",
    "Rushworth",
    "Shadwell",
    "Thorley",
    "Upfold",
    "Varley",
    "Wetherall",
    "Yardley",
    "Abbot",
    "Brackley",
    "Colley",
    "Dryden",
    "Eastwood",
    "Fairley",
    "Gledhill",
    "Hebden",
    "Ivers",
    "Jowett",
    "Kitching",
    "Loxley",
    "Marsden",
    "Norcliffe",
    "Oakes",
    "Penrose",
]
STREETS = [
    "Heron Way",
    "Larch Close",
    "Mill Lane",
    "Station Road",
    "Church Street",
    "Orchard Rise",
    "Willow Drive",
    "Kestrel Court",
    "Meadow View",
    "Quarry Hill",
]
ABUSE = [
    "physical_or_sexual",
    "controlling_or_coercive",
    "violent_or_threatening",
    "economic",
    "psychological_or_emotional",
]
CLOSING = [d.value for d in policy.CLOSING_DECISIONS]

HOT_SCHOOL_URN = "990003"  # Brackenford Primary School: the dsl03 demo sign-in's school


@dataclass
class VolumeReport:
    incidents: int = 0
    people: int = 0
    obligations: int = 0
    deadlines: int = 0
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + n


@dataclass
class _Area:
    area: Area
    front_door: Team
    marac: Team
    education_safeguarding: Team | None
    schools: list[EducationSetting]
    hot_school: EducationSetting | None


@dataclass
class _Reference:
    police: Agency
    ppu: Team
    officer: User
    idva: Team
    areas: list[_Area]


class VolumeError(Exception):
    """The demo area is missing: seed it first."""


def _reference() -> _Reference:
    try:
        police = Agency.objects.get(slug="wessex-police")
        ppu = Team.objects.get(slug="wessex-police-public-protection-unit")
        officer = User.objects.get(email="response.officer@police.wessex.example")
        idva = Team.objects.get(slug="wessex-idva-team")
    except (Agency.DoesNotExist, Team.DoesNotExist, User.DoesNotExist) as error:
        raise VolumeError("Seed the Wessex demo area first (manage.py seed_demo).") from error
    areas = []
    for name in ("Northshire", "Southmoor"):
        area = Area.objects.get(name=name, kind=Area.Kind.LOCAL_AUTHORITY)
        slug = name.lower()
        schools = list(
            EducationSetting.objects.filter(local_authority=area, dsl_team__isnull=False)
            .select_related("dsl_team")
            .order_by("urn")
        )
        areas.append(
            _Area(
                area=area,
                front_door=Team.objects.get(slug=f"{slug}-front-door"),
                marac=Team.objects.get(slug=f"{slug}-marac-coordination"),
                education_safeguarding=Team.objects.filter(
                    slug=f"{slug}-education-safeguarding"
                ).first(),
                schools=schools,
                hot_school=next((s for s in schools if s.urn == HOT_SCHOOL_URN), None),
            )
        )
    return _Reference(police=police, ppu=ppu, officer=officer, idva=idva, areas=areas)


def _person(
    rng: random.Random, ref: _Reference, *, sex: str, born: dt.date, given: str, family: str
) -> Person:
    return Person(
        given_names=given,
        family_name=family,
        given_names_key=normalise_name(given),
        family_name_key=family_name_key(family),
        date_of_birth=born,
        sex=sex,
        recorded_by_agency=ref.police,
    )


@dataclass
class _Family:
    victim: Person
    perpetrator: Person
    children: list[Person]
    area: int


class _Batch:
    """The rows of up to ``BATCH`` incidents, written table by table."""

    def __init__(self) -> None:
        self.people: list[Person] = []
        self.incidents: list[Incident] = []
        self.parties: list[Party] = []
        self.involvements: list[ChildInvolvement] = []
        self.relationships: list[Relationship] = []
        self.assessments: list[RiskAssessment] = []
        self.child_risks: list[ChildRisk] = []
        self.obligations: list[Obligation] = []
        self.deadlines: list[Deadline] = []
        self.notifications: list[EncompassNotification] = []
        self.encompass_children: list[EncompassChild] = []
        self.referrals: list[MaracReferral] = []
        self.referral_children: list[MaracReferralChild] = []
        self.triggers: list[tuple[Obligation, Obligation]] = []

    def write(self, report: VolumeReport) -> None:
        size = 2000
        _store_next_due(self.obligations, self.deadlines)
        for name, rows in (
            ("people", self.people),
            ("incidents", self.incidents),
            ("parties", self.parties),
            ("involvements", self.involvements),
            ("relationships", self.relationships),
            ("risk_assessments", self.assessments),
            ("child_risks", self.child_risks),
            ("obligations", self.obligations),
            ("deadlines", self.deadlines),
            ("encompass_notifications", self.notifications),
            ("encompass_children", self.encompass_children),
            ("marac_referrals", self.referrals),
            ("marac_referral_children", self.referral_children),
        ):
            if rows:
                manager: Any = type(rows[0]).objects
                manager.bulk_create(rows, batch_size=size)
                report.add(name, len(rows))
        if self.triggers:
            through = Obligation.triggered_by.through
            through.objects.bulk_create(
                [through(from_obligation_id=c.pk, to_obligation_id=a.pk) for c, a in self.triggers],
                batch_size=size,
            )
            report.add("follow_up_triggers", len(self.triggers))
        report.people += len(self.people)
        report.incidents += len(self.incidents)
        report.obligations += len(self.obligations)
        report.deadlines += len(self.deadlines)


class _Generator:
    def __init__(
        self,
        *,
        seed: int,
        start: int,
        ref: _Reference,
        now: dt.datetime,
        history: bool = False,
    ) -> None:
        self.rng = random.Random(f"{seed}:{start}")  # noqa: S311 (synthetic data, not secrets)
        self.ref = ref
        self.now = now
        self.history = history
        self.families: list[_Family] = []
        self.working_days_version = f"1/1/holidays-{holidays.__version__}"
        self._due_cache: dict[tuple[dt.date, int], dt.datetime] = {}

    # --- time -----------------------------------------------------------------------------

    def working_days(self, moment: dt.datetime, n: int) -> dt.datetime:
        day = calendar.local_date(moment)
        key = (day, n)
        if key not in self._due_cache:
            self._due_cache[key] = calendar.working_day_deadline(moment, n)
        return self._due_cache[key]

    def next_school_day(self, moment: dt.datetime) -> dt.datetime:
        day = calendar.next_working_day(calendar.local_date(moment))
        return dt.datetime.combine(day, calendar.SCHOOL_DAY_FALLBACK_STARTS, clock.LONDON)

    # --- people ---------------------------------------------------------------------------

    def new_family(self, batch: _Batch, occurred: dt.datetime, area: int) -> _Family:
        rng = self.rng
        today = occurred.date()
        family = rng.choice(FAMILY)
        victim = _person(
            rng,
            self.ref,
            sex="female" if rng.random() < 0.85 else "male",
            born=today - dt.timedelta(days=rng.randint(19 * 365, 50 * 365)),
            given=rng.choice(WOMEN),
            family=family,
        )
        if victim.sex == "male":
            victim.given_names = victim.given_names_key = rng.choice(MEN)
            victim.given_names_key = normalise_name(victim.given_names)
        perpetrator = _person(
            rng,
            self.ref,
            sex="male",
            born=today - dt.timedelta(days=rng.randint(19 * 365, 55 * 365)),
            given=rng.choice(MEN),
            family=rng.choice(FAMILY),
        )
        count = rng.choices([0, 1, 2, 3, 4], weights=[25, 30, 25, 13, 7])[0]
        children = []
        for _ in range(count):
            girl = rng.random() < 0.5
            children.append(
                _person(
                    rng,
                    self.ref,
                    sex="female" if girl else "male",
                    born=today - dt.timedelta(days=rng.randint(60, 17 * 365)),
                    given=rng.choice(GIRLS if girl else BOYS),
                    family=family,
                )
            )
        batch.people.extend([victim, perpetrator, *children])
        batch.relationships.append(
            Relationship(person=victim, other=perpetrator, kinship="intimate_partners")
        )
        for child in children:
            batch.relationships.append(
                Relationship(
                    person=victim, other=child, kinship="parent", parental_responsibility=True
                )
            )
            batch.relationships.append(
                Relationship(
                    person=perpetrator, other=child, kinship="parent", parental_responsibility=True
                )
            )
        made = _Family(victim=victim, perpetrator=perpetrator, children=children, area=area)
        self.families.append(made)
        return made

    # --- one incident ---------------------------------------------------------------------

    def incident(self, batch: _Batch, number: int) -> None:
        rng = self.rng
        ref = self.ref
        earliest = HISTORY_DAYS[0] * 86400 if self.history else 3600
        latest = HISTORY_DAYS[1] * 86400 if self.history else 365 * 86400
        occurred = self.now - dt.timedelta(seconds=rng.randint(earliest, latest))
        if self.families and rng.random() < 0.2:
            family = rng.choice(self.families)  # a repeat victim: the same people again
        else:
            family = self.new_family(batch, occurred, 0 if rng.random() < 0.7 else 1)
        area = ref.areas[family.area]
        submitted = occurred + dt.timedelta(minutes=rng.randint(30, 300))
        street = f"{rng.randint(1, 120)} {rng.choice(STREETS)}"
        incident = Incident(
            kind=Incident.Kind.POLICE,
            status=Incident.Status.SUBMITTED,
            version=1,
            recorded_by_agency=ref.police,
            recorded_by=ref.officer,
            police_reference=f"{REFERENCE_PREFIX}{number:07d}",
            occurred_at=occurred,
            reported_at=occurred + dt.timedelta(minutes=5),
            location_line_1=street,
            location_town=area.area.name,
            location_postcode=f"WX{rng.randint(1, 9)} {rng.randint(1, 9)}AB",
            local_authority=area.area,
            abuse_types=rng.sample(ABUSE, rng.randint(1, 2)),
            pattern=rng.choice([p.value for p in Incident.Pattern]),
            summary="Neighbour called police after hearing shouting.",
            arrest_made=rng.random() < 0.4,
            victim_pregnant=Incident.Pregnancy.NO,
            no_children_attested=not family.children,
            no_children_how="Asked the adults and checked the house."
            if not family.children
            else "",
            submitted_at=submitted,
            created_at=occurred,
            updated_at=submitted,
        )
        batch.incidents.append(incident)
        batch.parties.append(
            Party(incident=incident, person=family.victim, role=Party.Role.ADULT_VICTIM)
        )
        batch.parties.append(
            Party(incident=incident, person=family.perpetrator, role=Party.Role.ALLEGED_PERPETRATOR)
        )
        score = min(27, max(0, int(rng.gauss(8, 4))))
        grade = 3 if score >= 14 else (2 if score >= 10 else 1)
        batch.assessments.append(
            RiskAssessment(
                incident=incident,
                victim=family.victim,
                perpetrator=family.perpetrator,
                recorded_by_agency=ref.police,
                recorded_by=ref.officer,
                instrument_key="police_dash",
                instrument_version="2009",
                status=RiskAssessment.Status.COMPLETED,
                safe_to_talk="yes",
                score=score,
                actuarial_grade=grade,
                grade=grade,
                basis="actuarial",
                reasons=[f"{score} yes answers: 14 or more is high"] if grade == 3 else [],
                bands={"high_from": 14, "medium_from": None},
                rule=GRADING_RULE,
                completed_at=submitted,
                created_at=submitted,
                updated_at=submitted,
            )
        )
        age_days = (self.now - occurred).days
        ccns: dict[int, Obligation] = {}
        at_school: dict[int, list[Person]] = {}
        for child in family.children:
            batch.parties.append(Party(incident=incident, person=child, role=Party.Role.CHILD))
            age = (occurred.date() - child.date_of_birth).days // 365  # type: ignore[operator]
            school = None
            if age >= 4 and area.schools:
                school = (
                    area.hot_school
                    if area.hot_school is not None and rng.random() < 0.3
                    else rng.choice(area.schools)
                )
            present = rng.random() < 0.7
            batch.involvements.append(
                ChildInvolvement(
                    incident=incident,
                    child=child,
                    normally_resident=True,
                    present=present,
                    saw=present and rng.random() < 0.5,
                    heard=present,
                    experienced_effects=not present,
                    welfare_check_done=True,
                    spoken_to=present and age >= 4,
                    spoken_to_alone=False,
                    education=Education.REGISTERED if school else Education.UNDER_SCHOOL_AGE,
                    education_setting=school.name if school else "",
                    education_setting_urn=school.urn if school else "",
                    created_at=occurred,
                    updated_at=submitted,
                )
            )
            level = rng.choices([1, 2, 3, 4], weights=[50, 30, 15, 5])[0]
            batch.child_risks.append(
                ChildRisk(
                    child=child,
                    incident=incident,
                    recorded_by_agency=ref.police,
                    assessed_by=ref.officer,
                    rule_level=level,
                    level=level,
                    basis="actuarial",
                    factors=[],
                    rule=CHILD_RISK_RULE,
                    created_at=submitted,
                    updated_at=submitted,
                )
            )
            if school is not None:
                at_school.setdefault(school.pk, []).append(child)
            open_share = 0.25 if family.area == 0 else (0.6 if age_days < 14 else 0.03)
            ccns[id(child)] = self.obligation(
                batch,
                incident=incident,
                route=policy.Route.CHILD_CONCERN,
                subject=child,
                team=area.front_door,
                key="CCN-1:incident:{i}:child:{s}",
                reason=(
                    f"A child at a domestic abuse incident, living in {area.area.name}: "
                    "their children's services front door must decide within one "
                    "working day"
                ),
                data={"referral_source": "6"},
                submitted=submitted,
                open_share=open_share,
                stages=[(policy.Stage.ACKNOWLEDGE, 1), (policy.Stage.DECIDE, 1)],
                outcomes=CLOSING,
            )
        schools = {s.pk: s for s in area.schools}
        for school_id, children in at_school.items():
            setting = schools[school_id]
            names = ",".join(sorted(c.given_names for c in children))
            digest = hashlib.md5(names.encode(), usedforsecurity=False).hexdigest()
            words = "A child" if len(children) == 1 else f"{len(children)} children"
            obligation = self.obligation(
                batch,
                incident=incident,
                route=enc.ROUTE,
                subject=children[0],
                team=setting.dsl_team,  # type: ignore[arg-type]  # only schools with a DSL team
                key=f"ENC-1:incident:{{i}}:team:{setting.dsl_team_id}:"
                f"children:{len(children)}:{digest}",
                reason=f"{words} related to an adult at a domestic abuse incident, "
                f"registered at {setting.name}: its designated safeguarding lead is told "
                "before the next school day",
                data={"setting_urn": setting.urn, "addressee": "setting", "template": "full"},
                submitted=submitted,
                open_share=0.5 if age_days < 7 else 0.01,
                stages=[(policy.Stage.ACKNOWLEDGE, None)],
                outcomes=[
                    enc.EncompassSupport.SILENT.value,
                    enc.EncompassSupport.OVERT.value,
                ],
            )
            notification = EncompassNotification(
                obligation=obligation,
                setting=setting,
                template="full",
                content={
                    "template": "full",
                    "incident_date": occurred.astimezone(clock.LONDON).date().isoformat(),
                    "children": [
                        {
                            "name": c.full_name,
                            "date_of_birth": c.date_of_birth.isoformat(),  # type: ignore[union-attr]
                            "present": True,
                            "welfare_check_done": True,
                        }
                        for c in children
                    ],
                    "police_reference": incident.police_reference,
                    "occurred_at": occurred.isoformat(),
                    "location": f"{street}, {area.area.name}",
                },
                delivered_at=obligation.sent_at,
                first_opened_at=obligation.acknowledged_at,
                escalated_to=(
                    area.education_safeguarding
                    if obligation.is_open and obligation.deadlines_overdue  # type: ignore[attr-defined]
                    else None
                ),
                created_at=submitted,
                updated_at=submitted,
            )
            batch.notifications.append(notification)
            for child in children:
                batch.encompass_children.append(
                    EncompassChild(notification=notification, child=child)
                )
            obligation.encompass_children = children  # type: ignore[attr-defined]
        if grade == 3:
            self.high_risk(batch, incident, family, area, submitted, age_days, ccns)

    def high_risk(
        self,
        batch: _Batch,
        incident: Incident,
        family: _Family,
        area: _Area,
        submitted: dt.datetime,
        age_days: int,
        ccns: dict[int, Obligation],
    ) -> None:
        open_share = 0.5 if age_days < 30 else 0.03
        marac = self.obligation(
            batch,
            incident=incident,
            route=policy.Route.MARAC_REFERRAL,
            subject=family.victim,
            team=area.marac,
            key="MARAC-REF-1:incident:{i}:victim:{s}",
            reason="MARAC criteria met: 14 or more is visible high risk",
            data={"criteria": ["visible_high_risk"], "children": []},
            submitted=submitted,
            open_share=open_share,
            stages=[(policy.Stage.SEND, 1), (policy.Stage.ACKNOWLEDGE, 2)],
            outcomes=[o.value for o in policy.MaracOutcome],
            referrer_stage=policy.Stage.SEND,
        )
        referral = MaracReferral(
            obligation=marac,
            criteria=["visible_high_risk"],
            criteria_basis=["14 or more is visible high risk"],
            victim_aware=True,
            consent_given=True,
            created_at=submitted,
            updated_at=submitted,
        )
        batch.referrals.append(referral)
        for child in family.children:
            batch.referral_children.append(
                MaracReferralChild(referral=referral, child=child, notification=ccns.get(id(child)))
            )
        idva = self.obligation(
            batch,
            incident=incident,
            route=policy.Route.IDVA_REFERRAL,
            subject=family.victim,
            team=self.ref.idva,
            key="IDVA-1:incident:{i}:victim:{s}",
            reason="The adult victim is at high risk: an IDVA service is asked to support them",
            data={},
            submitted=submitted,
            open_share=open_share,
            stages=[(policy.Stage.ACKNOWLEDGE, 1)],
            outcomes=[o.value for o in policy.IdvaOutcome],
        )
        if idva.acknowledged_at is None:
            return
        for child in family.children:
            follow_up = self.obligation(
                batch,
                incident=incident,
                route=policy.Route.CHILD_FOLLOW_UP,
                subject=child,
                team=area.front_door,
                key="FOLLOW-UP-1:incident:{i}:child:{s}",
                reason="The adult victim is being supported (IDVA referral acknowledged): "
                "the child must be checked on",
                data={"support_route": "idva_referral"},
                submitted=idva.acknowledged_at,
                open_share=open_share,
                stages=[(policy.Stage.OUTCOME, 10)],
                outcomes=[o.value for o in policy.FollowUpOutcome],
                victim=family.victim,
            )
            batch.triggers.append((follow_up, idva))

    def obligation(
        self,
        batch: _Batch,
        *,
        incident: Incident,
        route: str,
        subject: Person,
        team: Team,
        key: str,
        reason: str,
        data: dict[str, Any],
        submitted: dt.datetime,
        open_share: float,
        stages: list[tuple[policy.Stage, int | None]],
        outcomes: list[str],
        referrer_stage: policy.Stage | None = None,
        victim: Person | None = None,
    ) -> Obligation:
        rng = self.rng
        # History (the demo's past year) is all finished work: no inbox fills with it.
        is_open = rng.random() < open_share and not self.history
        if is_open:
            if referrer_stage is not None and rng.random() < 0.3:
                status = policy.Status.CREATED
            else:
                status = rng.choices([policy.Status.SENT, policy.Status.ACKNOWLEDGED], [7, 3])[0]
        else:
            status = policy.Status.WITHDRAWN if rng.random() < 0.01 else policy.Status.CLOSED
        sent = None if status == policy.Status.CREATED else submitted
        acknowledged = (
            submitted + dt.timedelta(hours=rng.randint(1, 20))
            if status in (policy.Status.ACKNOWLEDGED, policy.Status.CLOSED)
            else None
        )
        if acknowledged is not None and acknowledged > self.now:
            acknowledged = self.now
        closed = None
        if status == policy.Status.CLOSED:
            closed = min(
                self.now, (acknowledged or submitted) + dt.timedelta(days=rng.randint(1, 30))
            )
        elif status == policy.Status.WITHDRAWN:
            closed = min(self.now, submitted + dt.timedelta(days=1))
        obligation = Obligation(
            key=key,
            route=str(route),
            subject=subject,
            incident=incident,
            team=team,
            referrer_agency=self.ref.police,
            referrer_team=self.ref.ppu,
            rule=registry.get(route).rule,
            rule_version=policy.RULE_VERSION,
            reason=reason,
            status=status.value,
            data=dict(data),
            sent_at=sent,
            acknowledged_at=acknowledged,
            outcome=rng.choice(outcomes) if status == policy.Status.CLOSED else "",
            outcome_at=closed if status == policy.Status.CLOSED else None,
            closed_at=closed,
            withdrawn_reason="Recorded twice" if status == policy.Status.WITHDRAWN else "",
            access_ends_at=closed + dt.timedelta(days=30) if closed else None,
            created_at=submitted,
            updated_at=closed or acknowledged or submitted,
        )
        obligation.victim = victim  # type: ignore[attr-defined]
        obligation.key_pattern = key  # type: ignore[attr-defined]
        obligation.deadlines_overdue = False  # type: ignore[attr-defined]
        batch.obligations.append(obligation)
        for stage, days in stages:
            if days is None:
                due = self.next_school_day(submitted)
                rule, basis, estimated = (
                    registry.get(route).rule,
                    (
                        "The start of the next school day (estimated: weekdays that are not "
                        "bank holidays)"
                    ),
                    True,
                )
            else:
                due = self.working_days(submitted, days)
                rule, basis, estimated = (
                    registry.get(route).rule,
                    (
                        f"{days} working day{'s' if days > 1 else ''} from receipt (Working "
                        "Together to Safeguard Children 2023)"
                    ),
                    False,
                )
            owner = policy.Owner.REFERRER if stage == referrer_stage else policy.Owner.RECIPIENT
            met = None
            if closed is not None:
                met = min(closed, due)
            elif acknowledged is not None and stage == policy.Stage.ACKNOWLEDGE:
                met = acknowledged
            elif stage == referrer_stage and status != policy.Status.CREATED:
                met = submitted
            deadline = Deadline(
                obligation=obligation,
                stage=stage.value,
                owner=owner.value,
                due_at=due,
                rule=rule,
                rule_version=self.working_days_version,
                basis=basis,
                estimated=estimated,
                met_at=met,
                created_at=submitted,
            )
            if met is None and due <= self.now:
                # Already swept: every step of the ladder has happened once.
                deadline.overdue_at = due + dt.timedelta(minutes=1)
                deadline.reminder_at = due + dt.timedelta(hours=1)
                deadline.manager_at = due + dt.timedelta(hours=4)
                deadline.escalation_team_at = due + dt.timedelta(days=1)
                obligation.deadlines_overdue = True  # type: ignore[attr-defined]
            batch.deadlines.append(deadline)
        return obligation


def _store_next_due(obligations: list[Obligation], deadlines: list[Deadline]) -> None:
    """Each obligation's stored next due time, as ``refresh_next_due`` would store it: its
    soonest unmet deadline, none once it has ended."""
    soonest: dict[int, dt.datetime] = {}
    for deadline in deadlines:
        if deadline.met_at is None:
            key = id(deadline.obligation)
            soonest[key] = min(soonest.get(key, deadline.due_at), deadline.due_at)
    for obligation in obligations:
        ended = obligation.status in policy.ENDED
        obligation.next_due_at = None if ended else soonest.get(id(obligation))


def _finish_keys(batch: _Batch) -> None:
    """Keys and data name row ids, known only once incidents and people are written."""
    for obligation in batch.obligations:
        obligation.key = obligation.key_pattern.format(  # type: ignore[attr-defined]
            i=obligation.incident.pk, s=obligation.subject.pk
        )
        children = getattr(obligation, "encompass_children", None)
        if children is not None:
            obligation.data["children"] = [c.pk for c in children]
        victim = getattr(obligation, "victim", None)
        if victim is not None:
            obligation.data["victim_id"] = victim.pk
    for referral in batch.referrals:
        referral.obligation.data["children"] = [
            c.child.pk for c in batch.referral_children if c.referral is referral
        ]
    for notification in batch.notifications:
        for entry, child in zip(
            notification.content["children"],
            notification.obligation.encompass_children,  # type: ignore[attr-defined]
            strict=True,
        ):
            entry["person_id"] = child.pk


# The demo's history: incidents between these many days ago (``generate_volume(history=
# True)``), so a past financial year and the current one both have figures.
HISTORY_DAYS = (30, 395)


def generated_incident_count() -> int:
    return Incident.objects.filter(police_reference__startswith=REFERENCE_PREFIX).count()


def generate_volume(
    *,
    incidents: int,
    seed: int = 1,
    progress: Callable[[str], None] | None = None,
    history: bool = False,
) -> VolumeReport:
    """Add ``incidents`` synthetic incidents (and everything routing would have made) to
    the seeded demo area. Runs again add more, numbered on from the last.

    ``history``: the demo's past year instead of a benchmark's load: every incident
    happened 30 to 395 days ago (``HISTORY_DAYS``) and all its work is finished, so the
    statistics have a year to count while no inbox, and no list's first page, changes."""
    ref = _reference()
    start = generated_incident_count()
    generator = _Generator(seed=seed, start=start, ref=ref, now=clock.now(), history=history)
    report = VolumeReport()
    done = 0
    while done < incidents:
        batch = _Batch()
        size = min(BATCH, incidents - done)
        for n in range(size):
            generator.incident(batch, start + done + n + 1)
        _write(batch, report)
        done += size
        if progress:
            for _ in range(size):
                progress("incidents")
    analyze()
    return report


def _write(batch: _Batch, report: VolumeReport) -> None:
    with transaction.atomic():
        Person.objects.bulk_create(batch.people, batch_size=2000)
        Incident.objects.bulk_create(batch.incidents, batch_size=2000)
        _finish_keys(batch)
        report.add("people", len(batch.people))
        report.add("incidents", len(batch.incidents))
        people, incidents = batch.people, batch.incidents
        batch.people, batch.incidents = [], []
        batch.write(report)
        report.people += len(people)
        report.incidents += len(incidents)


def generate_obligations_only(
    *, count: int, seed: int = 1, progress: Callable[[str], None] | None = None
) -> VolumeReport:
    """Add ``count`` child follow-up obligations (one deadline each) to incidents already
    generated, for sweeper benchmarks at a million obligations: 95 % closed, the open rest
    with deadlines to come or already swept, so an idle sweep stays idle."""
    ref = _reference()
    rows = list(
        Party.objects.filter(
            role=Party.Role.CHILD, incident__police_reference__startswith=REFERENCE_PREFIX
        ).values_list("incident_id", "person_id", "incident__local_authority_id")[:50_000]
    )
    if not rows:
        raise VolumeError("Generate some incidents first (generate_volume --incidents N).")
    teams = {a.area.pk: a.front_door for a in ref.areas}
    start = Obligation.objects.filter(key__startswith=ONLY_KEY_PREFIX).count()
    rng = random.Random(f"{seed}:only:{start}")  # noqa: S311 (synthetic data)
    now = clock.now()
    report = VolumeReport()
    done = 0
    while done < count:
        size = min(5000, count - done)
        obligations, deadlines = [], []
        for n in range(size):
            incident_id, person_id, area_id = rows[rng.randrange(len(rows))]
            made = now - dt.timedelta(seconds=rng.randint(3600, 365 * 86400))
            is_open = rng.random() < 0.05
            closed = None if is_open else min(now, made + dt.timedelta(days=rng.randint(1, 20)))
            obligation = Obligation(
                key=f"{ONLY_KEY_PREFIX}{start + done + n + 1}",
                route=policy.Route.CHILD_FOLLOW_UP.value,
                subject_id=person_id,
                incident_id=incident_id,
                team=teams.get(area_id, ref.areas[0].front_door),
                referrer_agency=ref.police,
                referrer_team=ref.ppu,
                rule=policy.ROUTE_RULES[policy.Route.CHILD_FOLLOW_UP],
                rule_version=policy.RULE_VERSION,
                reason="The adult victim is being supported: the child must be checked on",
                status=(policy.Status.SENT if is_open else policy.Status.CLOSED).value,
                data={"support_route": "idva_referral"},
                sent_at=made,
                outcome="" if is_open else "safe_and_supported",
                outcome_at=closed,
                closed_at=closed,
                access_ends_at=closed + dt.timedelta(days=30) if closed else None,
                created_at=made,
                updated_at=closed or made,
            )
            due = made + dt.timedelta(days=14)
            deadline = Deadline(
                obligation=obligation,
                stage=policy.Stage.OUTCOME.value,
                owner=policy.Owner.RECIPIENT.value,
                due_at=due,
                rule=policy.ROUTE_RULES[policy.Route.CHILD_FOLLOW_UP],
                rule_version=f"1/1/holidays-{holidays.__version__}",
                basis="10 working days from the adult's support starting",
                met_at=closed,
                created_at=made,
            )
            if is_open and due <= now:
                deadline.overdue_at = deadline.reminder_at = due
                deadline.manager_at = deadline.escalation_team_at = due
            obligations.append(obligation)
            deadlines.append(deadline)
        _store_next_due(obligations, deadlines)
        with transaction.atomic():
            Obligation.objects.bulk_create(obligations, batch_size=5000)
            Deadline.objects.bulk_create(deadlines, batch_size=5000)
        report.obligations += size
        report.deadlines += size
        done += size
        if progress:
            for _ in range(size):
                progress("obligations")
    analyze()
    return report


def analyze() -> None:
    """After a bulk load, what autovacuum would soon do on a live system (PostgreSQL;
    SQLite needs none here): fresh planner statistics, and the visibility map set, so
    that counts and lists read from covering indexes alone (an index-only scan reads
    the table for every row of a page not yet marked all-visible)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # VACUUM cannot run inside a transaction (a test's, say): statistics only.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
