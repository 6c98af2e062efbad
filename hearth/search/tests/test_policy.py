"""The pure rules of the search: reading a query, and pg_trgm's similarity in Python."""

from __future__ import annotations

import datetime as dt

import pytest

from hearth.search.policy import NameKeys, name_score, parse_query, similarity, trigrams


def test_a_date_in_the_query_is_the_date_of_birth_and_the_rest_the_name() -> None:
    query = parse_query("  Mia   VANCE 11/06/2018 ")
    assert query.date_of_birth == dt.date(2018, 6, 11)
    assert query.name == "mia vance"
    assert query.text == "Mia VANCE 11/06/2018"


@pytest.mark.parametrize("text", ["2018-06-11", "11-6-2018", "11.06.2018"])
def test_dates_are_read_in_the_usual_ways(text: str) -> None:
    assert parse_query(text).date_of_birth == dt.date(2018, 6, 11)


def test_an_impossible_date_is_a_word_not_a_date_of_birth() -> None:
    assert parse_query("31/02/2018").date_of_birth is None


def test_a_number_is_a_hearth_id_not_a_name() -> None:
    assert parse_query("#123").hearth_id == 123
    assert parse_query("123").name == ""


def test_control_characters_never_reach_the_database() -> None:
    assert "\x00" not in parse_query("Mia\x00Vance").reference


def test_trigrams_are_those_of_pg_trgm() -> None:
    # PostgreSQL: SELECT show_trgm('cat') → {"  c"," ca","at ",cat}
    assert trigrams("cat") == {"  c", " ca", "cat", "at "}


def test_similarity_forgives_a_spelling_slip() -> None:
    assert similarity("vance", "vanse") >= 0.3
    assert similarity("vance", "hart") < 0.3


def test_a_family_name_alone_finds_the_person_and_an_exact_name_is_exact() -> None:
    keys = [NameKeys("mia", "vance")]
    assert name_score("vance", keys)[0] is True
    exact, score = name_score("mia vanse", keys)
    assert not exact and score > 0.3
    assert name_score("zebedee", keys) == (False, 0.0)


def test_an_other_name_finds_the_person() -> None:
    assert name_score("mia smith", [NameKeys("mia", "vance"), NameKeys("mia", "smith")])[0]
