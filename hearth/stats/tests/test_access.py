"""An analyst can never reach a child, a person or an incident (issue 15, Done when), and
statistics are only for those with a statistics scope.

- Every statistics page, CSV file and ``/api/v1/statistics…`` route, as the demo's
  analyst with the demo's figures refreshed from its ledger, holds no link to a case
  page and no demo person's name (from the seeded ``people`` tables).
- The analyst gets 404 from every page of the demo that takes the id of a child, a
  person, an incident, an obligation, a risk assessment, a MARAC meeting or case, or a
  family plan: the URL patterns are walked, each filled with every id of the demo.
- A practitioner with no statistics scope gets 404 from every statistics page and CSV.
- A manager sees only their own agency's work.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from config.api import api
from conftest import Wessex
from hearth.accounts.models import Agency, Area, Team
from hearth.core import clock
from hearth.families.models import FamilyPlan
from hearth.incidents.models import ChildInvolvement, Incident
from hearth.marac.models import MaracCase, MaracMeeting
from hearth.obligations.models import Obligation
from hearth.people.models import Person, PersonName
from hearth.risk.models import RiskAssessment
from hearth.stats import selectors
from hearth.stats.figures import Measure
from hearth.stats.models import MonthlyFigure
from hearth.stats.refresh import refresh
from hearth.stats.tables import Group

pytestmark = pytest.mark.django_db

ANALYST = "analyst@partnership.wessex.example"
MANAGER = "front.door.manager@northshire.wessex.example"
PRACTITIONER = "front.door@northshire.wessex.example"
OFFICER = "response.officer@police.wessex.example"

CASE_LINK = re.compile(r"/(children|people|incidents|families|obligations)/")

# Which records fill each id a URL pattern takes.
ID_SOURCES: dict[str, Callable[[], list[int]]] = {
    "person_id": lambda: _ids(Person),
    "victim_id": lambda: _ids(Person),
    "child_id": lambda: sorted(set(ChildInvolvement.objects.values_list("child_id", flat=True))),
    "incident_id": lambda: _ids(Incident),
    "obligation_id": lambda: _ids(Obligation),
    "assessment_id": lambda: _ids(RiskAssessment),
    "meeting_id": lambda: _ids(MaracMeeting),
    "case_id": lambda: _ids(MaracCase),
    "plan_id": lambda: _ids(FamilyPlan),
}
# Two ids in one address: the pairs the demo really has, else a few of each.
PAIRS_OF_EACH = 3


def _ids(model: type[Model]) -> list[int]:
    return list(model._default_manager.order_by("pk").values_list("pk", flat=True))


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, str, list[str]]]:
    """Every page's (name, route, the names of its int parameters)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if getattr(pattern, "namespace", None) == "api":
                continue
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            route = prefix + str(pattern.pattern)
            params = re.findall(r"<(\w+):(\w+)>", route)
            if params and all(kind == "int" for kind, _ in params):
                yield pattern.name, route, [name for _, name in params]


def case_pages() -> list[str]:
    """Every address of the demo that takes a case record's id, with every such id."""
    urls: list[str] = []
    pairs = list(ChildInvolvement.objects.values_list("incident_id", "child_id"))
    for name, _route, params in _walk(get_resolver().url_patterns):
        if not all(p in ID_SOURCES for p in params):
            continue
        if len(params) == 1:
            urls += [reverse(name, args=[i]) for i in ID_SOURCES[params[0]]()]
        elif set(params) == {"incident_id", "child_id"}:
            for incident, child in pairs:
                ids = {"incident_id": incident, "child_id": child}
                urls.append(reverse(name, kwargs={p: ids[p] for p in params}))
        else:
            each = [ID_SOURCES[p]()[:PAIRS_OF_EACH] for p in params]
            for combo in itertools.product(*each):
                urls.append(reverse(name, kwargs=dict(zip(params, combo, strict=True))))
    return urls


def demo_names() -> list[str]:
    """Every name of every person in the demo, as pages would print them."""
    names: set[str] = set()
    for given, family in itertools.chain(
        Person.objects.values_list("given_names", "family_name"),
        PersonName.objects.values_list("given_names", "family_name"),
    ):
        names.add(f"{given} {family}".strip())
        names.add(f"{family}, {given}".strip(", "))
    return sorted(n for n in names if len(n) > 3)


def filter_queries(scope: Any) -> list[str]:
    """No filter, then each local authority, force area, agency, and two periods of each
    kind, one at a time, as query strings."""
    choices = selectors.filter_choices(scope, now=clock.now())
    chosen: list[dict[str, str]] = [{}]
    chosen += [{"area": a.code} for a in choices.local_authorities]
    chosen += [{"force": f.code} for f in choices.forces]
    chosen += [{"agency": a.slug} for a in choices.agencies]
    chosen += [{"period": p.key} for kind, _ in choices.kinds for p in choices.periods[kind][:2]]
    return ["?" + urlencode(c) if c else "" for c in chosen]


def table_keys(group: Group, scope: Any) -> list[str]:
    now = clock.now()
    default = selectors.parse_filters({}, scope, now=now)
    return [t.key for t in selectors.tables(group, default, scope, now=now)]


