"""Pure rules about people: identifiers, ages, names for matching, and how people are
related. No ORM here.

Sources (../shared/docs/domain.md):
- NHS number: 10 digits, modulus 11 check digit (NHS Data Dictionary); Unique Pupil
  Number: 13 characters, check letter first (DfE "Unique pupil numbers"). Both are checked
  with python-stdnum (``stdnum.gb.nhs``, ``stdnum.gb.upn``).
- Domestic Abuse Act 2021 s.2 (personally connected) and s.3 (children as victims), §5.2–5.3;
  "relative" has the meaning in Family Law Act 1996 s.63(1): parent, step-parent, child,
  step-child, grandparent, grandchild, sibling, uncle, aunt, niece, nephew, first cousin,
  by full or half blood or by marriage or civil partnership.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from stdnum.gb import nhs, upn


def nhs_number_problem(value: str) -> str | None:
    """``None`` if ``value`` is a valid NHS number, else what is wrong, in plain words."""
    digits = re.sub(r"[\s-]", "", value)
    if not digits.isdigit() or len(digits) != 10:
        return "An NHS number is 10 digits, like 943 476 5919"
    if not nhs.is_valid(digits):
        return "Enter a real NHS number: this one's check digit is wrong"
    return None


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value)


def upn_problem(value: str) -> str | None:
    """``None`` if ``value`` is a valid Unique Pupil Number, else what is wrong."""
    compact = value.strip().upper()
    if not re.fullmatch(r"[A-Z]\d{11}[0-9A-Z]", compact):
        return "A unique pupil number is a letter then 12 characters, like B801200005001"
    if not upn.is_valid(compact):
        return "Enter a real unique pupil number: this one's check letter is wrong"
    return None


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Completed years of age on ``day`` (a birthday counts on the day itself)."""
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def normalise_name(name: str) -> str:
    """Case, accents, hyphens, apostrophes and spacing do not make a different name:
    "Zoë O'Brien-Smith" and "zoe obrien smith" give the same key."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    letters = re.sub(r"['’`]", "", letters.casefold())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", letters).split())


def family_name_key(name: str) -> str:
    """A family name for matching, with no spaces at all: "O Brien-Smith", "O'Brien Smith"
    and "OBrienSmith" are the same family name."""
    return normalise_name(name).replace(" ", "")


class Kinship(StrEnum):
    """How the first person of a relationship is related to the second.

    Stored once per pair; ``inverse`` gives the other direction. The s.2 connection types
    cover adults; the family types also say who counts as a "relative" for s.3.
    """

    # Domestic Abuse Act 2021 s.2(1)(a)-(e): intimate and formal relationships, current or past.
    MARRIED = "married"
    CIVIL_PARTNERS = "civil_partners"
    ENGAGED = "engaged"
    CIVIL_PARTNERSHIP_AGREEMENT = "civil_partnership_agreement"
    INTIMATE_PARTNERS = "intimate_partners"
    # s.2(1)(f): each has a parental relationship to the same child.
    CO_PARENTS = "co_parents"
    # Family relationships (s.2(1)(g) relatives, FLA 1996 s.63(1)).
    PARENT = "parent"
    CHILD = "child"
    STEP_PARENT = "step_parent"
    STEP_CHILD = "step_child"
    GRANDPARENT = "grandparent"
    GRANDCHILD = "grandchild"
    SIBLING = "sibling"
    AUNT_OR_UNCLE = "aunt_or_uncle"
    NIECE_OR_NEPHEW = "niece_or_nephew"
    COUSIN = "cousin"
    # Not relatives: a parent's partner who is not a step-parent, a foster carer, a lodger.
    PARENTS_PARTNER = "parents_partner"
    PARTNERS_CHILD = "partners_child"
    CARER = "carer"
    CARED_FOR = "cared_for"
    OTHER = "other"


KINSHIP_LABELS: dict[Kinship, str] = {
    Kinship.MARRIED: "married (now or in the past)",
    Kinship.CIVIL_PARTNERS: "civil partners (now or in the past)",
    Kinship.ENGAGED: "engaged to marry (now or in the past)",
    Kinship.CIVIL_PARTNERSHIP_AGREEMENT: "agreed to form a civil partnership",
    Kinship.INTIMATE_PARTNERS: "intimate partners (now or in the past)",
    Kinship.CO_PARENTS: "parents of the same child",
    Kinship.PARENT: "parent of",
    Kinship.CHILD: "child of",
    Kinship.STEP_PARENT: "step-parent of",
    Kinship.STEP_CHILD: "step-child of",
    Kinship.GRANDPARENT: "grandparent of",
    Kinship.GRANDCHILD: "grandchild of",
    Kinship.SIBLING: "brother or sister of",
    Kinship.AUNT_OR_UNCLE: "aunt or uncle of",
    Kinship.NIECE_OR_NEPHEW: "niece or nephew of",
    Kinship.COUSIN: "first cousin of",
    Kinship.PARENTS_PARTNER: "partner of the parent of (not a step-parent)",
    Kinship.PARTNERS_CHILD: "child of the partner of",
    Kinship.CARER: "carer of (not a relative)",
    Kinship.CARED_FOR: "cared for by (not a relative)",
    Kinship.OTHER: "other, not related",
}

INVERSE: dict[Kinship, Kinship] = {
    Kinship.PARENT: Kinship.CHILD,
    Kinship.STEP_PARENT: Kinship.STEP_CHILD,
    Kinship.GRANDPARENT: Kinship.GRANDCHILD,
    Kinship.AUNT_OR_UNCLE: Kinship.NIECE_OR_NEPHEW,
    Kinship.PARENTS_PARTNER: Kinship.PARTNERS_CHILD,
    Kinship.CARER: Kinship.CARED_FOR,
}
INVERSE.update({v: k for k, v in list(INVERSE.items())})

# s.2(1)(a)-(f): these make two adults "personally connected" on their own.
PERSONAL_CONNECTIONS = frozenset(
    {
        Kinship.MARRIED,
        Kinship.CIVIL_PARTNERS,
        Kinship.ENGAGED,
        Kinship.CIVIL_PARTNERSHIP_AGREEMENT,
        Kinship.INTIMATE_PARTNERS,
        Kinship.CO_PARENTS,
    }
)
# FLA 1996 s.63(1) "relative" (s.2(1)(g) and s.3(3)(b)).
RELATIVES = frozenset(
    {
        Kinship.PARENT,
        Kinship.CHILD,
        Kinship.STEP_PARENT,
        Kinship.STEP_CHILD,
        Kinship.GRANDPARENT,
        Kinship.GRANDCHILD,
        Kinship.SIBLING,
        Kinship.AUNT_OR_UNCLE,
        Kinship.NIECE_OR_NEPHEW,
        Kinship.COUSIN,
    }
)


def inverse(kinship: Kinship) -> Kinship:
    return INVERSE.get(kinship, kinship)


@dataclass(frozen=True)
class Tie:
    """How one person stands to another, seen from the first: ``kinship`` of ``other``,
    and whether the first has parental responsibility for the other."""

    kinship: Kinship
    parental_responsibility: bool = False


def are_personally_connected(ties: list[Tie]) -> bool:
    """Domestic Abuse Act 2021 s.2: connected by a relationship type, or as relatives."""
    return any(t.kinship in PERSONAL_CONNECTIONS or t.kinship in RELATIVES for t in ties)


def relation_to_child(ties_adult_to_child: list[Tie]) -> str | None:
    """Domestic Abuse Act 2021 s.3(3): a child is related to a person who is their parent,
    has parental responsibility for them, or is their relative. Returns the reason in
    words, or ``None`` when the person is not related to the child in that sense."""
    for tie in ties_adult_to_child:
        if tie.kinship == Kinship.PARENT:
            return "is their parent"
        if tie.parental_responsibility:
            return "has parental responsibility for them"
    for tie in ties_adult_to_child:
        if tie.kinship in RELATIVES:
            return f"is their relative ({KINSHIP_LABELS[tie.kinship].removesuffix(' of')})"
    return None
