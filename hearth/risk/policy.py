"""Pure risk rules: the adult victim's grade, the MARAC criteria, and each child's risk.
Decision support, not decision making: every result carries its basis and reasons, and
professional judgement is always shown and can only raise a grade.

Sources (../shared/docs/domain.md):
- §1.2: the score counts "yes" answers only ("don't know" does not score); 14 or more is
  visible high risk (SafeLives); many areas band 1–9 standard, 10–13 medium, 14+ high
  (a local convention, so the bands are configuration); professional judgement "should not
  be used to downgrade an actuarial risk assessment" and needs a reason.
- §2.2: the four MARAC criteria: visible high risk (default 14 yes), professional
  judgement, potential escalation (default 3 or more incidents in 12 months, both
  configurable; any agency's records count), repeat (an incident between the same victim
  and perpetrator(s) as an earlier MARAC referral, within 12 months of it: "ANY instance
  of abuse between the same victim and perpetrator(s), within 12 months of the last
  referral to Marac", SafeLives).
- §1.5 and §1.3: Barnardo's Domestic Violence Risk Identification Matrix (DVRIM) grades a
  child's risk on four scales, 1 moderate, 2 moderate to serious, 3 serious, 4 severe,
  and a child under 7 or with additional needs moves up a scale because they can protect
  themselves less; the DASH items about children are police questions 3, 7, 9, 10, 11, 12,
  21 and 26. ``child_risk`` is Hearth's documented reading of those principles (rule
  CHILD-RISK-1); an area may replace it, and a practitioner may raise its result.
- §1.2 and §2.2 again for an area's settings (``area_settings``): the bands and the MARAC
  thresholds are local configuration; the ranges Hearth accepts are its own guard against
  a slip of the keyboard, not a SafeLives rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum

GRADING_RULE = "GRADE-1"
MARAC_RULE = "MARAC-1"
CHILD_RISK_RULE = "CHILD-RISK-1"


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    DONT_KNOW = "dont_know"


class Grade(IntEnum):
    STANDARD = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return self.name.capitalize()


class Basis(StrEnum):
    ACTUARIAL = "actuarial"
    PROFESSIONAL_JUDGEMENT = "professional_judgement"


@dataclass(frozen=True)
class Bands:
    """Yes-counts at which a grade starts. ``medium_from=None`` means no medium band."""

    high_from: int = 14
    medium_from: int | None = None

    def __post_init__(self) -> None:
        if self.high_from < 1:
            raise ValueError("The high band must start at 1 or more")
        if self.medium_from is not None and not 1 <= self.medium_from < self.high_from:
            raise ValueError("The medium band must start below the high band")


DEFAULT_BANDS = Bands()
# The three-band convention many areas use (domain.md §1.2).
LOCAL_THREE_BANDS = Bands(high_from=14, medium_from=10)


def yes_count(answers: Iterable[Answer]) -> int:
    """The score: "yes" answers only."""
    return sum(1 for a in answers if a == Answer.YES)


@dataclass(frozen=True)
class GradeResult:
    grade: Grade
    basis: Basis
    score: int
    reasons: tuple[str, ...]
    rule: str = GRADING_RULE


def actuarial_grade(score: int, bands: Bands = DEFAULT_BANDS) -> GradeResult:
    if score >= bands.high_from:
        grade, why = Grade.HIGH, f"{score} yes answers: {bands.high_from} or more is high"
    elif bands.medium_from is not None and score >= bands.medium_from:
        grade, why = (
            Grade.MEDIUM,
            f"{score} yes answers: {bands.medium_from} to {bands.high_from - 1} is medium",
        )
    else:
        limit = (bands.medium_from or bands.high_from) - 1
        grade, why = Grade.STANDARD, f"{score} yes answers: up to {limit} is standard"
    return GradeResult(grade, Basis.ACTUARIAL, score, (why,))


class JudgementError(ValueError):
    """Professional judgement was used wrongly (to lower a grade, or without a reason)."""


def with_judgement(
    actuarial: GradeResult, *, judged: Grade | None, reason: str = ""
) -> GradeResult:
    """Apply the practitioner's professional judgement. It may raise the grade, never lower
    it, and must give a reason; the actuarial result stays visible in the reasons."""
    if judged is None or judged == actuarial.grade:
        return actuarial
    if judged < actuarial.grade:
        raise JudgementError("Professional judgement cannot lower the grade: it can only raise it")
    if not reason.strip():
        raise JudgementError("Give the reason for your professional judgement")
    return GradeResult(
        judged,
        Basis.PROFESSIONAL_JUDGEMENT,
        actuarial.score,
        (
            *actuarial.reasons,
            f"Raised to {judged.label.lower()} by professional judgement: {reason.strip()}",
        ),
    )


# --- MARAC criteria ----------------------------------------------------------------------


@dataclass(frozen=True)
class MaracConfig:
    """Per-area settings (domain.md §2.2)."""

    visible_high_risk_from: int = 14
    escalation_count: int = 3
    escalation_window_months: int = 12
    repeat_window_months: int = 12


@dataclass(frozen=True)
class PastEvent:
    """An incident or concern recorded by any agency about the victim."""

    on: dt.date
    perpetrator_ids: frozenset[int]
    agency: str


@dataclass(frozen=True)
class Criterion:
    key: str
    met: bool
    basis: str


@dataclass(frozen=True)
class MaracResult:
    criteria: tuple[Criterion, ...]
    rule: str = MARAC_RULE

    @property
    def met(self) -> bool:
        return any(c.met for c in self.criteria)

    @property
    def met_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.criteria if c.met)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same date ``months`` calendar months earlier (the month's last day if shorter)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def months_after(day: dt.date, months: int) -> dt.date:
    return months_before(day, -months)


def within_months(day: dt.date, *, before: dt.date, months: int) -> bool:
    """``day`` falls in the ``months`` months up to and including ``before``: exactly 12
    months back counts, a day more does not."""
    return months_before(before, months) <= day <= before


@dataclass(frozen=True)
class PastReferral:
    """An earlier MARAC referral of the victim: the day it was sent, and the alleged
    perpetrator(s) of the case referred, as every record id of each (linked across
    agencies the same way the victim is), so two agencies' records of one person match."""

    on: dt.date
    perpetrator_ids: frozenset[int]