def statistics_urls(scope: Any) -> list[str]:
    """Every statistics page and CSV file for ``scope``, with each filter choice."""
    urls = [reverse("stats_index")]
    for group in Group:
        for query in filter_queries(scope):
            urls.append(reverse("stats_group", args=[group.value]) + query)
            urls.append(reverse("stats_group_csv", args=[group.value]) + query)
        urls += [
            reverse("stats_table_csv", args=[group.value, k]) for k in table_keys(group, scope)
        ]
    return urls


def statistics_api_urls(scope: Any) -> list[str]:
    """Every ``/api/v1/statistics…`` GET route, its path parameters filled with each group
    (and each of its tables, should a route take one), with each filter choice."""
    urls: list[str] = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            full = f"/api/v1{prefix}{path}".replace("//", "/")
            if not full.startswith("/api/v1/statistics"):
                continue
            if not any("GET" in op.methods for op in path_view.operations):
                continue
            params = re.findall(r"\{(\w+)(?::\w+)?\}", full)
            if not params:
                urls.append(full)
                continue
            for group in Group:
                keys = table_keys(group, scope) if len(params) > 1 else [""]
                for key in keys:
                    url = re.sub(r"\{\w*group\w*(?::\w+)?\}", group.value, full)
                    url = re.sub(r"\{\w+(?::\w+)?\}", key, url)
                    urls += [url + query for query in filter_queries(scope)]
    return urls


@pytest.fixture
def demo_figures(wessex: Wessex) -> None:
    """The demo's ledger read into the maintained aggregates, as the worker does."""
    refresh()


def scope_of(wessex: Wessex, email: str) -> Any:
    scope = selectors.scope_for(wessex.actor(email))
    assert scope is not None
    return scope


def test_the_walk_finds_every_kind_of_case_page(wessex: Wessex) -> None:
    names = {name for name, _, params in _walk(get_resolver().url_patterns)}
    for expected in (
        "person_detail",
        "child_detail",
        "incident_detail",
        "obligation_detail",
        "risk_victim",
        "family_detail",
        "child_safeguarding_record",
        "encompass_detail",
        "marac_case",
        "voice_list",
    ):
        assert expected in names
    urls = case_pages()
    assert len(urls) > 100


def test_the_analyst_reaches_no_case_page(
    wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    client = client_for(ANALYST)
    reached = []
    for url in case_pages():
        response = client.get(url)
        if response.status_code == 405:  # an action only: try it as a form would
            response = client.post(url, {})
        if response.status_code != 404:
            reached.append((url, response.status_code))
    assert reached == []


def test_the_officer_who_recorded_them_does_reach_case_pages(
    wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    """The walk really fills real ids: someone with a reason does get the pages."""
    client = client_for(OFFICER)
    incident = Incident.objects.filter(recorded_by__email=OFFICER).order_by("pk").first()
    assert incident is not None
    assert client.get(reverse("incident_detail", args=[incident.pk])).status_code == 200


def test_no_statistics_page_csv_or_api_answer_names_anyone_or_links_to_a_case(
    demo_figures: None, wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    assert MonthlyFigure.objects.filter(measure=Measure.REFERRALS).exists()
    client = client_for(ANALYST)
    scope = scope_of(wessex, ANALYST)
    names = demo_names()
    assert len(names) > 20
    api_urls = statistics_api_urls(scope)
    assert "/api/v1/statistics" in api_urls
    assert "/api/v1/statistics/referrals" in api_urls
    urls = statistics_urls(scope) + api_urls
    checked = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode("utf-8")
        assert not CASE_LINK.search(text), f"{url} links to a case page"
        named = [n for n in names if n in text]
        assert named == [], f"{url} names {named}"
        checked += 1
    assert checked >= len(Group) * 4


def test_no_statistics_for_a_practitioner_without_a_scope(
    demo_figures: None, wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    assert selectors.scope_for(wessex.actor(PRACTITIONER)) is None
    client = client_for(PRACTITIONER)
    missing = client.get("/statistics/no-such-group/")
    assert missing.status_code == 404
    analyst = scope_of(wessex, ANALYST)
    for url in statistics_urls(analyst) + statistics_api_urls(analyst):
        response = client.get(url)
        assert response.status_code == 404, url


def test_a_manager_counts_only_their_own_agencys_work(
    wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    northshire = Team.objects.get(name="Northshire front door")
    southmoor = Team.objects.get(name="Southmoor front door")
    month = selectors.parse_filters({}, scope_of(wessex, ANALYST), now=clock.now()).period.first
    for team, count in ((northshire, 17), (southmoor, 29)):
        la = Area.objects.get(name=team.name.split()[0])
        MonthlyFigure.objects.create(
            measure=Measure.REFERRALS,
            month=month,
            local_authority_id=la.pk,
            force_id=la.police_force_area_id,
            agency_id=team.agency_id,
            category="6",
            value=count,
        )
    client = client_for(MANAGER)
    page = client.get("/statistics/referrals/")
    assert page.status_code == 200
    figures = [c.text for t in page.context["tables"] for _, cells, _ in t.rows for c in cells]
    assert "17" in figures and "29" not in figures and "46" not in figures
    southmoor_agency = Agency.objects.get(pk=southmoor.agency_id)
    assert southmoor_agency.name not in page.content.decode()
    # Asking for another agency's work is refused on the form, not answered.
    asked = client.get("/statistics/referrals/", {"agency": southmoor_agency.slug})
    assert "govuk-error-summary" in asked.content.decode()
    assert asked.context["tables"] == []
