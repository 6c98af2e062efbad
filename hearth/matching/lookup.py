"""The live lookup: "is this person already known?" in a few indexed queries and a score.

Candidates come from blocks, each its own indexed query with its own small LIMIT, ranked
inside the database before the cap, so a block can never crowd out another: an exact name
and date of birth among 20,000 Smiths is its own block of one (the old matcher's single
``[:500]`` after ``distinct()`` dropped such matches, the "cap bug"). Then every
candidate is scored in Python with the model file's match weights (``model``), about a
millisecond for a hundred candidates, instead of Splink's real-time API (~70 ms a record).

Blocks (``blocks``): family name with the date of birth (or its day-month swap); date of
birth (or swap) with a name's first letter in common; family name with given names; the
same family name, the same given names, and each part of a double family name, each born
nearest the date of birth (25 later and 25 earlier, within a year either side: two
index-ordered scans); each name exactly with the first three letters of the other, and
the two names the other way round (a slip in one name with a wrong or missing date of
birth); a previous or other family name; the postcode with a name's first letter in
common, and a few of everyone at the postcode (where the caller has one); NHS number;
UPN. Without a date of birth: family name with the given name's initial, and each part
of a double family name.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import connections
from django.db.models import Q, QuerySet

from hearth.matching.comparisons import Row, features, normalise_postcode
from hearth.matching.explain import explanation, reasons
from hearth.matching.model import SHOW, ScoringModel, current_model
from hearth.people.matching import Candidate, PersonQuery, swapped
from hearth.people.models import Person, PersonAddress, PersonName
from hearth.people.policy import family_name_key, normalise_name

# Per-block caps: generous for blocks that are small by construction, so that nothing
# the model would rank first is ever cut.
EXACT_CAP = 50
DATE_CAP = 200
WIDE_CAP = 100
NEAR_CAP = 25
# The first letters of a name kept when the rest may be mistyped.
PREFIX = 3


def query_row(query: PersonQuery) -> Row:
    return features(
        unique_id=0,
        given_names=query.given_names,
        family_name=query.family_name,
        date_of_birth=query.date_of_birth,
        sex=query.sex,
        postcode=query.postcode,
        address=query.address,
        town=query.town,
        nhs_number=query.nhs_number,
        upn=query.unique_pupil_number,
    )


def postcode_forms(postcode: str) -> list[str]:
    """The ways a postcode is typed into ``Address.postcode``: as given, in capitals, with
    and without the space before the last three characters (an indexed ``IN``)."""
    compact = normalise_postcode(postcode)
    spaced = f"{compact[:-3]} {compact[-3:]}" if len(compact) >= 5 else compact
    return sorted({postcode.strip(), postcode.strip().upper(), compact, spaced} - {""})


# The characters of a name key (``people.policy.normalise_name``), in the order every
# collation puts them.
_KEY_CHARACTERS = "0123456789abcdefghijklmnopqrstuvwxyz"


def starting(field: str, prefix: str) -> dict[str, str]:
    """``field`` starting with ``prefix``, as a range (``prefix`` <= value < the next
    prefix) rather than ``LIKE 'prefix%'``: with the other name's equality, a range is an
    index range on the two-name indexes whatever the database's collation, where PostgreSQL
    planned the ``LIKE`` on a one-column index and read thousands of rows (43 ms at 2
    million people)."""
    prefix = prefix.split(" ")[0]
    head = prefix.rstrip(_KEY_CHARACTERS[-1])
    if not prefix or not head or head[-1] not in _KEY_CHARACTERS:
        return {f"{field}__startswith": prefix}
    after = head[:-1] + _KEY_CHARACTERS[_KEY_CHARACTERS.index(head[-1]) + 1]
    return {f"{field}__gte": prefix, f"{field}__lt": after}


def _years(born: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(born.year - 1, 1, 1), dt.date(born.year + 1, 12, 31)


def _nearest(
    ids: QuerySet[Person, int], born: dt.date, **same: str
) -> Iterator[QuerySet[Person, int]]:
    """The people with ``same`` born nearest ``born`` (within a year either side): two
    index-ordered scans, later and earlier, each capped, so the closest dates of birth
    are kept however common the name."""
    first, last = _years(born)
    yield ids.filter(date_of_birth__gte=born, date_of_birth__lte=last, **same).order_by(
        "date_of_birth", "pk"
    )[:NEAR_CAP]
    yield ids.filter(date_of_birth__lt=born, date_of_birth__gte=first, **same).order_by(
        "-date_of_birth", "-pk"
    )[:NEAR_CAP]


def blocks(query: PersonQuery, within: QuerySet[Person]) -> Iterator[QuerySet[Person, int]]:
    """Each block: a ranked, capped query of person ids."""
    family = family_name_key(query.family_name)
    given = normalise_name(query.given_names)
    parts = [p for p in normalise_name(query.family_name).split(" ") if p and p != family]
    born = query.date_of_birth
    ids = within.values_list("pk", flat=True)
    # A first letter of a name in common with the query, either way round (given and
    # family names get swapped).
    letters = Q()
    for letter in {n[:1] for n in (family, given) if n}:
        letters |= Q(family_name_key__startswith=letter) | Q(given_names_key__startswith=letter)
    if born:
        dates = [born, *([other] if (other := swapped(born)) else [])]
        if family:
            yield ids.filter(family_name_key=family, date_of_birth__in=dates)[:EXACT_CAP]
            yield from _nearest(ids, born, family_name_key=family)
        # Everyone born that day who shares a first letter of a name with the query, so
        # a new family name or a mistyped one is still found, without reading 150 people
        # born on a day in 2M.
        yield ids.filter(letters, date_of_birth__in=dates).order_by("pk")[:DATE_CAP]
        if given:
            yield from _nearest(ids, born, given_names_key=given)
        for part in parts:
            yield from _nearest(ids, born, family_name_key=part)
    if family:
        if given:
            yield ids.filter(family_name_key=family, given_names_key=given)[:EXACT_CAP]
            # A slip in one name and a wrong or missing date of birth: the other name
            # exactly, with the first letters of the mistyped one ("Broose Reid" for
            # "Brooke Reid", "Chloe Musoilno" for "Chloe Musolino"), and the two names
            # recorded the other way round ("Vaszocz Adam").
            yield ids.filter(
                family_name_key=family, **starting("given_names_key", given[:PREFIX])
            ).order_by("given_names_key", "pk")[:NEAR_CAP]
            yield ids.filter(
                given_names_key=given, **starting("family_name_key", family[:PREFIX])
            ).order_by("family_name_key", "pk")[:NEAR_CAP]
            yield ids.filter(
                family_name_key=family_name_key(given), given_names_key=normalise_name(family)
            )[:EXACT_CAP]
        if not born:
            initial = given[:1]
            yield ids.filter(
                family_name_key=family, **starting("given_names_key", initial)
            ).order_by("given_names_key", "pk")[:WIDE_CAP]
            for part in parts:
                yield ids.filter(family_name_key=part).order_by("given_names_key", "pk")[:WIDE_CAP]
        previous = Q(other_names__family_name_key=family)
        if born:
            previous &= Q(date_of_birth__range=_years(born)) | Q(date_of_birth__isnull=True)
        yield ids.filter(previous).order_by("pk")[:WIDE_CAP]
    if query.postcode:
        # Those at the postcode sharing a first letter, and a few of everyone there (a
        # postcode holds 40 people on average, some hundreds).
        at = Q(addresses__address__postcode__in=postcode_forms(query.postcode))
        if letters:  # with no name to share a letter with, the second block is all
            yield ids.filter(at, letters).order_by("pk")[:WIDE_CAP]
        yield ids.filter(at).order_by("pk")[: WIDE_CAP if not letters else NEAR_CAP]
    if query.nhs_number:
        yield ids.filter(nhs_number=query.nhs_number)[:EXACT_CAP]
    if query.unique_pupil_number:
        yield ids.filter(unique_pupil_number=query.unique_pupil_number.upper())[:EXACT_CAP]


def candidate_rows(ids: Iterable[int]) -> Iterator[Row]:
    """The prepared columns of each candidate, in three queries of plain values (model
    instances cost more than the scoring itself at a few hundred candidates)."""
    ids = list(ids)
    others: dict[int, list[str]] = defaultdict(list)
    for person_id, family in PersonName.objects.filter(person_id__in=ids).values_list(
        "person_id", "family_name"
    ):
        others[person_id].append(family)
    homes: dict[int, tuple[str, str, str]] = {}
    # PersonAddress's ordering puts the current address first.
    for person_id, line_1, town, postcode in PersonAddress.objects.filter(
        person_id__in=ids
    ).values_list("person_id", "address__line_1", "address__town", "address__postcode"):
        homes.setdefault(person_id, (line_1, town, postcode))
    people = (
        Person.objects.filter(pk__in=ids)
        .order_by()
        .values_list(
            "pk",
            "given_names",
            "family_name",
            "date_of_birth",
            "sex",
            "nhs_number",
            "unique_pupil_number",
        )
    )
    for pk, given, family, born, sex, nhs, upn in people:
        line_1, town, postcode = homes.get(pk, ("", "", ""))
        yield features(
            unique_id=pk,
            given_names=given,
            family_name=family,
            other_family_names=others.get(pk, ()),
            date_of_birth=born,
            sex=sex,
            postcode=postcode,
            address=line_1,
            town=town,
            nhs_number=nhs,
            upn=upn,
        )


def candidate_ids(query: PersonQuery, within: QuerySet[Person]) -> set[int]:
    """Every block's ids: on PostgreSQL one ``UNION ALL`` of the ranked, capped blocks (one
    round trip); where the database cannot order and limit inside a union (SQLite), one
    query a block."""
    queries = list(blocks(query, within))
    if not queries:
        return set()
    if connections[within.db].features.supports_slicing_ordering_in_compound:
        first, *rest = queries
        return set(first.union(*rest, all=True)) if rest else set(first)
    found: set[int] = set()
    for block in queries:
        found.update(block)
    return found


class ProbabilisticMatcher:
    """Indexed blocking on the database, then the trained model's weights in Python."""

    def __init__(self, model: ScoringModel | None = None) -> None:
        self.model = model or current_model()

    def find_candidates(
        self,
        query: PersonQuery,
        *,
        within: QuerySet[Person],
        limit: int = 10,
        threshold: float = SHOW,
    ) -> list[Candidate]:
        ids = candidate_ids(query, within)
        if not ids:
            return []
        wanted = query_row(query)
        found = []
        for row in candidate_rows(ids):
            score = self.model.score(wanted, row)
            if score.probability >= threshold:
                found.append(
                    Candidate(
                        person_id=row["unique_id"],
                        score=round(score.probability, 4),
                        reasons=reasons(score),
                        explanation=explanation(score),
                        model_version=self.model.version,
                        match_weight=round(score.match_weight, 3),
                    )
                )
        found.sort(key=lambda c: (-(c.match_weight or 0.0), c.person_id))
        return found[:limit]
