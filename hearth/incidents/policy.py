"""Pure rules for incidents and concerns. No ORM here: plain data in, decisions and their
reasons out, so each can be shown to the person who must act on it.

Sources (../shared/docs/domain.md):
- Domestic Abuse Act 2021 s.1 (definition: both aged 16 or over, personally connected,
  abusive behaviour of five kinds, a single incident or a course of conduct) and s.2
  (personally connected), §5.1–5.2;
- s.3 (children as victims, in force 31 January 2022): a child under 18 who sees or
  hears, or experiences the effects of, the abuse and is related to the victim or the
  abuser, §5.3;
- Children Act 1989 s.105(1): a "child" is a person under the age of eighteen. Everyone
  listed among an incident's children, and every route that acts for a child (the front
  door, Operation Encompass, MARAC's children, follow-up, child risk), uses ``is_child``
  on the day of the incident;
- child-to-parent abuse (§5.1): s.1 needs both people to be 16 or over, so a child under
  16 who harms a parent is not "domestic abuse" in the Act's terms, and a 16- or
  17-year-old who does is; either way the child who harmed is a child to safeguard. They
  are recorded as the alleged perpetrator with a child's involvement of their own, and
  they are not a victim under s.3 of abuse they committed (s.3 is about a child who sees,
  hears or experiences the effects of abuse by someone else);
- HMIC "In harm's way" (2015) and HMICFRS 2019: officers must see each child, speak to
  them away from their parents, and record their words, behaviour and demeanour, §6.1–6.2;
- DASH practice: pregnancy and a baby under 18 months raise the risk, §1.4 and §2.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from hearth.people.policy import Tie, are_personally_connected, relation_to_child

ADULT_AGE = 16  # s.1(2)(a): both aged 16 or over
# Children Act 1989 s.105(1), and the DA Act 2021 s.3 with it: a "child" is a person under 18.
CHILD_AGE_LIMIT = 18
BABY_MONTHS = 18  # a baby under 18 months is flagged with pregnancy


def is_child(age: int | None) -> bool:
    """Under 18 on the day (Children Act 1989 s.105(1)). An age not known counts as a
    child's: nobody listed as a child is dropped for want of a date of birth."""
    return age is None or age < CHILD_AGE_LIMIT


def adult_listed_as_child(name: str, age: int | None) -> str | None:
    """What to tell the officer when someone listed among the children is 18 or over on
    the day of the incident, or ``None`` when they are a child."""
    if is_child(age):
        return None
    return (
        f"{name} is {age}, so 18 or over, on the date of the incident: record them as an "
        "adult, not as a child"
    )


class AbuseType(StrEnum):
    """Domestic Abuse Act 2021 s.1(3): the kinds of abusive behaviour."""

    PHYSICAL_OR_SEXUAL = "physical_or_sexual"
    VIOLENT_OR_THREATENING = "violent_or_threatening"
    CONTROLLING_OR_COERCIVE = "controlling_or_coercive"
    ECONOMIC = "economic"
    PSYCHOLOGICAL_OR_EMOTIONAL = "psychological_or_emotional"


ABUSE_TYPE_LABELS = {
    AbuseType.PHYSICAL_OR_SEXUAL: "Physical or sexual abuse",
    AbuseType.VIOLENT_OR_THREATENING: "Violent or threatening behaviour",
    AbuseType.CONTROLLING_OR_COERCIVE: "Controlling or coercive behaviour",
    AbuseType.ECONOMIC: "Economic abuse",
    AbuseType.PSYCHOLOGICAL_OR_EMOTIONAL: "Psychological, emotional or other abuse",
}


class PartyRole(StrEnum):
    ADULT_VICTIM = "adult_victim"
    ALLEGED_PERPETRATOR = "alleged_perpetrator"
    CHILD = "child"
    OTHER_HOUSEHOLD_MEMBER = "other_household_member"


