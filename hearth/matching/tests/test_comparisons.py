"""Each comparison level of the matcher, pure: the Python test of a level says what its SQL
says (checked against Splink in test_matcher_scoring), and the first level that holds wins."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hearth.matching.comparisons import (
    ADDRESS,
    DATE_OF_BIRTH,
    FAMILY,
    GIVEN,
    NHS_NUMBER,
    POSTCODE,
    SEX,
    TOWN,
    UPN,
    Comparison,
    canonical_given,
    features,
    outward_code,
)


def person(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"given_names": "William John", "family_name": "Smith"}
    return features(unique_id=1, **(base | kw))


def level(comparison: Comparison, left: dict[str, Any], right: dict[str, Any]) -> str:
    return comparison.level_of(person(**left), person(**right)).key


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("William John", "", "null"),
        ("William John", "william  JOHN", "exact"),
        ("Zoë", "Zoe", "exact"),
        ("William John", "William", "first"),
        ("William", "Bill", "nickname"),
        ("Elizabeth", "Liz", "nickname"),
        ("Catherine", "Katherine", "nickname"),
        ("Jonathon", "Jonathan", "close"),
        ("W", "William", "initial"),
        ("Martha", "Marhta", "close"),
        ("Sarah", "Sara", "close"),
        ("Mohammed", "Muhammad", "similar"),
        ("William", "Ethel", "else"),
    ],
)
def test_given_names_levels(left: str, right: str, expected: str) -> None:
    assert level(GIVEN, {"given_names": left}, {"given_names": right}) == expected


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ({"family_name": "O'Brien-Smith"}, {"family_name": "OBrien Smith"}, "exact"),
        ({"family_name": "O'Brien-Smith"}, {"family_name": "Smith"}, "part"),
        ({"family_name": "Walsh"}, {"family_name": "Patel-Walsh"}, "part"),
        (
            {"family_name": "Walsh"},
            {"family_name": "O'Brien", "other_family_names": ["Walsh"]},
            "other",
        ),
        ({"family_name": "Smith"}, {"family_name": "Smyth"}, "similar"),
        ({"family_name": "Thompson"}, {"family_name": "Thomason"}, "close"),
        ({"family_name": "Richards"}, {"family_name": "Richardson"}, "close"),
        ({"family_name": "Kowalski"}, {"family_name": "Kowalczyk"}, "similar"),
        ({"family_name": "Smith"}, {"family_name": "Jones"}, "else"),
        ({"family_name": "Smith"}, {"family_name": ""}, "null"),
    ],
)
def test_family_name_levels(left: Any, right: Any, expected: str) -> None:
    assert level(FAMILY, left, right) == expected


def test_names_recorded_the_other_way_round() -> None:
    left = {"given_names": "Smith", "family_name": "William"}
    assert level(GIVEN, left, {}) == "names_swapped"
    assert level(FAMILY, left, {}) == "names_swapped"


BORN = dt.date(2016, 3, 7)


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        (BORN, "exact"),
        (dt.date(2016, 7, 3), "swapped"),
        (dt.date(2015, 3, 7), "year"),
        (dt.date(2017, 3, 7), "year"),
        (dt.date(2016, 3, 8), "one_field"),
        (dt.date(2016, 4, 7), "one_field"),
        (dt.date(2012, 3, 7), "one_field"),
        (dt.date(2015, 4, 7), "else"),
        (None, "null"),
    ],
)
def test_date_of_birth_levels(other: dt.date | None, expected: str) -> None:
    assert level(DATE_OF_BIRTH, {"date_of_birth": BORN}, {"date_of_birth": other}) == expected


def test_a_day_and_month_that_are_equal_swap_to_the_same_date() -> None:
    same = dt.date(2016, 4, 4)
    assert level(DATE_OF_BIRTH, {"date_of_birth": same}, {"date_of_birth": same}) == "exact"


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("female", "female", "exact"),
        ("female", "male", "else"),
        ("female", "unknown", "null"),
        ("", "male", "null"),
    ],
)
def test_sex_levels(left: str, right: str, expected: str) -> None:
    assert level(SEX, {"sex": left}, {"sex": right}) == expected


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("SO23 9AB", "so239ab", "exact"),
        ("SO23 9AB", "SO23 9BA", "close"),
        ("SO23 9AB", "SO23 4LT", "area"),
        ("SO23 9AB", "BH1 1AA", "else"),
        ("SO23 9AB", "", "null"),
    ],
)
def test_postcode_levels(left: str, right: str, expected: str) -> None:
    assert level(POSTCODE, {"postcode": left}, {"postcode": right}) == expected


def test_outward_code() -> None:
    assert outward_code("SO239AB") == "SO23"
    assert outward_code("B11AA") == "B1"
    assert outward_code("4223") is None


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("12 Acacia Avenue", "12 acacia avenue", "exact"),
        ("12 Acacia Avenue", "12 Acacia Avenu", "close"),
        ("12 Acacia Avenue", "3 High Street", "else"),
        ("12 Acacia Avenue", "", "null"),
    ],
)
def test_address_levels(left: str, right: str, expected: str) -> None:
    assert level(ADDRESS, {"address": left}, {"address": right}) == expected


def test_town_levels() -> None:
    assert level(TOWN, {"town": "Winchester"}, {"town": "WINCHESTER"}) == "exact"
    assert level(TOWN, {"town": "Winchester"}, {"town": "Winchestr"}) == "close"
    assert level(TOWN, {"town": "Winchester"}, {"town": "Andover"}) == "else"


@pytest.mark.parametrize(("comparison", "field"), [(NHS_NUMBER, "nhs_number"), (UPN, "upn")])
def test_identifier_levels(comparison: Comparison, field: str) -> None:
    assert level(comparison, {field: "9434765919"}, {field: "9434765919"}) == "exact"
    assert level(comparison, {field: "9434765919"}, {field: "9434765870"}) == "else"
    assert level(comparison, {field: "9434765919"}, {}) == "null"


def test_nicknames_are_canonical() -> None:
    assert canonical_given("bill") == canonical_given("william") == "william"
    assert canonical_given("ahmed") == "ahmed"
