"""The statistics API: the same tables as the pages, with the same cells hidden; 404 for
a caller with no statistics (as for a missing route), 422 for bad filters."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from conftest import Wessex
from hearth.accounts.models import Agency, Area
from hearth.accounts.services import api_key_issue
from hearth.stats.disclosure import DFE, Keyed, adjusted
from hearth.stats.figures import Measure
from hearth.stats.models import MonthlyFigure

ANALYST = "analyst@partnership.wessex.example"
FRONT_DOOR_MANAGER = "front.door.manager@northshire.wessex.example"
FRONT_DOOR = "front.door@northshire.wessex.example"
NORTH_DOOR = "northshire-council-childrens-services"
SOUTH_DOOR = "southmoor-council-childrens-services"


def fig(month: str, value: int, *, area: str, door: str, category: str = "6") -> None:
    where = Area.objects.get(name=area, kind=Area.Kind.LOCAL_AUTHORITY)
    MonthlyFigure.objects.create(
        measure=Measure.REFERRALS,
        month=dt.date.fromisoformat(month + "-01"),
        local_authority_id=where.pk,
        force_id=where.police_force_area_id,
        agency_id=Agency.objects.get(slug=door).pk,
        category=category,
        value=value,
    )


def get(client: Client, path: str, **headers: str) -> tuple[int, Any]:
    response = client.get(path, **headers)  # type: ignore[arg-type]
    return response.status_code, json.loads(response.content or b"null")


def table(body: dict[str, Any], key: str) -> dict[str, Any]:
    return next(t for t in body["tables"] if t["key"] == key)


@pytest.fixture
def analyst(client_for: Callable[[str], Client]) -> Client:
    return client_for(ANALYST)


def test_the_index_lists_the_groups_and_the_callers_filters(analyst: Client) -> None:
    status, body = get(analyst, "/api/v1/statistics")
    assert status == 200
    assert [g["key"] for g in body["groups"]] == [
        "referrals",
        "timeliness",
        "outcomes",
        "known-to-childrens-services",
        "specialist-support",
    ]
    assert body["scope"] == {"label": "Wessex Safeguarding Partnership", "exact": False}
    assert [a["code"] for a in body["local_authorities"]] == ["E06900001", "E06900002"]
    assert [f["code"] for f in body["forces"]] == ["E23900001"]
    kinds = {k["kind"]: k for k in body["period_kinds"]}
    assert set(kinds) == {"month", "quarter", "year", "financial_year"}
    assert kinds["financial_year"]["periods"][0] == body["default_period"]


def test_a_hidden_count_and_its_partner_are_c_and_never_in_the_answer(analyst: Client) -> None:
    fig("2025-04", 40, area="Northshire", door=NORTH_DOOR)
    fig("2025-04", 3, area="Southmoor", door=SOUTH_DOOR)
    status, body = get(analyst, "/api/v1/statistics/referrals?period=2025-04")
    assert status == 200
    assert body["filters"]["period"]["key"] == "2025-04"
    assert body["disclosure"] == "DfE"
    police = table(body, "police-by-force-and-area")
    assert police["rows"] == ["Wessex: Northshire", "Wessex: Southmoor", "Total"]
    # The total, adjusted by its cell key (DISCLOSURE-2: the figures were made with key 0).
    total = adjusted(Keyed(43, 0), DFE)
    assert [line[0] for line in police["cells"]] == [
        {"text": "c", "value": None, "shown": False, "reason": "secondary", "adjusted": False},
        {"text": "c", "value": None, "shown": False, "reason": "small count", "adjusted": False},
        {"text": str(total), "value": total, "shown": True, "reason": "", "adjusted": True},
    ]
    # The hidden counts are nowhere in the answer (not in the by-area rates either).
    rates = table(body, "rate-per-10000-children")
    assert [line[0]["value"] for line in rates["cells"]] == [None, None, total]
    assert [line[2]["shown"] for line in rates["cells"]] == [False, False, True]
    assert '"value": 40' not in json.dumps(body) and '"value": 3,' not in json.dumps(body)


def test_a_manager_sees_their_own_agencys_exact_counts_only(
    client_for: Callable[[str], Client],
) -> None:
    fig("2025-04", 3, area="Northshire", door=NORTH_DOOR)
    fig("2025-04", 70, area="Southmoor", door=SOUTH_DOOR)
    status, body = get(
        client_for(FRONT_DOOR_MANAGER), "/api/v1/statistics/referrals?period=2025-04"
    )
    assert status == 200
    assert body["scope"]["exact"] is True
    assert body["filters"]["agency"] == NORTH_DOOR
    by_month = table(body, "by-month-and-source")
    exact = {"text": "3", "value": 3, "shown": True, "reason": "", "adjusted": False}
    assert by_month["cells"] == [[exact]]
    assert "70" not in json.dumps(body)
    status, body = get(
        client_for(FRONT_DOOR_MANAGER),
        f"/api/v1/statistics/referrals?period=2025-04&agency={SOUTH_DOOR}",
    )
    assert status == 422
    assert body["error"]["fields"] == {"agency": ["Choose an agency from the list"]}


def test_no_statistics_is_the_same_404_as_a_missing_route(
    client_for: Callable[[str], Client], analyst: Client
) -> None:
    practitioner = client_for(FRONT_DOOR)
    missing = get(analyst, "/api/v1/statistics/no-such-group")
    assert missing == (404, {"error": {"code": "not_found", "message": "Not found"}})
    assert get(practitioner, "/api/v1/statistics") == missing
    assert get(practitioner, "/api/v1/statistics/referrals") == missing
    assert get(practitioner, "/api/v1/statistics/referrals?area=E06999999") == missing


def test_bad_filters_are_a_422_naming_each_field(analyst: Client) -> None:
    Area.objects.create(code="E06999999", name="Elsewhere", kind=Area.Kind.LOCAL_AUTHORITY)
    status, body = get(
        analyst, "/api/v1/statistics/outcomes?period=2025-13&area=E06999999&force=E06900001"
    )
    assert status == 422
    assert body["error"]["code"] == "validation_failed"
    assert set(body["error"]["fields"]) == {"period", "area", "force"}
    assert body["error"]["fields"]["area"] == ["Choose a local authority from the list"]


def test_an_analysts_key_reads_the_same_tables(wessex: Wessex, analyst: Client) -> None:
    fig("2025-04", 40, area="Northshire", door=NORTH_DOOR)
    fig("2025-04", 2, area="Southmoor", door=SOUTH_DOOR)
    key = api_key_issue(
        actor=None,
        agency=wessex.agency("wessex-safeguarding-partnership"),
        name="Partnership dashboard",
        roles=["analyst"],
    ).raw_key
    path = "/api/v1/statistics/referrals?period=2025-04&force=E23900001"
    by_key = get(Client(), path, HTTP_AUTHORIZATION=f"Bearer {key}")
    by_session = get(analyst, path)
    assert by_key[0] == 200
    assert by_key == by_session


@pytest.mark.parametrize(
    "group", ["timeliness", "outcomes", "known-to-childrens-services", "specialist-support"]
)
def test_every_group_answers(analyst: Client, group: str) -> None:
    status, body = get(analyst, f"/api/v1/statistics/{group}")
    assert status == 200
    assert body["group"] == group and body["tables"]
    for t in body["tables"]:
        assert all(len(line) == len(t["columns"]) for line in t["cells"])
