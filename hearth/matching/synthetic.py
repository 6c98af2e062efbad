"""Made-up UK people (Faker ``en_GB``, seeded) with known truth, for training the demo
model and for the benchmark. Nobody here is real.

Each person gets one clean record; a share of them (``duplicate_rate``) get a second
record as another agency might have typed it, each corruption at the rate in
``CORRUPTIONS`` (independently, so some records carry several).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace

from faker import Faker

from hearth.matching.comparisons import _NICKNAME_GROUPS

# Rates (share of second records) at which each corruption is applied.
CORRUPTIONS: dict[str, float] = {
    "nickname": 0.10,  # William -> Bill, when the name has a short form
    "given_typo": 0.06,  # one letter changed, dropped or doubled
    "family_typo": 0.06,
    "hyphenated": 0.06,  # Smith -> Smith-Jones, or the other way
    "changed_family": 0.04,  # a new family name, the old one kept as a previous name
    "swapped_day_month": 0.04,  # 03/07 typed as 07/03 (when both are 12 or less)
    "year_off_by_one": 0.03,
    "one_field_typo": 0.03,  # the day or the month wrong
    "missing_dob": 0.08,
    "missing_sex": 0.10,
    "moved": 0.15,  # another address and postcode
    "moved_nearby": 0.04,  # another address in the same postcode area
    "sex_mistyped": 0.01,
    "missing_address": 0.20,
    "initial_only": 0.02,  # "J" for John
}

_SHORTS = _NICKNAME_GROUPS


@dataclass(frozen=True)
class FakePerson:
    truth: int  # the same number for records of one person
    given_names: str
    family_name: str
    date_of_birth: dt.date | None
    sex: str
    postcode: str
    address: str
    nhs_number: str = ""
    other_family_names: tuple[str, ...] = ()


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word))
    kind = rng.choice(("change", "drop", "double", "transpose"))
    if kind == "change":
        return word[:i] + rng.choice("aeiourstnl") + word[i + 1 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i] + word[i:]


def _valid_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def people(
    count: int, *, duplicate_rate: float = 0.3, seed: int = 16
) -> Iterator[tuple[FakePerson, FakePerson | None]]:
    """``count`` people, each with its clean record and (sometimes) a corrupted second."""
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    rng = random.Random(seed)  # noqa: S311 (made-up people, not secrets)
    for truth in range(count):
        sex = rng.choice(("female", "male"))
        given = fake.first_name_female() if sex == "female" else fake.first_name_male()
        if rng.random() < 0.3:
            given += " " + (fake.first_name_female() if sex == "female" else fake.first_name_male())
        family = fake.last_name()
        if rng.random() < 0.05:
            family = f"{family}-{fake.last_name()}"
        born = fake.date_between(dt.date(1950, 1, 1), dt.date(2024, 12, 31))
        nhs = "".join(rng.choice("0123456789") for _ in range(10)) if rng.random() < 0.2 else ""
        clean = FakePerson(
            truth, given, family, born, sex, fake.postcode(), fake.street_address(), nhs
        )
        second = _corrupt(rng, fake, clean) if rng.random() < duplicate_rate else None
        yield clean, second


def _corrupt(rng: random.Random, fake: Faker, p: FakePerson) -> FakePerson:
    def hit(name: str) -> bool:
        return rng.random() < CORRUPTIONS[name]

    given, family, born = p.given_names, p.family_name, p.date_of_birth
    others: tuple[str, ...] = ()
    first, *rest = given.split(" ")
    if hit("nickname") and first.lower() in _SHORTS:
        first = rng.choice(_SHORTS[first.lower()]).title()
    if hit("given_typo"):
        first = _typo(rng, first)
    if hit("initial_only"):
        first = first[0]
    given = " ".join([first, *rest]) if rng.random() < 0.7 else first
    if hit("family_typo"):
        family = _typo(rng, family)
    if hit("hyphenated"):
        family = family.split("-")[0] if "-" in family else f"{family}-{fake.last_name()}"
    if hit("changed_family"):
        others, family = (p.family_name,), fake.last_name()
    if born is not None:
        if hit("swapped_day_month") and born.day <= 12:
            born = _valid_date(born.year, born.day, born.month) or born
        if hit("year_off_by_one"):
            born = _valid_date(born.year + rng.choice((-1, 1)), born.month, born.day) or born
        if hit("one_field_typo"):
            if rng.random() < 0.5:
                born = _valid_date(born.year, born.month, rng.randint(1, 28)) or born
            else:
                born = _valid_date(born.year, rng.randint(1, 12), born.day) or born
        if hit("missing_dob"):
            born = None
    postcode, address = p.postcode, p.address
    if hit("moved"):
        postcode, address = fake.postcode(), fake.street_address()
    if hit("moved_nearby") and len(postcode) > 4:
        postcode = postcode.split(" ")[0] + " " + fake.postcode().split(" ")[-1]
        address = fake.street_address()
    if hit("missing_address"):
        postcode, address = "", ""
    return replace(
        p,
        given_names=given,
        family_name=family,
        date_of_birth=born,
        sex="unknown"
        if hit("missing_sex")
        else _other_sex(p.sex)
        if hit("sex_mistyped")
        else p.sex,
        postcode=postcode,
        address=address,
        other_family_names=others,
    )


def _other_sex(sex: str) -> str:
    return "male" if sex == "female" else "female"
