"""The MARAC repeat criterion (rule MARAC-1, domain.md §2.2): "ANY instance of abuse
between the same victim and perpetrator(s), within 12 months of the last referral to
Marac" (SafeLives). The perpetrators of each earlier referral are data, as every record
id of each person across agencies; this incident must share one of them."""

from __future__ import annotations

import datetime as dt

import pytest

from hearth.risk.policy import MaracConfig, PastEvent, PastReferral, marac_criteria

TODAY = dt.date(2026, 11, 22)
# One perpetrator recorded by two agencies (records 7 and 70), another person (99).
PERPETRATOR = frozenset({7, 70})
POLICE_RECORD = frozenset({7})
HEALTH_RECORD = frozenset({70})
SOMEONE_ELSE = frozenset({99})


def repeat(
    *,
    referrals: list[PastReferral],
    perpetrator_ids: frozenset[int] = PERPETRATOR,
    today: dt.date = TODAY,
    config: MaracConfig | None = None,
    history: list[PastEvent] | None = None,
) -> tuple[bool, str]:
    result = marac_criteria(
        score=2,
        judgement_reason="",
        today=today,
        perpetrator_ids=perpetrator_ids,
        history=history or [],
        referrals=referrals,
        config=config or MaracConfig(),
    )
    (criterion,) = [c for c in result.criteria if c.key == "repeat"]
    return criterion.met, criterion.basis


@pytest.mark.parametrize(
    ("referrals", "perpetrator_ids", "met"),
    [
        # Never referred: not a repeat, whoever the perpetrator.
        ([], PERPETRATOR, False),
        # The same perpetrator as a referral 100 days ago.
        ([PastReferral(TODAY - dt.timedelta(days=100), PERPETRATOR)], PERPETRATOR, True),
        # The same person under another agency's record of them.
        ([PastReferral(TODAY - dt.timedelta(days=100), HEALTH_RECORD)], PERPETRATOR, True),
        ([PastReferral(TODAY - dt.timedelta(days=100), PERPETRATOR)], POLICE_RECORD, True),
        # A different perpetrator: a new case, not a repeat.
        ([PastReferral(TODAY - dt.timedelta(days=100), SOMEONE_ELSE)], PERPETRATOR, False),
        ([PastReferral(TODAY - dt.timedelta(days=100), PERPETRATOR)], SOMEONE_ELSE, False),
        # No perpetrator recorded on either side: nothing to match.
        ([PastReferral(TODAY - dt.timedelta(days=100), PERPETRATOR)], frozenset(), False),
        ([PastReferral(TODAY - dt.timedelta(days=100), frozenset())], PERPETRATOR, False),
        # One of two perpetrators of the referred case is enough.
        ([PastReferral(TODAY - dt.timedelta(days=30), frozenset({99, 7}))], PERPETRATOR, True),
        # The latest referral was about someone else, an earlier one about this perpetrator.
        (
            [
                PastReferral(TODAY - dt.timedelta(days=200), PERPETRATOR),
                PastReferral(TODAY - dt.timedelta(days=20), SOMEONE_ELSE),
            ],
            PERPETRATOR,
            True,
        ),
        # A referral on the incident's own day or after it is not an earlier one.
        ([PastReferral(TODAY, PERPETRATOR)], PERPETRATOR, False),
        ([PastReferral(TODAY + dt.timedelta(days=3), PERPETRATOR)], PERPETRATOR, False),
    ],
)
def test_a_repeat_needs_the_same_perpetrator_as_an_earlier_referral(
    referrals: list[PastReferral], perpetrator_ids: frozenset[int], met: bool
) -> None:
    assert repeat(referrals=referrals, perpetrator_ids=perpetrator_ids)[0] is met


def test_the_window_counts_exactly_12_months_after_the_referral_but_not_a_day_more() -> None:
    referral = [PastReferral(dt.date(2025, 11, 22), PERPETRATOR)]
    assert repeat(referrals=referral, today=dt.date(2026, 11, 22))[0]
    assert not repeat(referrals=referral, today=dt.date(2026, 11, 23))[0]
    six = MaracConfig(repeat_window_months=6)
    assert repeat(referrals=referral, today=dt.date(2026, 5, 22), config=six)[0]
    assert not repeat(referrals=referral, today=dt.date(2026, 5, 23), config=six)[0]


def test_earlier_incidents_with_the_same_perpetrator_do_not_make_a_different_one_a_repeat() -> None:
    # Today's criterion used to count any incident in the history, this one included:
    # the history is for potential escalation only.
    history = [PastEvent(TODAY - dt.timedelta(days=5), PERPETRATOR, "Wessex Police")]
    referral = [PastReferral(TODAY - dt.timedelta(days=50), PERPETRATOR)]
    assert not repeat(referrals=referral, perpetrator_ids=SOMEONE_ELSE, history=history)[0]


def test_the_basis_says_which_referral_matched_and_on_what() -> None:
    met, basis = repeat(referrals=[PastReferral(dt.date(2026, 9, 1), HEALTH_RECORD)])
    assert met
    assert basis == (
        "This incident on 22 November 2026 is between the same victim and perpetrator as "
        "the MARAC referral on 01 September 2026, within 12 months of it"
    )


@pytest.mark.parametrize(
    ("referrals", "perpetrator_ids", "words"),
    [
        ([], PERPETRATOR, "No earlier MARAC referral"),
        (
            [PastReferral(dt.date(2026, 9, 1), SOMEONE_ELSE)],
            PERPETRATOR,
            "The earlier MARAC referral (the last on 01 September 2026) was about a different "
            "perpetrator: this incident is not a repeat",
        ),
        (
            [PastReferral(dt.date(2025, 9, 1), PERPETRATOR)],
            PERPETRATOR,
            "The last MARAC referral about the same victim and perpetrator, on 01 September "
            "2025, was more than 12 months before this incident on 22 November 2026",
        ),
        (
            [PastReferral(dt.date(2026, 9, 1), PERPETRATOR)],
            frozenset(),
            "No alleged perpetrator is recorded for this incident, so it cannot be matched to "
            "the MARAC referral on 01 September 2026",
        ),
    ],
)
def test_the_basis_says_why_it_is_not_a_repeat(
    referrals: list[PastReferral], perpetrator_ids: frozenset[int], words: str
) -> None:
    met, basis = repeat(referrals=referrals, perpetrator_ids=perpetrator_ids)
    assert not met
    assert basis == words
