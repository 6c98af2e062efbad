"""The statistics pages (issue 15 §4) for the demo's analyst and a front door's manager:
each group's page with its filters, charts, tables and CSV links; filters that narrow
what is counted; bad filters answered on the page; CSV files; the home page's block.

The figures are direct ``MonthlyFigure`` rows (the maintained aggregates the selectors
read), so each test knows what should be counted and hidden."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from conftest import Wessex
from hearth.accounts.models import Area, Team
from hearth.core import clock
from hearth.core.calendar import local_date
from hearth.core.csv_safety import BOM
from hearth.stats.figures import Measure
from hearth.stats.models import DeadlineFact, MonthlyFigure
from hearth.stats.periods import Granularity, period_containing_day
from hearth.stats.tables import GROUP_TITLES, Group

pytestmark = pytest.mark.django_db

ANALYST = "analyst@partnership.wessex.example"
MANAGER = "front.door.manager@northshire.wessex.example"  # Northshire's front door
PRACTITIONER = "front.door@northshire.wessex.example"
BY_AREA = "/statistics/referrals/police-by-force-and-area.csv"


def this_year() -> tuple[str, dt.date]:
    period = period_containing_day(local_date(clock.now()), Granularity.FINANCIAL_YEAR)
    return period.key, period.first


def referrals(area: str, count: int, *, source: str = "6") -> None:
    """``count`` referrals received by ``area``'s front door in the year's first month."""
    la = Area.objects.get(name=area, kind=Area.Kind.LOCAL_AUTHORITY)
    door = Team.objects.get(name=f"{area} front door")
    _, first = this_year()
    MonthlyFigure.objects.create(
        measure=Measure.REFERRALS,
        month=first,
        local_authority_id=la.pk,
        force_id=la.police_force_area_id,
        agency_id=door.agency_id,
        category=source,
        value=count,
    )


def rows_of(response: Any) -> list[list[str]]:
    decoded = response.content.decode("utf-8")
    assert decoded.startswith(BOM)
    return list(csv.reader(io.StringIO(decoded[len(BOM) :])))


@pytest.fixture
def figures(wessex: Wessex) -> None:
    referrals("Northshire", 23)
    referrals("Southmoor", 3)  # a small count: c for the analyst
    referrals("Southmoor", 14, source="2A")


def test_the_statistics_home_lists_every_group_and_says_what_the_analyst_sees(
    client_for: Callable[[str], Client], figures: None
) -> None:
    page = client_for(ANALYST).get("/statistics/")
    assert page.status_code == 200
    text = page.content.decode()
    for group in Group:
        assert f'href="/statistics/{group.value}/"' in text
        assert escape(GROUP_TITLES[group]) in text
    assert "Northshire and Southmoor, small numbers shown as c" in text


@pytest.mark.parametrize("group", list(Group))
def test_every_group_page_answers_with_its_filters(
    client_for: Callable[[str], Client], figures: None, group: Group
) -> None:
    page = client_for(ANALYST).get(f"/statistics/{group.value}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f'<h1 class="govuk-heading-l">{escape(GROUP_TITLES[group])}</h1>' in text
    for name in ("period", "area", "force"):
        assert f'name="{name}"' in text
    for table in page.context["tables"]:
        assert f"/statistics/{group.value}/{table.table.key}.csv" in text
        assert table.table.title in text


def test_the_referrals_page_draws_each_table_and_hides_small_counts(
    client_for: Callable[[str], Client], figures: None
) -> None:
    page = client_for(ANALYST).get("/statistics/referrals/")
    text = page.content.decode()
    tables = {t.table.key: t for t in page.context["tables"]}
    by_area = tables["police-by-force-and-area"]
    assert 'role="img"' in by_area.chart and "<title" in by_area.chart
    assert by_area.chart in text  # inline, beside its table
    cells = {label: [c.text for c in cs] for label, cs, _ in by_area.rows}
    # 3 from the police in Southmoor is hidden, and so is enough beside it that it cannot
    # be worked out: Northshire's 23 and the total 26 are never both shown.
    assert cells["Wessex: Southmoor"] == ["c"]
    assert cells["Wessex: Northshire"] in (["23"], ["c"]) and cells["Total"] in (["26"], ["c"])
    assert ["c"] in (cells["Wessex: Northshire"], cells["Total"])
    assert "<strong>c</strong>: a small number, hidden to protect people" in text
    assert '<th scope="row" class="govuk-table__header">Wessex: Northshire</th>' in text
    assert "Download all tables (CSV)" in text


@pytest.mark.usefixtures("unadjusted")  # the point is which rows; the sums as made
def test_the_area_filter_narrows_the_tables_and_the_csv(
    client_for: Callable[[str], Client], figures: None
) -> None:
    client = client_for(ANALYST)
    northshire = Area.objects.get(name="Northshire").code
    page = client.get("/statistics/referrals/", {"area": northshire})
    by_area = {t.table.key: t for t in page.context["tables"]}["police-by-force-and-area"]
    assert [label for label, _, _ in by_area.rows] == ["Wessex: Northshire"]
    assert f"{BY_AREA}?area={northshire}" in page.content.decode()
    rows = rows_of(client.get(BY_AREA, {"area": northshire}))
    assert [r[1:] for r in rows[1:]] == [["Northshire", "Wessex: Northshire", "23"]]


def test_a_table_as_csv(client_for: Callable[[str], Client], figures: None) -> None:
    key, _ = this_year()
    client = client_for(ANALYST)
    response = client.get(BY_AREA, {"period": key})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="hearth-referrals-police-by-force-and-area-{key}.csv"'
    )
    rows = rows_of(response)
    assert rows[0] == [
        "Period",
        "Area",
        "Police force area and local authority",
        "Referrals from the police",
    ]
    values = {r[2]: r[3] for r in rows[1:]}
    assert values["Wessex: Southmoor"] == "c"  # 3: never its value
    assert values["Wessex: Northshire"] in ("23", "c") and values["Total"] in ("26", "c")
    assert "c" in (values["Wessex: Northshire"], values["Total"])  # 26 - 23 would give it away
    # The same figures, hidden the same way, as the page.
    page = client.get("/statistics/referrals/", {"period": key})
    by_area = {t.table.key: t for t in page.context["tables"]}["police-by-force-and-area"]
    assert values == {label: cells[0].text for label, cells, _ in by_area.rows}


def test_all_of_a_groups_tables_as_one_csv(
    client_for: Callable[[str], Client], figures: None
) -> None:
    key, _ = this_year()
    response = client_for(ANALYST).get("/statistics/referrals.csv")
    assert response["Content-Disposition"] == f'attachment; filename="hearth-referrals-{key}.csv"'
    rows = rows_of(response)
    assert rows[0] == ["Period", "Area", "Table", "Row heading", "Row", "Column", "Value"]
    police = [
        r for r in rows if r[4] == "Wessex: Southmoor" and r[5] == "Referrals from the police"
    ]
    assert [r[6] for r in police] == ["c"]
    assert len({r[2] for r in rows[1:]}) >= 5  # every table of the page


def test_bad_filters_are_answered_on_the_page_with_the_error_summary(
    client_for: Callable[[str], Client], figures: None
) -> None:
    client = client_for(ANALYST)
    page = client.get("/statistics/referrals/", {"period": "never", "area": "E99999999"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "govuk-error-summary" in text
    assert 'href="#filter-period"' in text and 'href="#filter-area"' in text
    assert 'id="filter-period"' in text and 'id="filter-area"' in text
    assert page.context["tables"] == []
    assert "<title>Error: " in text
    # A CSV with bad filters goes back to the page, which says what is wrong.
    response = client.get(BY_AREA, {"period": "never"})
    assert response.status_code == 302
    assert response["Location"] == "/statistics/referrals/?period=never"


@pytest.mark.parametrize(
    "url",
    [
        "/statistics/no-such-group/",
        "/statistics/no-such-group.csv",
        "/statistics/referrals/no-such-table.csv",
    ],
)
def test_an_unknown_group_or_table_is_not_found(
    client_for: Callable[[str], Client], figures: None, url: str
) -> None:
    assert client_for(ANALYST).get(url).status_code == 404


def test_a_manager_sees_their_own_agencys_work_exactly(
    client_for: Callable[[str], Client], figures: None
) -> None:
    client = client_for(MANAGER)
    page = client.get("/statistics/referrals/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "The work of Northshire Council children&#x27;s services, exact counts" in text
    assert 'name="agency"' not in text  # their own agency only
    by_door = {t.table.key: t for t in page.context["tables"]}["by-front-door"]
    labels = [label for label, _, _ in by_door.rows]
    assert not any("Southmoor" in label for label in labels)
    by_area = rows_of(client.get(BY_AREA))
    counted = {r[2]: r[3] for r in by_area[1:]}
    assert counted.get("Wessex: Northshire") == "23"
    assert counted.get("Wessex: Southmoor") in (None, "0")  # Southmoor's work is not theirs


def test_the_home_page_offers_the_analyst_statistics(
    client_for: Callable[[str], Client], figures: None
) -> None:
    text = client_for(ANALYST).get("/").content.decode()
    assert "See the statistics" in text
    for group in Group:
        assert f'href="/statistics/{group.value}/"' in text


def deadline(team: Team, number: int, *, due: dt.datetime, done: dt.datetime | None) -> None:
    """One deadline of ``team``'s work, as the maintained facts hold it."""
    DeadlineFact.objects.create(
        deadline_id=900_000 + number,
        obligation_id=900_000 + number,
        route="ccn",
        stage="acknowledge",
        team_id=team.pk,
        started_at=due - dt.timedelta(hours=4),
        due_at=due,
        done_at=done,
        month=local_date(due).replace(day=1),
        agency_id=team.agency_id,
        refreshed_at=clock.now(),
    )


