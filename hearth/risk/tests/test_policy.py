"""The grading, MARAC and child-risk rules at every boundary (no database)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hearth.risk.policy import (
    LOCAL_THREE_BANDS,
    Answer,
    Bands,
    Basis,
    ChildRiskFactors,
    ChildRiskLevel,
    Grade,
    JudgementError,
    MaracConfig,
    MaracResult,
    PastEvent,
    actuarial_grade,
    child_risk,
    marac_criteria,
    months_before,
    raise_child_risk,
    with_judgement,
    yes_count,
)

TODAY = dt.date(2026, 11, 22)
VICTIM_PERPETRATOR = 7


def test_only_yes_answers_score() -> None:
    answers = [Answer.YES] * 3 + [Answer.DONT_KNOW] * 5 + [Answer.NO] * 2
    assert yes_count(answers) == 3


@pytest.mark.parametrize(
    ("score", "bands", "grade"),
    [
        (13, Bands(), Grade.STANDARD),
        (14, Bands(), Grade.HIGH),
        (9, LOCAL_THREE_BANDS, Grade.STANDARD),
        (10, LOCAL_THREE_BANDS, Grade.MEDIUM),
        (13, LOCAL_THREE_BANDS, Grade.MEDIUM),
        (14, LOCAL_THREE_BANDS, Grade.HIGH),
        (11, Bands(high_from=12, medium_from=8), Grade.MEDIUM),
        (12, Bands(high_from=12, medium_from=8), Grade.HIGH),
    ],
)
def test_grade_bands(score: int, bands: Bands, grade: Grade) -> None:
    result = actuarial_grade(score, bands)
    assert result.grade == grade
    assert result.basis == Basis.ACTUARIAL
    assert str(score) in result.reasons[0]


def test_bands_must_make_sense() -> None:
    with pytest.raises(ValueError, match="below the high band"):
        Bands(high_from=10, medium_from=12)


@given(
    score=st.integers(min_value=0, max_value=27),
    judged=st.sampled_from(list(Grade)),
    medium=st.one_of(st.none(), st.integers(min_value=1, max_value=13)),
)
def test_professional_judgement_never_lowers_a_grade(
    score: int, judged: Grade, medium: int | None
) -> None:
    actuarial = actuarial_grade(score, Bands(high_from=14, medium_from=medium))
    try:
        result = with_judgement(actuarial, judged=judged, reason="Threats to kill last week")
    except JudgementError:
        assert judged < actuarial.grade
        return
    assert result.grade >= actuarial.grade
    assert result.grade == max(judged, actuarial.grade)
    if result.grade > actuarial.grade:
        assert result.basis == Basis.PROFESSIONAL_JUDGEMENT
        assert actuarial.reasons[0] in result.reasons  # the actuarial basis stays visible


def test_judgement_needs_a_reason() -> None:
    with pytest.raises(JudgementError, match="reason"):
        with_judgement(actuarial_grade(3), judged=Grade.HIGH, reason=" ")


def criteria(
    *,
    score: int = 5,
    judgement_reason: str = "",
    today: dt.date = TODAY,
    history: list[PastEvent] | None = None,
    config: MaracConfig | None = None,
) -> MaracResult:
    return marac_criteria(
        score=score,
        judgement_reason=judgement_reason,
        today=today,
        perpetrator_ids=frozenset({VICTIM_PERPETRATOR}),
        history=history or [],
        referrals=[],
        config=config or MaracConfig(),
    )


def met(result: MaracResult) -> set[str]:
    return set(result.met_keys)


def test_visible_high_risk_at_13_and_14() -> None:
    assert met(criteria(score=13)) == set()
    assert met(criteria(score=14)) == {"visible_high_risk"}
    assert met(criteria(score=12, config=MaracConfig(visible_high_risk_from=12))) == {
        "visible_high_risk"
    }


def test_professional_judgement_is_a_criterion_on_its_own() -> None:
    result = criteria(judgement_reason="Non-fatal strangulation disclosed")
    assert met(result) == {"professional_judgement"}
    assert "strangulation" in result.criteria[1].basis


def events(*days_ago: int, agency: str = "Wessex Police") -> list[PastEvent]:
    return [
        PastEvent(TODAY - dt.timedelta(days=d), frozenset({VICTIM_PERPETRATOR}), agency)
        for d in days_ago
    ]


def test_potential_escalation_at_2_and_3_incidents() -> None:
    assert met(criteria(history=events(1, 40))) == set()
    assert met(criteria(history=events(1, 40, 200))) == {"potential_escalation"}


def test_escalation_counts_exactly_12_months_but_not_a_day_more() -> None:
    a_year = months_before(TODAY, 12)
    on_the_day = [*events(1, 40), PastEvent(a_year, frozenset(), "Wessex Police")]
    a_day_more = [
        *events(1, 40),
        PastEvent(a_year - dt.timedelta(days=1), frozenset(), "Wessex Police"),
    ]
    assert met(criteria(history=on_the_day)) == {"potential_escalation"}
    assert met(criteria(history=a_day_more)) == set()


def test_escalation_counts_any_agency_and_any_perpetrator() -> None:
    history = [
        *events(3),
        *events(60, agency="Ashcombe Primary School"),
        PastEvent(TODAY - dt.timedelta(days=90), frozenset({99}), "Wessex IDVA Service"),
    ]
    result = criteria(history=history)
    assert met(result) == {"potential_escalation"}
    assert "Ashcombe Primary School" in result.criteria[2].basis


def test_escalation_is_configurable_per_area() -> None:
    kent_like = MaracConfig(escalation_count=3, escalation_window_months=6)
    assert met(criteria(history=events(1, 40, 200), config=kent_like)) == set()
    assert met(criteria(history=events(1, 40, 150), config=kent_like)) == {"potential_escalation"}


# The repeat criterion: test_marac_repeat.py.


@pytest.mark.parametrize(
    ("factors", "level"),
    [
        (ChildRiskFactors(age=10), ChildRiskLevel.MODERATE),
        (ChildRiskFactors(age=10, present_or_witnessed=True), ChildRiskLevel.MODERATE_TO_SERIOUS),
        (
            ChildRiskFactors(age=10, dash_yes=frozenset({"child_contact_conflict"})),
            ChildRiskLevel.MODERATE_TO_SERIOUS,
        ),
        (
            ChildRiskFactors(age=10, present_or_witnessed=True, adult_grade=Grade.HIGH),
            ChildRiskLevel.SERIOUS,
        ),
        (ChildRiskFactors(age=10, own_fears=True), ChildRiskLevel.SERIOUS),
        (ChildRiskFactors(age=10, previous_incidents_involving_child=2), ChildRiskLevel.SERIOUS),
        (ChildRiskFactors(age=10, directly_harmed=True), ChildRiskLevel.SEVERE),
        (
            ChildRiskFactors(age=10, dash_yes=frozenset({"threatened_children"})),
            ChildRiskLevel.SEVERE,
        ),
        # Under 7, a baby, or additional needs: one level up.
        (ChildRiskFactors(age=6), ChildRiskLevel.MODERATE_TO_SERIOUS),
        (ChildRiskFactors(age=7), ChildRiskLevel.MODERATE),
        (
            ChildRiskFactors(age=0, is_infant_or_unborn=True, present_or_witnessed=True),
            ChildRiskLevel.SERIOUS,
        ),
        (
            ChildRiskFactors(age=12, disability_or_additional_needs=True, own_fears=True),
            ChildRiskLevel.SEVERE,
        ),
        (ChildRiskFactors(age=3, directly_harmed=True), ChildRiskLevel.SEVERE),  # never above 4
    ],
)
def test_child_risk_rule(factors: ChildRiskFactors, level: ChildRiskLevel) -> None:
    result = child_risk(factors)
    assert result.level == level
    assert result.rule == "CHILD-RISK-1"


def test_a_practitioner_can_raise_a_childs_level_with_a_reason_but_not_lower_it() -> None:
    result = child_risk(ChildRiskFactors(age=10))
    raised = raise_child_risk(result, level=ChildRiskLevel.SERIOUS, reason="Disclosed at school")
    assert raised.level == ChildRiskLevel.SERIOUS
    assert raised.basis == Basis.PROFESSIONAL_JUDGEMENT
    with pytest.raises(JudgementError):
        raise_child_risk(raised, level=ChildRiskLevel.MODERATE, reason="x")
    with pytest.raises(JudgementError, match="reason"):
        raise_child_risk(result, level=ChildRiskLevel.SEVERE, reason="")
