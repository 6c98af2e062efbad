"""The fictional Wessex demo area: one police force, two local authorities, their schools,
MARACs, an IDVA service, specialist children's services, an analyst and an administrator.

Everything here is made up. Area codes are outside the ranges ONS has issued; email
addresses use the reserved ``.example`` domain. The seed goes through the same services
as real set-up, so it leaves the same timeline and history, and it is idempotent: run it
again and nothing is duplicated or reset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from hearth.accounts import services
from hearth.accounts.models import Agency, Area, Country, Team, TeamFunction
from hearth.core.actor import AgencyKind, Role
from hearth.demo.directory import seed_directory
from hearth.demo.families import seed_families
from hearth.demo.incidents import seed_incidents
from hearth.demo.marac import seed_marac
from hearth.demo.obligations import seed_obligations
from hearth.demo.schools import seed_schools
from hearth.demo.specialist import seed_specialist
from hearth.demo.stats import LOCAL_AUTHORITIES, seed_population
from hearth.voices.demo import seed_voices

DEMO_PASSWORD = "wessex-demo-only"  # printed by `make run`; demo mode only
DOMAIN = "wessex.example"

POLICE_FORCE_AREA = ("E23900001", "Wessex")
# LOCAL_AUTHORITIES (codes and names) comes from hearth/demo/stats.py, which needs them too.

# Twenty settings per local authority: (name, kind of setting).
SCHOOL_TOWNS = {
    "Northshire": (
        "Ashcombe",
        "Brackenford",
        "Coldharbour",
        "Dunmere",
        "Elmstead",
        "Fernhill",
        "Greywater",
        "Hollowell",
        "Ivybridge Cross",
        "Juniper Vale",
    ),
    "Southmoor": (
        "Kestrel Down",
        "Larkmoor",
        "Millbrook",
        "Netherby",
        "Oakhollow",
        "Pennystone",
        "Quarry Bank",
        "Redlynch",
        "Saltmarsh",
        "Thornbury Heath",
    ),
}
SCHOOL_KINDS = ("Primary School", "Academy")
# Brackenford Primary School is the third school: its DSL is dsl03.
BRACKENFORD_INDEX = 3
COLLEGES = {"Northshire": "Northshire College", "Southmoor": "Southmoor Sixth Form College"}


@dataclass(frozen=True)
class DemoSignIn:
    email: str
    role: str
    agency: str


def _slug(name: str) -> str:
    return "-".join(name.lower().replace("'", "").split())


def _email(local: str, org: str) -> str:
    return f"{local}@{org}.{DOMAIN}"


@dataclass(frozen=True)
class _LocalAuthority:
    council: Agency
    front_door: Team
    duty: Team
    education: Team
    marac: Agency
    marac_team: Team


class _Seeder:
    def __init__(self, progress: Callable[[str], None]) -> None:
        self.progress = progress
        self.sign_ins: list[DemoSignIn] = []

    def area(self, code: str, name: str, kind: str, pfa: Area | None = None) -> Area:
        return services.area_ensure(
            actor=None,
            code=code,
            name=name,
            kind=kind,
            country=Country.ENGLAND,
            police_force_area=pfa,
        )

    def agency(self, name: str, kind: str, areas: list[Area]) -> Agency:
        return services.agency_ensure(
            actor=None, slug=_slug(name), name=name, kind=kind, areas=areas
        )

    def team(self, agency: Agency, name: str, function: str) -> Team:
        slug = _slug(name)
        return services.team_ensure(
            actor=None,
            agency=agency,
            slug=slug,
            name=name,
            function=function,
            email=f"{slug}@{agency.slug}.{DOMAIN}",
        )

    def local_authority(self, name: str, la: Area) -> _LocalAuthority:
        council = self.agency(
            f"{name} Council children's services", AgencyKind.CHILDRENS_SERVICES, [la]
        )
        marac = self.agency(f"{name} MARAC", AgencyKind.MARAC, [la])
        front_door = self.team(council, f"{name} front door", TeamFunction.FRONT_DOOR)
        duty = self.team(council, f"{name} children's services duty manager", TeamFunction.DUTY)
        # Overdue front-door work goes to the team's manager, then to the duty manager.
        services.team_escalation_set(actor=None, team=front_door, escalation_team=duty)
        return _LocalAuthority(
            council=council,
            front_door=front_door,
            duty=duty,
            education=self.team(
                council, f"{name} education safeguarding", TeamFunction.EDUCATION_SAFEGUARDING
            ),
            marac=marac,
            marac_team=self.team(marac, f"{name} MARAC coordination", TeamFunction.MARAC),
        )

    def person(
        self,
        email: str,
        first: str,
        last: str,
        roles: list[tuple[Agency, Team | None, str]],
        listed: bool = True,
        manages: bool = False,
    ) -> None:
        """A demo person; ``manages``: they manage the teams of their memberships."""
        user = services.user_ensure(
            actor=None,
            email=email,
            first_name=first,
            last_name=last,
            password=DEMO_PASSWORD,
            is_demo=True,
        )
        for agency, team, role in roles:
            services.membership_add(
                actor=None,
                user=user,
                agency=agency,
                team=team,
                role=role,
                is_manager=manages and team is not None,
            )
        if listed:
            self.sign_ins.append(
                DemoSignIn(email=user.email, role=Role(roles[0][2]).label, agency=roles[0][0].name)
            )
        self.progress(email)


def seed_wessex(progress: Callable[[str], None] = lambda _: None) -> list[DemoSignIn]:
    """Create (or find) the Wessex demo area and its demo incidents. Returns the demo
    sign-ins, one per role."""
    with transaction.atomic():
        sign_ins = _seed(_Seeder(progress))
        seed_schools()
        seed_directory()  # the directory of specialist services (hearth/demo/directory.py)
        seed_incidents(progress=progress)
        seed_obligations()
        seed_specialist()  # referrals to Little Oaks (hearth/demo/specialist.py)
        seed_voices()  # what Tyler said after the second call (hearth/voices/demo.py)
        seed_marac()  # next week's Northshire MARAC meeting (hearth/demo/marac.py)
        seed_families()  # the Fenwrights' whole-family plan (hearth/demo/families.py)
        seed_population()  # made-up child populations for the rates (hearth/demo/stats.py)
        return sign_ins


def _seed(s: _Seeder) -> list[DemoSignIn]:
    pfa = s.area(*POLICE_FORCE_AREA, kind=Area.Kind.POLICE_FORCE_AREA)
    las = {
        name: s.area(code, name, kind=Area.Kind.LOCAL_AUTHORITY, pfa=pfa)
        for code, name in LOCAL_AUTHORITIES
    }
    all_areas = [pfa, *las.values()]

    host = s.agency("Hearth service for Wessex", AgencyKind.HOST, all_areas)
    host_admin = s.team(host, "Hearth service desk", TeamFunction.ADMINISTRATION)

    police = s.agency("Wessex Police", AgencyKind.POLICE_FORCE, [pfa])
    response = s.team(police, "Wessex Police response", TeamFunction.RESPONSE)
    ppu = s.team(police, "Wessex Police public protection unit", TeamFunction.PUBLIC_PROTECTION)

    councils = {name: s.local_authority(name, la) for name, la in las.items()}

    idva = s.agency("Wessex IDVA Service", AgencyKind.IDVA_SERVICE, all_areas)
    idva_team = s.team(idva, "Wessex IDVA team", TeamFunction.IDVA)
    specialists = [
        s.agency(
            "Little Oaks Children's Therapy",
            AgencyKind.SPECIALIST_CHILDRENS_SERVICE,
            [las["Northshire"]],
        ),
        s.agency(
            "Southmoor Young People's Domestic Abuse Service",
            AgencyKind.SPECIALIST_CHILDRENS_SERVICE,
            [las["Southmoor"]],
        ),
        s.agency(
            "Wessex Children's Recovery Project", AgencyKind.SPECIALIST_CHILDRENS_SERVICE, all_areas
        ),
    ]
    specialist_teams = [
        s.team(a, f"{a.name} referrals", TeamFunction.SPECIALIST) for a in specialists
    ]
    health = s.agency("Wessex Community Health", AgencyKind.HEALTH, all_areas)
    health_visiting = s.team(health, "Wessex health visiting", TeamFunction.HEALTH_VISITING)
    analytics = s.agency("Wessex Safeguarding Partnership", AgencyKind.ANALYTICS, all_areas)
    analysis = s.team(analytics, "Partnership analysis", TeamFunction.ANALYSIS)

    schools: list[tuple[Agency, Team]] = []
    for la_name, towns in SCHOOL_TOWNS.items():
        names = [f"{town} {kind}" for town in towns for kind in SCHOOL_KINDS][:19]
        names.append(COLLEGES[la_name])
        for name in names:
            school = s.agency(name, AgencyKind.SCHOOL, [las[la_name]])
            schools.append(
                (school, s.team(school, f"{name} safeguarding", TeamFunction.SCHOOL_SAFEGUARDING))
            )

    north, south = councils["Northshire"], councils["Southmoor"]
    nf, sf = north.council, south.council
    s.person(
        _email("response.officer", "police"),
        "Riley",
        "Ashdown",
        [(police, response, Role.RESPONSE_OFFICER)],
    )
    s.person(
        _email("ppu.officer", "police"),
        "Priya",
        "Bellamy",
        [(police, ppu, Role.PUBLIC_PROTECTION_OFFICER)],
    )
    s.person(
        _email("front.door", "northshire"),
        "Frankie",
        "Carver",
        [(nf, north.front_door, Role.FRONT_DOOR_PRACTITIONER)],
    )
    s.person(
        _email("front.door.manager", "northshire"),
        "Morgan",
        "Dale",
        [(nf, north.front_door, Role.FRONT_DOOR_MANAGER)],
        manages=True,
    )
    s.person(
        _email("front.door", "southmoor"),
        "Sam",
        "Everett",
        [(sf, south.front_door, Role.FRONT_DOOR_PRACTITIONER)],
    )
    s.person(
        _email("education.safeguarding", "northshire"),
        "Ellis",
        "Fairweather",
        [(nf, north.education, Role.EDUCATION_SAFEGUARDING_OFFICER)],
    )
    # An executive DSL for two schools in one federation: the organisation switcher's case.
    (first_school, first_team), (second_school, second_team) = schools[0], schools[1]
    s.person(
        _email("dsl", "schools"),
        "Dana",
        "Greenwood",
        [
            (first_school, first_team, Role.DESIGNATED_SAFEGUARDING_LEAD),
            (second_school, second_team, Role.DESIGNATED_SAFEGUARDING_LEAD),
        ],
    )
    s.person(
        _email("marac.coordinator", "northshire"),
        "Jordan",
        "Harcourt",
        [(north.marac, north.marac_team, Role.MARAC_COORDINATOR)],
    )
    s.person(
        _email("marac.coordinator", "southmoor"),
        "Alex",
        "Ingram",
        [(south.marac, south.marac_team, Role.MARAC_COORDINATOR)],
        listed=False,
    )
    s.person(_email("idva", "idva"), "Casey", "Jenner", [(idva, idva_team, Role.IDVA)])
    s.person(
        _email("specialist", "little-oaks"),
        "Robin",
        "Kettering",
        [(specialists[0], specialist_teams[0], Role.SPECIALIST_PRACTITIONER)],
    )
    s.person(
        _email("health.visitor", "health"),
        "Jamie",
        "Lowther",
        [(health, health_visiting, Role.HEALTH_PRACTITIONER)],
    )
    s.person(
        _email("analyst", "partnership"), "Taylor", "Marsh", [(analytics, analysis, Role.ANALYST)]
    )
    s.person(
        _email("data.quality", "hearth"),
        "Quinn",
        "Oakley",
        [(host, host_admin, Role.DATA_QUALITY_REVIEWER)],
    )
    s.person(
        _email("administrator", "hearth"),
        "Avery",
        "Norris",
        [(host, host_admin, Role.ADMINISTRATOR), (police, None, Role.ADMINISTRATOR)],
    )
    # Brackenford Primary School's deputy DSL: where its unacknowledged notifications go
    # after its DSL (issue 6 point 6).
    s.person(
        _email("deputy.dsl", "schools"),
        "Drew",
        "Hathaway",
        [(schools[2][0], schools[2][1], Role.DESIGNATED_SAFEGUARDING_LEAD)],
        listed=False,
    )
    for index, (school, team) in enumerate(schools[2:], start=3):
        s.person(
            _email(f"dsl{index:02d}", "schools"),
            "Designated",
            f"Lead {index:02d}",
            [(school, team, Role.DESIGNATED_SAFEGUARDING_LEAD)],
            # Brackenford Primary School's DSL: the demo incidents' notifications go there.
            listed=index == BRACKENFORD_INDEX,
        )
    return s.sign_ins
