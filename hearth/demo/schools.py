"""The Wessex schools for the demo: a directory in the GIAS format, each local authority's
term calendar (with a half term and INSET days), an academy with its own terms, each
school's designated safeguarding leads, and the force's Operation Encompass choices.

Everything is made up: URNs are in a range (990001 onwards) far beyond those the
Department for Education has issued, and the term dates follow the usual shape of an
English school year for the current and the next school year, counted from today, so
the demo's notifications always fall in term. Everything goes through the services an
administrator uses: the directory is imported from a GIAS-format file and the terms from
term-date files, so seeding again changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from hearth.accounts.models import Agency, Area, User
from hearth.accounts.selectors import actor_for_user
from hearth.core import calendar, clock
from hearth.core.actor import Actor, AgencyKind
from hearth.encompass.policy import Template
from hearth.encompass.services import encompass_settings_set
from hearth.schools import services
from hearth.schools.imports import gias_import, term_calendar_ensure, term_dates_import
from hearth.schools.models import ContactRole, EducationSetting, SettingContact

ADMINISTRATOR = "administrator@hearth.wessex.example"
HOST_SLUG = "hearth-service-for-wessex"
POLICE_FORCE_AREA = "E23900001"
LOCAL_AUTHORITY_CODES = {"Northshire": ("E06900001", "990"), "Southmoor": ("E06900002", "991")}
FIRST_URN = 990001
# A school that closed (kept in the directory, never notified) and one that does not use
# Hearth (its children's notifications go to the local authority's education team).
CLOSED_SCHOOL = ("Old Mill Primary School", "Northshire")
SCHOOL_WITHOUT_HEARTH = ("Wrenfield Infant School", "Southmoor")
# The academy that sets its own terms (and starts its day earlier).
OWN_TERMS = "Ashcombe Academy"
DEPUTIES = {"Brackenford Primary School": "deputy.dsl@schools.wessex.example"}

GIAS_HEADER = [
    "URN",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "LA (code)",
    "LA (name)",
    "EstablishmentStatus (name)",
    "Postcode",
]


def _shape(name: str) -> tuple[str, str, int, int]:
    """(type, phase, low age, high age) from a demo school's name."""
    if "College" in name:
        return "Further education", "16 plus", 16, 99
    if "Academy" in name:
        return "Academy converter", "Secondary", 11, 18
    if "Infant" in name:
        return "Community school", "Primary", 4, 7
    return "Community school", "Primary", 3, 11  # with a nursery class


def gias_text() -> str:
    """The Wessex directory as a GIAS establishment extract."""
    schools = Agency.objects.filter(kind=AgencyKind.SCHOOL).prefetch_related("areas")
    rows = [(s.name, s.areas.all()[0].name, "Open") for s in schools.order_by("pk")]
    rows += [(*CLOSED_SCHOOL, "Closed"), (*SCHOOL_WITHOUT_HEARTH, "Open")]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(GIAS_HEADER)
    for index, (name, la, status) in enumerate(rows):
        kind, phase, low, high = _shape(name)
        writer.writerow(
            [
                FIRST_URN + index,
                name,
                kind,
                phase,
                low,
                high,
                LOCAL_AUTHORITY_CODES[la][1],
                la,
                status,
                f"WX{1 + index % 9} {index % 10}AB",
            ]
        )
    return out.getvalue()


# --- Term dates -----------------------------------------------------------------------------


def _weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _weekday_from(day: dt.date) -> dt.date:
    """``day``, or the Monday after it if it falls at a weekend."""
    return day + dt.timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)


def _friday_on_or_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - 4) % 7)


