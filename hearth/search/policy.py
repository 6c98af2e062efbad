"""Pure rules of the search by name: reading what was typed, and how alike two names are.
No ORM here.

- A query is read into a date of birth (``12/03/2016``, ``12-3-2016``, ``2016-03-12``),
  a reference (the force's incident reference as typed, or a Hearth id: ``#123`` or
  ``123``) and name words, normalised like stored names (``people.policy.normalise_name``).
- Two names are alike by PostgreSQL's ``pg_trgm`` similarity, computed here the same way
  so that SQLite gives the same answers as PostgreSQL's index (docs/search.md): each word
  is padded with two spaces in front and one behind, its three-character runs are a set,
  and the similarity is the size of the intersection over the size of the union. A
  name matches when it is at least ``SIMILARITY_THRESHOLD`` alike: ``pg_trgm``'s own
  default for its ``%`` operator (``pg_trgm.similarity_threshold`` = 0.3), which is
  what the GIN trigram index answers.
- Results rank exact matches first, then by similarity, then by name and id (stable).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from hearth.people.policy import normalise_name

# pg_trgm's default for ``%`` (PostgreSQL documentation, F.35 pg_trgm, "similarity_threshold").
SIMILARITY_THRESHOLD = 0.3
# At most this many results are ranked and shown, over every page: a search is for
# finding someone, not for listing everyone (narrow it with a date of birth).
MAX_RESULTS = 100
PAGE_SIZE = 20
MAX_QUERY_LENGTH = 100

_DATE_PATTERNS = (
    (re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"), ("day", "month", "year")),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("year", "month", "day")),
)
_HEARTH_ID = re.compile(r"^#?(\d{1,9})$")


@dataclass(frozen=True)
class SearchQuery:
    """What was typed, read: every part may be empty."""

    text: str
    name: str = ""  # normalised name words, space-separated
    date_of_birth: dt.date | None = None
    reference: str = ""  # the words as typed, for a force's reference
    hearth_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.date_of_birth or self.reference)

    def terms(self) -> dict[str, str]:
        """The terms as the access log keeps them."""
        return {
            "q": self.text,
            "name": self.name,
            "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else "",
            "reference": self.reference,
        }


def _date(word: str) -> dt.date | None:
    for pattern, order in _DATE_PATTERNS:
        if found := pattern.match(word):
            parts = dict(zip(order, (int(g) for g in found.groups()), strict=True))
            try:
                return dt.date(parts["year"], parts["month"], parts["day"])
            except ValueError:
                return None
    return None


def parse_query(text: str) -> SearchQuery:
    """Read a search box's text. A word that is a date is the date of birth; the rest,
    as typed, may be a reference, and normalised are the name."""
    # Control characters (a NUL among them, which PostgreSQL refuses) are never part of
    # a name or reference.
    text = "".join(c if c.isprintable() else " " for c in text)
    text = " ".join(text.split())[:MAX_QUERY_LENGTH]
    words = text.split(" ") if text else []
    date_of_birth = None
    rest: list[str] = []
    for word in words:
        day = _date(word) if date_of_birth is None else None
        if day is not None:
            date_of_birth = day
        else:
            rest.append(word)
    reference = " ".join(rest)
    hearth_id = None
    name = normalise_name(reference)
    if len(rest) == 1 and (found := _HEARTH_ID.match(rest[0])):
        # A number is a Hearth id, not a name.
        hearth_id, name = int(found.group(1)), ""
    return SearchQuery(
        text=text,
        name=name,
        date_of_birth=date_of_birth,
        reference=reference,
        hearth_id=hearth_id,
    )


def trigrams(text: str) -> frozenset[str]:
    """The trigrams ``pg_trgm`` takes from ``text`` (already normalised to lower-case
    letters, digits and single spaces)."""
    grams: set[str] = set()
    for word in text.split():
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def similarity(a: str, b: str) -> float:
    """``pg_trgm``'s ``similarity(a, b)``: shared trigrams over all trigrams."""
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


@dataclass(frozen=True)
class NameKeys:
    """One name a person is known by, as the stored normalised keys."""

    given: str
    family: str


def name_score(name: str, names: list[NameKeys]) -> tuple[bool, float]:
    """Whether ``name`` (normalised) is exactly one of ``names``, and how alike it is to
    the closest: each key alone (so "smith" finds "jane smith") and the whole name (so
    "jane smyth" ranks Jane Smith above Jane Brown). A person matches when either key is
    at least the threshold alike, which is what the trigram index can find; the whole
    name only ranks."""
    if not name:
        return False, 0.0
    exact = False
    best = 0.0
    matched = False
    squashed = name.replace(" ", "")
    for keys in names:
        whole = f"{keys.given} {keys.family}".strip()
        if name in (whole, keys.family, keys.given) or squashed == keys.family:
            exact = True
        per_key = max(similarity(name, keys.given), similarity(name, keys.family))
        if per_key >= SIMILARITY_THRESHOLD:
            matched = True
        best = max(best, per_key, similarity(name, whole))
    return exact, (best if (matched or exact) else 0.0)