def test_the_home_page_shows_a_manager_their_teams_figures(
    client_for: Callable[[str], Client], figures: None
) -> None:
    DeadlineFact.objects.all().delete()  # only this test's deadlines
    door = Team.objects.get(name="Northshire front door")
    other = Team.objects.get(name="Southmoor front door")
    now = clock.now()
    month_start = now.replace(day=1, hour=12, minute=0, second=0, microsecond=0)
    deadline(door, 1, due=now - dt.timedelta(days=40), done=None)  # overdue now
    deadline(door, 2, due=month_start, done=month_start - dt.timedelta(hours=1))  # on time
    deadline(door, 3, due=month_start, done=month_start + dt.timedelta(hours=1))  # late
    deadline(other, 4, due=now - dt.timedelta(days=2), done=None)  # not theirs
    page = client_for(MANAGER).get("/")
    text = page.content.decode()
    assert "Your teams' figures" in text
    (row,) = page.context["stats_home"]["teams"]
    assert row == {"name": "Northshire front door", "overdue": 1, "on_time": "1 of 2 (50.0%)"}
    assert '<th scope="row" class="govuk-table__header">Northshire front door</th>' in text
    assert 'href="/statistics/"' in text
    assert "See the statistics" not in text


def test_a_practitioner_sees_no_statistics_on_the_home_page(
    client_for: Callable[[str], Client], figures: None
) -> None:
    text = client_for(PRACTITIONER).get("/").content.decode()
    assert "/statistics/" not in text


def test_a_chart_drawn_by_one_worker_is_read_by_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hearth.stats import charts, views
    from hearth.stats.tests.test_charts import HIDDEN, shown, table

    t = table(((shown(40),), (HIDDEN,)), key="shared")
    drawn = views.shared_chart(t)
    assert drawn == charts.chart_svg(t) and 'role="img"' in drawn

    def not_again(_table: object) -> str:
        raise AssertionError("drawn again")

    # Another worker (its own process cache empty) finds it in the shared cache.
    monkeypatch.setattr(charts, "chart_svg", not_again)
    assert views.shared_chart(t) == drawn
    # A different figure is a different chart.
    with pytest.raises(AssertionError, match="drawn again"):
        views.shared_chart(table(((shown(41),), (HIDDEN,)), key="shared"))


@pytest.mark.parametrize(
    ("email", "shown"), [(ANALYST, True), (MANAGER, True), (PRACTITIONER, False)]
)
def test_the_menu_offers_statistics_to_those_who_may_see_them(
    client_for: Callable[[str], Client], email: str, shown: bool
) -> None:
    # The teams page: the home page links to statistics on its own for these people.
    page = client_for(email).get(reverse("team_list")).content.decode()
    assert ('href="/statistics/"' in page) is shown