def _repeat(
    *,
    today: dt.date,
    perpetrator_ids: frozenset[int],
    referrals: Sequence[PastReferral],
    config: MaracConfig,
) -> Criterion:
    """SafeLives's repeat (domain.md §2.2): "ANY instance of abuse between the same victim
    and perpetrator(s), within 12 months of the last referral to Marac". The instance is
    this incident, on ``today``; it matches an earlier referral (sent before that day)
    when one of its perpetrators is one of the referral's. The referral made from this
    incident is not among ``referrals`` (the caller leaves it out), so the incident never
    matches itself."""
    window = config.repeat_window_months
    earlier = sorted((r for r in referrals if r.on < today), key=lambda r: r.on, reverse=True)
    if not earlier:
        return Criterion("repeat", False, "No earlier MARAC referral")
    if not perpetrator_ids:
        return Criterion(
            "repeat",
            False,
            "No alleged perpetrator is recorded for this incident, so it cannot be matched "
            f"to the MARAC referral on {earlier[0].on:%d %B %Y}",
        )
    same = [r for r in earlier if r.perpetrator_ids & perpetrator_ids]
    if not same:
        return Criterion(
            "repeat",
            False,
            f"The earlier MARAC referral{'s' if len(earlier) != 1 else ''} (the last on "
            f"{earlier[0].on:%d %B %Y}) "
            + ("were" if len(earlier) != 1 else "was")
            + " about a different perpetrator: this incident is not a repeat",
        )
    last = same[0]
    if today <= months_after(last.on, window):
        return Criterion(
            "repeat",
            True,
            f"This incident on {today:%d %B %Y} is between the same victim and perpetrator "
            f"as the MARAC referral on {last.on:%d %B %Y}, within {window} months of it",
        )
    return Criterion(
        "repeat",
        False,
        f"The last MARAC referral about the same victim and perpetrator, on "
        f"{last.on:%d %B %Y}, was more than {window} months before this incident on "
        f"{today:%d %B %Y}",
    )


