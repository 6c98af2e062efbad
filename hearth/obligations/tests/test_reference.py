"""Reference data is read once per submission: while routing one incident, every route and
every child share one read of a team, an area, its settings and a person's home."""

from __future__ import annotations

from typing import Any

import pytest

from hearth.accounts.models import TeamFunction
from hearth.obligations import reference
from hearth.obligations.tests.factories import NORTHSHIRE, area

pytestmark = pytest.mark.django_db


def test_inside_read_once_a_team_is_read_once(wessex: Any, django_assert_num_queries: Any) -> None:
    northshire = area(NORTHSHIRE).pk
    # The area, then its team.
    with django_assert_num_queries(2), reference.read_once():
        first = reference.team_for(TeamFunction.FRONT_DOOR, northshire)
        again = reference.team_for(TeamFunction.FRONT_DOOR, northshire)
    assert first is not None and first == again


def test_outside_read_once_every_call_reads(wessex: Any, django_assert_num_queries: Any) -> None:
    northshire = area(NORTHSHIRE).pk
    with django_assert_num_queries(4):
        reference.team_for(TeamFunction.FRONT_DOOR, northshire)
        reference.team_for(TeamFunction.FRONT_DOOR, northshire)


def test_what_was_kept_is_forgotten_when_the_submission_ends(
    wessex: Any, django_assert_num_queries: Any
) -> None:
    northshire = area(NORTHSHIRE).pk
    with reference.read_once():
        reference.team_for(TeamFunction.FRONT_DOOR, northshire)
    with django_assert_num_queries(2):
        reference.team_for(TeamFunction.FRONT_DOOR, northshire)
