"""Reference data the ledger reads when it plans and acts: which team does a job for an
area, where a person lives, an area's timescales and how long a recipient keeps access,
and which team answers for an agency's referrals. Read-only; no route's rules here."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from hearth.accounts.models import Area, Team, TeamFunction
from hearth.incidents.models import Incident
from hearth.obligations import policy
from hearth.obligations.area_settings import DEFAULT_ACCESS_DAYS_AFTER_CLOSE, row_of
from hearth.obligations.models import RoutingSettings
from hearth.people.models import Person, PersonAddress

T = TypeVar("T")

# Reference data read once per submission: while ``read_once()`` is open (routing one
# incident), each answer below is kept by its arguments, so every route and every child
# share one read of a team, an area's settings or a person's home.
_ONCE: ContextVar[dict[Hashable, Any] | None] = ContextVar("reference_once", default=None)


@contextmanager
def read_once() -> Iterator[None]:
    token = _ONCE.set({})
    try:
        yield
    finally:
        _ONCE.reset(token)


def once(key: Hashable, read: Callable[[], T]) -> T:
    """``read()``, kept by ``key`` while ``read_once()`` is open: for a route's own
    reference data (a school, its calendars) read once per submission. Key it by what
    it reads (a tuple naming the kind of data first)."""
    return _kept(key, read)


def _kept(key: Hashable, read: Callable[[], T]) -> T:
    kept = _ONCE.get()
    if kept is None:
        return read()
    if key not in kept:
        kept[key] = read()
    return kept[key]


def people_by_id(ids: set[int]) -> dict[int, Person]:
    """The people with these ids (those that exist), read once per submission: every
    route's obligations about the same children share one read."""
    kept = _ONCE.get()
    if kept is None:
        return Person.objects.in_bulk(ids)
    missing = [pk for pk in ids if ("person", pk) not in kept]
    if missing:
        for pk, person in Person.objects.in_bulk(missing).items():
            kept[("person", pk)] = person
    return {pk: kept[("person", pk)] for pk in ids if ("person", pk) in kept}


def timescales_for(area: Area | None) -> policy.Timescales:
    """The area's configured timescales, in its jurisdiction's profile."""
    if area is None:
        return policy.ENGLAND
    return _kept(
        ("timescales", area.pk),
        lambda: row_of(area, RoutingSettings.objects.filter(area=area).first()).timescales,
    )


def access_days_after_close(area_id: int | None) -> int:
    local = RoutingSettings.objects.filter(area_id=area_id).first() if area_id else None
    return local.access_days_after_close if local else DEFAULT_ACCESS_DAYS_AFTER_CLOSE


def team_for(function: str, area_id: int) -> Team | None:
    """The active team doing ``function`` for the area (or for the police force area the
    local authority is in, as a force-wide IDVA service does): the first made, if more."""
    return _kept(("teams_for", area_id), lambda: _teams_for(area_id)).get(function)


def team_get(team_id: int) -> Team:
    """A team by id (with its agency), read once per submission."""
    return _kept(("team", team_id), lambda: Team.objects.select_related("agency").get(pk=team_id))


def area_of(area_id: int) -> Area | None:
    return _kept(("area", area_id), lambda: Area.objects.filter(pk=area_id).first())


def _teams_for(area_id: int) -> dict[str, Team]:
    """Every function's team for the area, in one query: each function's first team."""
    area = area_of(area_id)
    areas = [area_id] + ([area.police_force_area_id] if area and area.police_force_area_id else [])
    teams: dict[str, Team] = {}
    for team in (
        Team.objects.filter(is_active=True, agency__is_active=True, agency__areas__id__in=areas)
        .distinct()
        .order_by("id")
    ):
        teams.setdefault(team.function, team)
    return teams


def homes_read(people: Iterable[Person]) -> None:
    """Read where these people live in one query, for ``home_area_id`` to answer for each
    of them while ``read_once()`` is open (a planner asks for every child and victim)."""
    kept = _ONCE.get()
    if kept is None:
        return
    missing = {p.pk for p in people if ("home", p.pk) not in kept}
    if not missing:
        return
    homes = _current_addresses(missing)
    for pk in missing:
        kept[("home", pk)] = homes.get(pk)


def _current_addresses(person_ids: Iterable[int]) -> dict[int, PersonAddress]:
    """Each person's current address (the first in the model's order), with the address."""
    homes: dict[int, PersonAddress] = {}
    for row in PersonAddress.objects.filter(
        person_id__in=person_ids, lived_to__isnull=True
    ).select_related("address"):
        homes.setdefault(row.person_id, row)
    return homes


def home_area_id(person: Person, incident: Incident) -> int | None:
    """The local authority a person lives in: their current address's, or else where the
    incident happened (a child at the incident usually lives there)."""
    home = _kept(("home", person.pk), lambda: _current_addresses([person.pk]).get(person.pk))
    if home is not None and home.address.local_authority_id:
        return home.address.local_authority_id
    return incident.local_authority_id


def referrer_team_of(incident: Incident) -> Team | None:
    """The team in the referring agency that answers for its referrals: the police
    public protection unit, or the concern-raising agency's first team."""

    def read() -> Team | None:
        teams = Team.objects.filter(agency_id=incident.recorded_by_agency_id, is_active=True)
        return teams.filter(function=TeamFunction.PUBLIC_PROTECTION).first() or teams.first()

    return _kept(("referrer_team", incident.recorded_by_agency_id), read)
