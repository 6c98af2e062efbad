"""The statutory tests and the submission check, as a table of cases (no database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from hearth.incidents.policy import (
    AbuseType,
    ChildFacts,
    ChildRecord,
    Finding,
    IncidentRecord,
    Problem,
    child_victim_status,
    domestic_abuse_definition,
    months_old,
    pregnancy_or_baby_flag,
    submission_problems,
)
from hearth.people.policy import Kinship, Tie

PARENT = [Tie(Kinship.PARENT)]
STEP_PARENT = [Tie(Kinship.STEP_PARENT)]
PARTNER_WITH_PR = [Tie(Kinship.PARENTS_PARTNER, parental_responsibility=True)]
PARTNER_NO_PR = [Tie(Kinship.PARENTS_PARTNER)]
GRANDPARENT = [Tie(Kinship.GRANDPARENT)]
NOT_RELATED: list[Tie] = [Tie(Kinship.OTHER)]


def facts(
    age: int | None,
    saw: bool = True,
    heard: bool = False,
    effects: bool = False,
    victim: list[Tie] = PARENT,
    perpetrator: list[Tie] = NOT_RELATED,
) -> ChildFacts:
    return ChildFacts(
        age=age,
        saw=saw,
        heard=heard,
        experienced_effects=effects,
        victims=[("Alex", victim)],
        perpetrators=[("Sam", perpetrator)],
    )


@pytest.mark.parametrize(
    ("case", "child", "expected", "reason"),
    [
        ("child of the victim who saw it", facts(8), Finding.MET, "is their parent"),
        ("heard it only", facts(8, saw=False, heard=True), Finding.MET, "heard the abuse"),
        (
            "asleep, but lives with the effects",
            facts(3, saw=False, effects=True),
            Finding.MET,
            "experienced the effects",
        ),
        (
            "related to the perpetrator only",
            facts(10, victim=NOT_RELATED, perpetrator=PARENT),
            Finding.MET,
            "alleged perpetrator (Sam) is their parent",
        ),
        (
            "step-parent is a relative",
            facts(10, victim=NOT_RELATED, perpetrator=STEP_PARENT),
            Finding.MET,
            "relative (step-parent)",
        ),
        (
            "grandparent is a relative",
            facts(10, victim=GRANDPARENT),
            Finding.MET,
            "relative (grandparent)",
        ),
        (
            "parent's partner with parental responsibility",
            facts(10, victim=NOT_RELATED, perpetrator=PARTNER_WITH_PR),
            Finding.MET,
            "has parental responsibility",
        ),
        (
            "parent's partner without it, not related",
            facts(10, victim=NOT_RELATED, perpetrator=PARTNER_NO_PR),
            Finding.NOT_MET,
            "not related",
        ),
        (
            "a child related to neither adult",
            facts(9, victim=NOT_RELATED, perpetrator=NOT_RELATED),
            Finding.NOT_MET,
            "not related",
        ),
        (
            "no relationship recorded at all",
            facts(9, victim=[], perpetrator=[]),
            Finding.NOT_MET,
            "not related",
        ),
        ("17 is still a child", facts(17), Finding.MET, "17, so under 18"),
        ("18 is an adult", facts(18), Finding.NOT_MET, "not a child under the Act"),
        (
            "did not see, hear or live with the effects",
            facts(8, saw=False),
            Finding.NOT_MET,
            "did not see or hear",
        ),
        ("age not known", facts(None), Finding.NOT_KNOWN, "age is not known"),
    ],
)
def test_children_as_victims_section_3(
    case: str, child: ChildFacts, expected: Finding, reason: str
) -> None:
    result = child_victim_status(child)
    assert result.finding == expected, case
    assert any(reason in r for r in result.reasons), result.reasons


def test_the_definition_needs_both_16_and_a_personal_connection() -> None:
    married = [Tie(Kinship.MARRIED)]
    met = domestic_abuse_definition(
        victim_age=30,
        perpetrator_age=33,
        ties_victim_to_perpetrator=married,
        abuse_types=[AbuseType.CONTROLLING_OR_COERCIVE],
    )
    assert met.finding == Finding.MET
    young = domestic_abuse_definition(
        victim_age=15,
        perpetrator_age=33,
        ties_victim_to_perpetrator=[Tie(Kinship.CHILD)],
        abuse_types=[AbuseType.PHYSICAL_OR_SEXUAL],
    )
    assert young.finding == Finding.NOT_MET
    assert any("child protection" in r for r in young.reasons)
    sixteen = domestic_abuse_definition(
        victim_age=16,
        perpetrator_age=17,
        ties_victim_to_perpetrator=[Tie(Kinship.INTIMATE_PARTNERS)],
        abuse_types=[AbuseType.ECONOMIC],
    )
    assert sixteen.finding == Finding.MET
    strangers = domestic_abuse_definition(
        victim_age=30,
        perpetrator_age=30,
        ties_victim_to_perpetrator=[Tie(Kinship.OTHER)],
        abuse_types=[AbuseType.VIOLENT_OR_THREATENING],
    )
    assert strangers.finding == Finding.NOT_MET
    assert any("not a personal connection" in r for r in strangers.reasons)
    siblings = domestic_abuse_definition(
        victim_age=40,
        perpetrator_age=42,
        ties_victim_to_perpetrator=[Tie(Kinship.SIBLING)],
        abuse_types=[AbuseType.ECONOMIC],
    )
    assert siblings.finding == Finding.MET
    unknown = domestic_abuse_definition(
        victim_age=None, perpetrator_age=40, ties_victim_to_perpetrator=[], abuse_types=[]
    )
    assert unknown.finding == Finding.NOT_KNOWN


def test_pregnancy_and_babies_under_18_months_are_flagged() -> None:
    day = dt.date(2026, 11, 22)
    assert months_old(dt.date(2025, 5, 23), day) == 17
    assert pregnancy_or_baby_flag(
        victim_pregnant=False, child_dates_of_birth=[dt.date(2025, 5, 23)], on=day
    )
    assert not pregnancy_or_baby_flag(
        victim_pregnant=False, child_dates_of_birth=[dt.date(2025, 5, 22)], on=day
    )
    assert (
        pregnancy_or_baby_flag(victim_pregnant=True, child_dates_of_birth=[], on=day)
        == "The victim is pregnant"
    )


NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


BASE_RECORD = IncidentRecord(
    is_police=True,
    police_reference="WX/123",
    occurred_at=NOW - dt.timedelta(hours=2),
    reported_at=NOW - dt.timedelta(hours=1),
    victims=1,
    perpetrators=1,
    children=[],
    no_children_attested=False,
    no_children_how="",
    arrest_made=True,
    no_arrest_reason="",
)


def record(**overrides: Any) -> IncidentRecord:
    return replace(BASE_RECORD, **overrides)


BASE_CHILD = ChildRecord(
    name="Mia",
    present=True,
    welfare_check_done=True,
    spoken_to=True,
    spoken_to_alone=True,
    not_spoken_to_reason="",
    not_alone_reason="",
    relationship_recorded=True,
)


def child(**overrides: Any) -> ChildRecord:
    return replace(BASE_CHILD, **overrides)


def fields_of(problems: list[Problem]) -> set[str]:
    return {p.field for p in problems}


def test_an_incident_without_children_or_attestation_cannot_be_submitted() -> None:
    assert fields_of(submission_problems(record(), now=NOW)) == {"children"}
    attested_without_how = record(no_children_attested=True)
    assert fields_of(submission_problems(attested_without_how, now=NOW)) == {"no_children_how"}
    attested = record(
        no_children_attested=True,
        no_children_how="Victim and neighbour said so; no child's things in the home",
    )
    assert submission_problems(attested, now=NOW) == []
    assert submission_problems(record(children=[child()]), now=NOW) == []


def test_a_present_child_not_spoken_to_or_not_alone_needs_a_reason() -> None:
    not_spoken = record(children=[child(spoken_to=False, spoken_to_alone=None)])
    assert fields_of(submission_problems(not_spoken, now=NOW)) == {
        "children.0.not_spoken_to_reason"
    }
    not_alone = record(children=[child(spoken_to_alone=False)])
    assert fields_of(submission_problems(not_alone, now=NOW)) == {"children.0.not_alone_reason"}
    explained = record(
        children=[
            child(spoken_to_alone=False, not_alone_reason="Too distressed to leave their mother")
        ]
    )
    assert submission_problems(explained, now=NOW) == []
    absent = record(
        children=[
            child(present=False, welfare_check_done=None, spoken_to=None, spoken_to_alone=None)
        ]
    )
    assert submission_problems(absent, now=NOW) == []


def test_the_other_required_facts() -> None:
    problems = submission_problems(
        record(
            police_reference="",
            victims=0,
            perpetrators=0,
            arrest_made=False,
            occurred_at=NOW + dt.timedelta(hours=1),
            children=[child(present=None, relationship_recorded=False)],
        ),
        now=NOW,
    )
    assert fields_of(problems) == {
        "police_reference",
        "occurred_at",
        "reported_at",
        "victims",
        "perpetrators",
        "no_arrest_reason",
        "children.0.present",
        "children.0.relationships",
    }
    # A concern from another agency needs no police reference, perpetrator or arrest.
    concern = record(
        is_police=False, police_reference="", perpetrators=0, arrest_made=None, children=[child()]
    )
    assert submission_problems(concern, now=NOW) == []