def _school_year_terms(year: int, shift: int = 0) -> list[tuple[str, dt.date, dt.date]]:
    """The six half terms of the school year starting in September ``year``, in the usual
    English shape; ``shift`` moves the autumn half term a week (another local authority)."""
    monday = 0
    start = _weekday_from(dt.date(year, 9, 2))
    half_term = _weekday_on_or_after(dt.date(year, 10, 24), monday) + dt.timedelta(weeks=shift)
    spring = _weekday_from(dt.date(year + 1, 1, 4))
    february = _weekday_on_or_after(dt.date(year + 1, 2, 15), monday)
    summer = _weekday_on_or_after(dt.date(year + 1, 4, 12), monday)
    june = _weekday_on_or_after(dt.date(year + 1, 6, 1), monday)
    week = dt.timedelta(weeks=1)
    easter_break = _friday_on_or_before(dt.date(year + 1, 3, 27))
    return [
        ("Autumn term, first half", start, half_term - dt.timedelta(days=3)),
        ("Autumn term, second half", half_term + week, _friday_on_or_before(dt.date(year, 12, 19))),
        ("Spring term, first half", spring, february - dt.timedelta(days=3)),
        ("Spring term, second half", february + week, easter_break),
        ("Summer term, first half", summer, _friday_on_or_before(dt.date(year + 1, 5, 28))),
        ("Summer term, second half", june, _weekday_on_or_after(dt.date(year + 1, 7, 20), 2)),
    ]


def term_dates_csv(first_year: int, *, shift: int = 0, own: bool = False) -> str:
    """Three school years' terms (the last, this and the next) with INSET days: the first
    day of the autumn term and the Monday after each autumn half term (a local authority),
    or a Friday before the winter break (the academy with its own terms)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["term", "starts_on", "ends_on"])
    for year in (first_year - 1, first_year, first_year + 1):
        terms = _school_year_terms(year, shift)
        for name, starts, ends in terms:
            writer.writerow([name, starts.isoformat(), ends.isoformat()])
        if own:
            writer.writerow(["INSET: staff training", terms[1][2].isoformat(), ""])
        else:
            writer.writerow(["INSET: staff training", terms[0][1].isoformat(), ""])
            writer.writerow(["INSET: safeguarding training", terms[1][1].isoformat(), ""])
    return out.getvalue()


def _administrator() -> Actor:
    actor = actor_for_user(
        user=User.objects.get(email=ADMINISTRATOR),
        agency_id=Agency.objects.get(slug=HOST_SLUG).pk,
    )
    assert actor is not None and actor.is_host_administrator
    return actor


def seed_schools() -> None:
    """The directory, the term calendars, each school's safeguarding leads and the
    force's Operation Encompass choices."""
    admin = _administrator()
    report = gias_import(actor=admin, text=gias_text())
    assert not report.problems, report.problems
    this_year = calendar.school_year_of(clock.local_now().date())
    areas = {a.name: a for a in Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY)}
    for shift, la in enumerate(("Northshire", "Southmoor")):
        la_calendar = term_calendar_ensure(
            actor=admin, local_authority=areas[la], name=f"{la}'s term dates"
        )
        term_dates_import(
            actor=admin,
            calendar=la_calendar,
            text=term_dates_csv(this_year, shift=shift),
            file_format="csv",
        )
    for setting in EducationSetting.objects.filter(agency__isnull=True, status="open"):
        agency = Agency.objects.filter(kind=AgencyKind.SCHOOL, name=setting.name).first()
        if agency is None:
            continue  # uses no Hearth: its notifications go to the education team
        services.setting_link_set(
            actor=admin,
            setting=setting,
            agency=agency,
            dsl_team=agency.teams.first(),
            trust=None,
        )
    academy = EducationSetting.objects.get(name=OWN_TERMS)
    own = term_calendar_ensure(
        actor=admin,
        setting=academy,
        name=f"{OWN_TERMS}'s own term dates",
        day_starts=dt.time(8, 30),
    )
    term_dates_import(
        actor=admin, calendar=own, text=term_dates_csv(this_year, own=True), file_format="csv"
    )
    _contacts(admin)
    encompass_settings_set(
        actor=admin, area=Area.objects.get(code=POLICE_FORCE_AREA), template=Template.FULL
    )
    encompass_settings_set(actor=admin, area=areas["Southmoor"], health_visiting=True)


def _contacts(admin: Actor) -> None:
    """Each school's DSLs (the people who work for it in Hearth) and the deputies."""
    for setting in EducationSetting.objects.filter(agency__isnull=False).select_related("agency"):
        assert setting.agency is not None
        for membership in setting.agency.memberships.current().select_related("user"):
            user = membership.user
            if SettingContact.objects.current().filter(setting=setting, user=user).exists():
                continue
            role = ContactRole.DEPUTY if user.email in DEPUTIES.values() else ContactRole.DSL
            services.setting_contact_add(actor=admin, setting=setting, user=user, role=role)
