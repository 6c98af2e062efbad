"""Person lookup: "is this person already known?" behind one interface.

Callers use ``find_candidates(query, within=...)`` and get ``Candidate``s with a score
(0 to 1) and the reasons for it. The default matcher is probabilistic (issue 16:
``hearth.matching.lookup.ProbabilisticMatcher``, a Fellegi–Sunter model trained with
Splink): its score is the probability that the record is the person described, each
candidate carries an explanation comparison by comparison and the version of the model
that scored it. ``HEARTH_PERSON_MATCHER`` names the class (a dotted path, so this lower
layer never imports the matching app); ``RuleBasedMatcher``, the deterministic rules
that came first, stays for comparison (the benchmark prints both).

What counts as the same (domain.md §10.1, issue 3): case, accents, hyphens and
apostrophes in names; a date of birth with day and month swapped (a common
transcription slip); an alias or previous name; the same NHS number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.module_loading import import_string

from hearth.people.models import Person
from hearth.people.policy import family_name_key, normalise_name

# Scores below this are not worth showing to an officer.
MIN_SCORE = 0.5


DEFAULT_MATCHER = "hearth.matching.lookup.ProbabilisticMatcher"


@dataclass(frozen=True)
class PersonQuery:
    given_names: str
    family_name: str
    date_of_birth: dt.date | None = None
    nhs_number: str = ""
    # Used by the probabilistic matcher where known; optional for every caller.
    sex: str = ""
    postcode: str = ""
    address: str = ""
    town: str = ""
    unique_pupil_number: str = ""


@dataclass(frozen=True)
class NameForm:
    given: str
    family: str


@dataclass(frozen=True)
class PersonRecord:
    """What the scorer sees of a person: every name they are known by, normalised."""

    person_id: int
    names: tuple[NameForm, ...]
    date_of_birth: dt.date | None
    nhs_number: str = ""


@dataclass(frozen=True)
class Candidate:
    """A possible existing record. ``score``: the probability (0 to 1) that it is the
    person described; ``reasons``: a short summary; ``explanation``: one line per
    comparison in plain words ("Date of birth: day and month swapped — weaker
    evidence"); ``model_version``: the model that scored it ("" for the rules)."""

    person_id: int
    score: float
    reasons: tuple[str, ...] = field(default_factory=tuple)
    explanation: tuple[str, ...] = field(default_factory=tuple)
    model_version: str = ""
    match_weight: float | None = None


def swapped(day: dt.date) -> dt.date | None:
    """The date with day and month exchanged, if that is a different real date."""
    if day.day > 12 or day.day == day.month:
        return None
    return day.replace(month=day.day, day=day.month)


def score_pair(query: PersonQuery, record: PersonRecord) -> Candidate | None:
    """How likely ``record`` is the person described by ``query``, with reasons. Pure."""
    reasons: list[str] = []
    if query.nhs_number and query.nhs_number == record.nhs_number:
        return Candidate(record.person_id, 1.0, ("Same NHS number",))
    family, given = family_name_key(query.family_name), normalise_name(query.given_names)
    first_given = given.split(" ")[0] if given else ""
    name_score = 0.0
    for index, name in enumerate(record.names):
        label = "name" if index == 0 else "other name"
        if name.family == family and name.given == given:
            score, why = 0.6, f"Same {label}"
        elif name.family == family and first_given and name.given.split(" ")[0] == first_given:
            score, why = 0.5, f"Same family name and first name ({label})"
        elif name.family == family:
            score, why = 0.3, f"Same family name ({label})"
        elif name.given == given and given:
            score, why = 0.2, f"Same given names ({label})"
        else:
            continue
        if score > name_score:
            name_score, reasons = score, [why]
    dob_score = 0.0
    if query.date_of_birth and record.date_of_birth:
        if query.date_of_birth == record.date_of_birth:
            dob_score = 0.4
            reasons.append("Same date of birth")
        elif swapped(query.date_of_birth) == record.date_of_birth:
            dob_score = 0.3
            reasons.append("Date of birth with day and month swapped")
        elif query.date_of_birth.year == record.date_of_birth.year:
            dob_score = 0.05
            reasons.append("Born the same year")
        else:
            dob_score = -0.3
    total = round(max(0.0, min(1.0, name_score + dob_score)), 2)
    if total < MIN_SCORE:
        return None
    return Candidate(record.person_id, total, tuple(reasons))


class Matcher(Protocol):
    def find_candidates(
        self, query: PersonQuery, *, within: QuerySet[Person], limit: int = 10
    ) -> list[Candidate]: ...


class RuleBasedMatcher:
    """Blocks on normalised family name, date of birth (or its swap) or NHS number, in
    every name a person is known by, then scores with ``score_pair``."""

    def find_candidates(
        self, query: PersonQuery, *, within: QuerySet[Person], limit: int = 10
    ) -> list[Candidate]:
        family = family_name_key(query.family_name)
        block = Q(family_name_key=family) | Q(other_names__family_name_key=family)
        if query.date_of_birth:
            dates = [query.date_of_birth]
            if other := swapped(query.date_of_birth):
                dates.append(other)
            block |= Q(date_of_birth__in=dates)
        if query.nhs_number:
            block |= Q(nhs_number=query.nhs_number)
        people = within.filter(block).distinct().prefetch_related("other_names")[:500]
        scored = [score_pair(query, record_of(p)) for p in people]
        found = [c for c in scored if c is not None]
        return sorted(found, key=lambda c: (-c.score, c.person_id))[:limit]


def record_of(person: Person) -> PersonRecord:
    names = [NameForm(person.given_names_key, person.family_name_key)]
    names += [NameForm(n.given_names_key, n.family_name_key) for n in person.other_names.all()]
    return PersonRecord(
        person_id=person.pk,
        names=tuple(names),
        date_of_birth=person.date_of_birth,
        nhs_number=person.nhs_number,
    )


def find_candidates(
    query: PersonQuery, *, within: QuerySet[Person], limit: int = 10
) -> list[Candidate]:
    """The one entry point: possible existing records for ``query`` among ``within``."""
    matcher: Matcher = import_string(getattr(settings, "HEARTH_PERSON_MATCHER", DEFAULT_MATCHER))()
    return matcher.find_candidates(query, within=within, limit=limit)