class Finding(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_KNOWN = "not_known"


@dataclass(frozen=True)
class Assessment:
    """A legal test's result and the reasons, in words a user can check."""

    finding: Finding
    reasons: tuple[str, ...]

    @property
    def met(self) -> bool:
        return self.finding == Finding.MET


def domestic_abuse_definition(
    *,
    victim_age: int | None,
    perpetrator_age: int | None,
    ties_victim_to_perpetrator: list[Tie],
    abuse_types: list[AbuseType],
) -> Assessment:
    """Does the behaviour meet the statutory definition (s.1)? Says which part fails."""
    reasons: list[str] = []
    unknown = failed = False
    for who, age in (("The victim", victim_age), ("The alleged perpetrator", perpetrator_age)):
        is_perpetrator = who == "The alleged perpetrator"
        if age is None:
            reasons.append(f"{who}'s age is not known: the definition needs both to be 16 or over")
            unknown = True
        elif age < ADULT_AGE and is_perpetrator:
            # Child-to-parent abuse by a child under 16: outside s.1, and a child to safeguard.
            reasons.append(
                f"{who} is {age}: the definition needs both to be 16 or over, so this is "
                "not domestic abuse in the Act's terms. They are a child who has harmed "
                "someone: safeguard them as a child (they are recorded as a child too)"
            )
            failed = True
        elif age < ADULT_AGE:
            reasons.append(
                f"{who} is {age}: the definition needs both to be 16 or over. "
                "Abuse of a child under 16 is child abuse: follow child protection procedures"
            )
            failed = True
        elif age < CHILD_AGE_LIMIT and is_perpetrator:
            reasons.append(
                f"{who} is {age}, so 16 or over: abuse by a 16 or 17-year-old of someone "
                "personally connected to them is domestic abuse. They are also a child "
                "(under 18): safeguard them as a child who has harmed"
            )
        else:
            reasons.append(f"{who} is {age}, so 16 or over")
    if are_personally_connected(ties_victim_to_perpetrator):
        reasons.append("They are personally connected (Domestic Abuse Act 2021 s.2)")
    elif ties_victim_to_perpetrator:
        reasons.append("The relationship recorded between them is not a personal connection")
        failed = True
    else:
        reasons.append("No relationship between them is recorded yet")
        unknown = True
    if abuse_types:
        labels = ", ".join(ABUSE_TYPE_LABELS[t].lower() for t in abuse_types)
        reasons.append(f"Abusive behaviour recorded: {labels}")
    else:
        reasons.append("No kind of abusive behaviour is recorded yet")
        unknown = True
    finding = Finding.NOT_MET if failed else Finding.NOT_KNOWN if unknown else Finding.MET
    return Assessment(finding, tuple(reasons))


@dataclass(frozen=True)
class ChildFacts:
    """What the officer recorded about one child, and how each adult stands to them."""

    age: int | None
    saw: bool
    heard: bool
    experienced_effects: bool
    # For each adult victim and alleged perpetrator: their label and their ties to the child.
    # A child who harmed is not among the perpetrators of their own facts.
    victims: list[tuple[str, list[Tie]]] = field(default_factory=list)
    perpetrators: list[tuple[str, list[Tie]]] = field(default_factory=list)
    # The child is the alleged perpetrator: a child who harmed (child-to-parent abuse).
    harmed: bool = False
    # Their age in words ("5 months"; ``hearth.core.ages``), said instead of the bare years.
    age_words: str | None = None


def _age_said(facts: ChildFacts) -> str:
    """ "5 months old" for a baby, "7" for an older child: never "0" (issue 17)."""
    words = facts.age_words
    if words and any(w in words for w in ("month", "week", "Under")):
        return f"{words[0].lower()}{words[1:]} old"
    return str(facts.age)


def child_victim_status(facts: ChildFacts) -> Assessment:
    """Is this child a victim of domestic abuse in their own right (s.3)? A child who
    harmed is not a victim of abuse they committed: only abuse by another alleged
    perpetrator that they saw, heard or experienced the effects of counts."""
    reasons: list[str] = []
    unknown = failed = False
    if facts.harmed and not facts.perpetrators:
        return Assessment(
            Finding.NOT_MET,
            (
                "They are the alleged perpetrator: section 3 is about a child who sees, "
                "hears or experiences the effects of abuse by someone else, and no other "
                "alleged perpetrator is recorded",
                "They are a child who has harmed: they are safeguarded as a child",
            ),
        )
    if facts.harmed:
        reasons.append(
            "They are an alleged perpetrator: only the abuse by the other alleged "
            "perpetrator is considered"
        )
    if facts.age is None:
        reasons.append("Their age is not known: record a date of birth or an estimated age")
        unknown = True
    elif facts.age >= CHILD_AGE_LIMIT:
        reasons.append(f"They are {facts.age}, so not a child under the Act (under 18)")
        failed = True
    else:
        reasons.append(f"They are {_age_said(facts)}, so under 18")
    experienced = [
        words
        for words, happened in (
            ("saw the abuse", facts.saw),
            ("heard the abuse", facts.heard),
            ("experienced the effects of the abuse", facts.experienced_effects),
        )
        if happened
    ]
    if experienced:
        reasons.append("They " + _join(experienced))
    else:
        reasons.append("They did not see or hear the abuse or experience its effects")
        failed = True
    related = [
        f"the {role} ({label}) {why}"
        for role, people in (
            ("adult victim", facts.victims),
            ("alleged perpetrator", facts.perpetrators),
        )
        for label, ties in people
        if (why := relation_to_child(ties))
    ]
    if related:
        reasons.append("They are related: " + _join(related))
    else:
        reasons.append(
            "They are not related to the adult victim or the alleged perpetrator "
            "(parent, parental responsibility or relative)"
        )
        failed = True
    finding = Finding.NOT_MET if failed else Finding.NOT_KNOWN if unknown else Finding.MET
    return Assessment(finding, tuple(reasons))


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def months_old(date_of_birth: dt.date, day: dt.date) -> int:
    months = (day.year - date_of_birth.year) * 12 + day.month - date_of_birth.month
    return months - 1 if day.day < date_of_birth.day else months


def pregnancy_or_baby_flag(
    *, victim_pregnant: bool, child_dates_of_birth: list[dt.date], on: dt.date
) -> str | None:
    """Why the household is flagged for pregnancy or a baby, or ``None``."""
    babies = [d for d in child_dates_of_birth if months_old(d, on) < BABY_MONTHS]
    if victim_pregnant and babies:
        return "The victim is pregnant and there is a baby under 18 months"
    if victim_pregnant:
        return "The victim is pregnant"
    if babies:
        return "There is a baby under 18 months"
    return None


# --- What must be recorded before an incident can be submitted --------------------------


@dataclass(frozen=True)
class ChildRecord:
    """One child's involvement as recorded, for the submission check."""

    name: str
    present: bool | None
    welfare_check_done: bool | None
    spoken_to: bool | None
    spoken_to_alone: bool | None
    not_spoken_to_reason: str
    not_alone_reason: str
    relationship_recorded: bool
    age: int | None = None  # on the day of the incident
    harmed: bool = False  # the child is the alleged perpetrator (a child who harmed)


@dataclass(frozen=True)
class IncidentRecord:
    is_police: bool
    police_reference: str
    occurred_at: dt.datetime | None
    reported_at: dt.datetime | None
    victims: int
    perpetrators: int
    children: list[ChildRecord]
    no_children_attested: bool
    no_children_how: str
    arrest_made: bool | None
    no_arrest_reason: str
    # Alleged perpetrators under 18 on the day who are not recorded as children who harmed.
    perpetrators_not_recorded_as_children: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def submission_problems(record: IncidentRecord, *, now: dt.datetime) -> list[Problem]:
    """Everything that stops this incident being submitted, each with the field to fix.

    No child may be missed: either every child is recorded, or the officer attests that
    no child lives in or is related to the household and says how they know. A child who
    harmed (an alleged perpetrator under 18) is a child recorded, so when they are the
    only child nothing needs attesting; and nobody 18 or over is recorded as a child.
    """
    problems: list[Problem] = []
    if record.is_police and not record.police_reference.strip():
        problems.append(Problem("police_reference", "Enter the police reference"))
    if record.occurred_at is None:
        problems.append(Problem("occurred_at", "Enter when the incident happened"))
    elif record.occurred_at > now:
        problems.append(Problem("occurred_at", "When it happened must be in the past"))
    if record.occurred_at and record.reported_at and record.reported_at < record.occurred_at:
        problems.append(
            Problem(
                "reported_at", "When it was reported must be the same as or after when it happened"
            )
        )
    if record.victims == 0:
        problems.append(Problem("victims", "Add the adult victim"))
    if record.is_police and record.perpetrators == 0:
        problems.append(Problem("perpetrators", "Add the alleged perpetrator"))
    for name, age in record.perpetrators_not_recorded_as_children:
        problems.append(
            Problem(
                "perpetrators",
                f"{name} is {age}, so under 18, on the date of the incident: record them as "
                "a child too, as a child who harmed",
            )
        )
    if record.is_police and record.arrest_made is None:
        problems.append(Problem("arrest_made", "Select whether an arrest was made"))
    if record.is_police and record.arrest_made is False and not record.no_arrest_reason.strip():
        problems.append(Problem("no_arrest_reason", "Enter why no arrest was made"))
    if not record.children:
        if not record.no_children_attested:
            problems.append(
                Problem(
                    "children",
                    "Add every child who lives in or is related to the household, or confirm "
                    "there are none",
                )
            )
        elif not record.no_children_how.strip():
            problems.append(
                Problem("no_children_how", "Enter how you established there are no children")
            )
    for index, child in enumerate(record.children):
        problems += _child_problems(index, child)
    return problems


def _child_problems(index: int, child: ChildRecord) -> list[Problem]:
    prefix = f"children.{index}"
    name = child.name
    problems: list[Problem] = []
    if not child.harmed and (adult := adult_listed_as_child(name, child.age)):
        # Nothing else is asked of an adult listed as a child: they are to be moved.
        return [Problem(f"{prefix}.age", adult)]
    if child.present is None:
        problems.append(Problem(f"{prefix}.present", f"Select whether {name} was present"))
    if child.present and child.welfare_check_done is None:
        problems.append(
            Problem(
                f"{prefix}.welfare_check_done", f"Select whether a welfare check was done on {name}"
            )
        )
    if child.present and child.spoken_to is None:
        problems.append(Problem(f"{prefix}.spoken_to", f"Select whether {name} was spoken to"))
    if child.present and child.spoken_to is False and not child.not_spoken_to_reason.strip():
        problems.append(
            Problem(f"{prefix}.not_spoken_to_reason", f"Enter why {name} was not spoken to")
        )
    if child.spoken_to and child.spoken_to_alone is None:
        problems.append(
            Problem(
                f"{prefix}.spoken_to_alone",
                f"Select whether {name} was spoken to away from their parents",  # noqa: S608
            )
        )
    if child.spoken_to and child.spoken_to_alone is False and not child.not_alone_reason.strip():
        problems.append(
            Problem(
                f"{prefix}.not_alone_reason",
                f"Enter why {name} was not spoken to away from their parents",
            )
        )
    if not child.relationship_recorded:
        problems.append(
            Problem(f"{prefix}.relationships", f"Record how {name} is related to each adult")
        )
    return problems