def marac_criteria(
    *,
    score: int,
    judgement_reason: str,
    today: dt.date,
    perpetrator_ids: frozenset[int],
    history: Sequence[PastEvent],
    referrals: Sequence[PastReferral],
    config: MaracConfig = MaracConfig(),
) -> MaracResult:
    """Which of the four criteria are met, each with its basis in words. ``today`` is the
    day of the incident assessed; ``perpetrator_ids`` its alleged perpetrator(s), every
    record id of each; ``referrals`` the victim's earlier MARAC referrals, not the one
    made from this incident."""
    high = score >= config.visible_high_risk_from
    visible = Criterion(
        "visible_high_risk",
        high,
        f"{score} yes answers; {config.visible_high_risk_from} or more is visible high risk",
    )
    judgement = Criterion(
        "professional_judgement",
        bool(judgement_reason.strip()),
        f"Professional judgement: {judgement_reason.strip()}"
        if judgement_reason.strip()
        else "No professional judgement recorded",
    )
    recent = [
        e
        for e in history
        if within_months(e.on, before=today, months=config.escalation_window_months)
    ]
    agencies = sorted({e.agency for e in recent})
    escalation = Criterion(
        "potential_escalation",
        len(recent) >= config.escalation_count,
        f"{len(recent)} incident{'s' if len(recent) != 1 else ''} in the last "
        f"{config.escalation_window_months} months"
        + (f" (recorded by {', '.join(agencies)})" if agencies else "")
        + f"; {config.escalation_count} or more is potential escalation",
    )
    repeat = _repeat(
        today=today, perpetrator_ids=perpetrator_ids, referrals=referrals, config=config
    )
    return MaracResult((visible, judgement, escalation, repeat))


# --- An area's settings -------------------------------------------------------------------

# Hearth's own limits on what an administrator may set (not SafeLives rules): an escalation
# count of 1 would make every incident "potential escalation", because the incident being
# assessed is itself counted; windows longer than three years stop meaning "recent".
ESCALATION_COUNT_RANGE = (2, 20)
WINDOW_MONTHS_RANGE = (1, 36)


@dataclass(frozen=True)
class AreaSettings:
    """An area's grading bands and MARAC thresholds, checked together."""

    bands: Bands = DEFAULT_BANDS
    marac: MaracConfig = MaracConfig()


class AreaSettingsError(ValueError):
    """Settings that do not make sense; ``problems`` maps each setting to what is wrong."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(next(iter(problems.values())))
        self.problems = problems


def area_settings(
    *,
    high_from: int,
    medium_from: int | None,
    visible_high_risk_from: int,
    escalation_count: int,
    escalation_window_months: int,
    repeat_window_months: int,
    most_items: int,
) -> AreaSettings:
    """Check an area's settings. Scores run from 0 to ``most_items`` (the number of items
    of the longest instrument), so a band or threshold beyond it could never be reached;
    the medium band, if any, must start below the high band (``Bands``)."""
    problems: dict[str, str] = {}
    low, high = WINDOW_MONTHS_RANGE
    if not 1 <= high_from <= most_items:
        problems["high_from"] = f"The high band must start between 1 and {most_items} yes answers"
    elif medium_from is not None:
        try:
            Bands(high_from=high_from, medium_from=medium_from)
        except ValueError:
            problems["medium_from"] = (
                "The medium band must start at fewer yes answers than the high band"
                if medium_from >= high_from
                else "The medium band must start at 1 or more yes answers"
            )
    if not 1 <= visible_high_risk_from <= most_items:
        problems["visible_high_risk_from"] = (
            f"Visible high risk must start between 1 and {most_items} yes answers"
        )
    least, most = ESCALATION_COUNT_RANGE
    if not least <= escalation_count <= most:
        problems["escalation_count"] = (
            f"The number of incidents for potential escalation must be between {least} and {most}"
        )
    if not low <= escalation_window_months <= high:
        problems["escalation_window_months"] = (
            f"The months counted for potential escalation must be between {low} and {high}"
        )
    if not low <= repeat_window_months <= high:
        problems["repeat_window_months"] = (
            f"The months counted for a repeat must be between {low} and {high}"
        )
    if problems:
        raise AreaSettingsError(problems)
    return AreaSettings(
        bands=Bands(high_from=high_from, medium_from=medium_from),
        marac=MaracConfig(
            visible_high_risk_from=visible_high_risk_from,
            escalation_count=escalation_count,
            escalation_window_months=escalation_window_months,
            repeat_window_months=repeat_window_months,
        ),
    )


# --- Each child's risk --------------------------------------------------------------------


class ChildRiskLevel(IntEnum):
    MODERATE = 1
    MODERATE_TO_SERIOUS = 2
    SERIOUS = 3
    SEVERE = 4

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()


# The police DASH items about children (domain.md §1.3): their keys in police_dash v2009.
CHILD_RELATED_DASH_ITEMS = {
    "what_afraid_of": 3,
    "child_contact_conflict": 7,
    "pregnant_or_baby": 9,
    "other_children_dependants": 10,
    "hurt_children": 11,
    "threatened_children": 12,
    "hurt_others": 21,
    "breached_orders": 26,
}


@dataclass(frozen=True)
class ChildRiskFactors:
    age: int | None
    is_infant_or_unborn: bool = False  # a baby under 18 months, or the victim is pregnant
    disability_or_additional_needs: bool = False
    directly_harmed: bool = False
    threatened: bool = False
    present_or_witnessed: bool = False
    previous_incidents_involving_child: int = 0
    own_fears: bool = False
    perpetrator_contact_or_conflict: bool = False
    dash_yes: frozenset[str] = frozenset()  # child-related DASH items answered yes
    adult_grade: Grade | None = None


@dataclass(frozen=True)
class ChildRiskResult:
    level: ChildRiskLevel
    factors: tuple[str, ...]
    basis: Basis = Basis.ACTUARIAL
    rule: str = CHILD_RISK_RULE


def child_risk(f: ChildRiskFactors) -> ChildRiskResult:
    """Rule CHILD-RISK-1 (after Barnardo's DVRIM):

    4 severe: the child was directly harmed or threatened (or DASH 11/12 yes).
    3 serious: the child was present or witnessed it and the adult victim is at high risk,
      or it has happened to the child before, or the child is afraid.
    2 moderate to serious: present or witnessed; conflict over contact or the perpetrator's
      contact (DASH 7, 26); DASH 3 or 21 yes.
    1 moderate: a child of the household, none of the above.
    A child under 7, an infant or unborn child, or a child with a disability or additional
    needs moves up one level (to at most severe), because they can protect themselves less.
    """
    factors: list[str] = []
    harmed = f.directly_harmed or "hurt_children" in f.dash_yes
    threatened = f.threatened or "threatened_children" in f.dash_yes
    if harmed:
        factors.append("Directly harmed")
    if threatened:
        factors.append("Threatened")
    if f.present_or_witnessed:
        factors.append("Present at or witnessed the abuse")
    if f.previous_incidents_involving_child:
        factors.append(
            f"{f.previous_incidents_involving_child} earlier incident(s) involving the child"
        )
    if f.own_fears:
        factors.append("The child said they are afraid")
    contact = f.perpetrator_contact_or_conflict or bool(
        {"child_contact_conflict", "breached_orders"} & f.dash_yes
    )
    if contact:
        factors.append("The perpetrator's contact with the child, or conflict over it")
    for key in sorted(f.dash_yes & {"what_afraid_of", "hurt_others"}):
        factors.append(f"DASH question {CHILD_RELATED_DASH_ITEMS[key]} answered yes")
    if f.adult_grade == Grade.HIGH:
        factors.append("The adult victim is at high risk")

    if harmed or threatened:
        level = ChildRiskLevel.SEVERE
    elif (f.present_or_witnessed and f.adult_grade == Grade.HIGH) or (
        f.previous_incidents_involving_child or f.own_fears
    ):
        level = ChildRiskLevel.SERIOUS
    elif f.present_or_witnessed or contact or f.dash_yes & {"what_afraid_of", "hurt_others"}:
        level = ChildRiskLevel.MODERATE_TO_SERIOUS
    else:
        level = ChildRiskLevel.MODERATE

    vulnerable = []
    if f.age is not None and f.age < 7:
        vulnerable.append("under 7")
    if f.is_infant_or_unborn or "pregnant_or_baby" in f.dash_yes:
        vulnerable.append("a baby or unborn")
    if f.disability_or_additional_needs:
        vulnerable.append("a disability or additional needs")
    if vulnerable:
        factors.append("Less able to protect themselves: " + ", ".join(vulnerable))
        level = ChildRiskLevel(min(level + 1, ChildRiskLevel.SEVERE))
    return ChildRiskResult(level, tuple(factors))


def raise_child_risk(
    result: ChildRiskResult, *, level: ChildRiskLevel, reason: str
) -> ChildRiskResult:
    """A practitioner may raise a child's level, with a reason; never lower it."""
    if level < result.level:
        raise JudgementError("A child's risk level can only be raised")
    if level == result.level:
        return result
    if not reason.strip():
        raise JudgementError("Give the reason for raising the child's risk level")
    return ChildRiskResult(
        level,
        (*result.factors, f"Raised to {level.label.lower()} by a practitioner: {reason.strip()}"),
        Basis.PROFESSIONAL_JUDGEMENT,
    )
