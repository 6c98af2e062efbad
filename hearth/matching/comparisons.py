"""The matcher's comparisons, pure: how two person records are compared, field by field.

Each comparison is an ordered list of levels, the first that holds wins (as in Splink).
Every level carries the same test twice, once as DuckDB SQL for Splink (training and the
batch run) and once as Python for the fast lookup (``hearth.matching.model``), over the
same prepared columns (``features``), so that both give the same level for a pair; a
test checks them against each other on sample pairs. Each level also has the words a
practitioner reads ("Date of birth: day and month swapped"). No ORM here.

Names are compared after ``people.policy.normalise_name`` (case, accents, apostrophes,
hyphens do not count). Nicknames: a small list of common English short forms
(``NICKNAMES``): William/Bill/Billy/Will/Liam share the canonical form "william".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import jellyfish

from hearth.people.policy import family_name_key, normalise_name

Row = dict[str, Any]

# Common English short forms and variants, each to one canonical name. Deliberately
# small and checkable: a short form shared by two names (e.g. "sam") maps to one of them.
_NICKNAME_GROUPS: dict[str, tuple[str, ...]] = {
    "alexander": ("alex", "alec", "sandy", "xander", "alexandra", "alexa", "lexi", "sasha"),
    "andrew": ("andy", "drew"),
    "anthony": ("tony", "antony"),
    "benjamin": ("ben", "benny", "benji"),
    "catherine": ("cathy", "kate", "katie", "kathryn", "katherine", "kath", "cath", "kat"),
    "charles": ("charlie", "chas", "chuck"),
    "charlotte": ("lottie", "charley"),
    "christopher": ("chris", "kit", "topher"),
    "daniel": ("dan", "danny"),
    "david": ("dave", "davey", "davy"),
    "edward": ("ed", "eddie", "ted", "teddy", "ned"),
    "elizabeth": ("liz", "lizzie", "beth", "betty", "eliza", "libby", "lisa", "elisabeth"),
    "emily": ("em", "emmy", "millie"),
    "frederick": ("fred", "freddie", "freddy"),
    "gabriel": ("gabe", "gaby"),
    "henry": ("harry", "hal", "hank"),
    "jacob": ("jake",),
    "james": ("jim", "jimmy", "jamie", "jimmie"),
    "jennifer": ("jen", "jenny", "jenna"),
    "jessica": ("jess", "jessie"),
    "john": ("jack", "johnny", "jon", "jonathan", "jonny"),
    "joseph": ("joe", "joey", "jo"),
    "joshua": ("josh",),
    "kimberley": ("kim", "kimberly"),
    "lawrence": ("larry", "laurie", "laurence"),
    "margaret": ("maggie", "meg", "peggy", "marge", "margie", "megan", "daisy"),
    "matthew": ("matt", "matty"),
    "michael": ("mike", "mick", "mickey", "mikey"),
    "nathaniel": ("nathan", "nat", "nate"),
    "nicholas": ("nick", "nicky", "nico"),
    "oliver": ("olly", "ollie"),
    "patricia": ("pat", "patty", "tricia", "trish"),
    "patrick": ("paddy",),
    "peter": ("pete",),
    "rebecca": ("becky", "becca", "bex"),
    "richard": ("rich", "rick", "ricky", "dick", "richie"),
    "robert": ("rob", "bob", "bobby", "robbie", "bert"),
    "samuel": ("sam", "sammy"),
    "samantha": ("sammie",),
    "stephen": ("steve", "steven", "stevie"),
    "susan": ("sue", "susie", "suzanne"),
    "thomas": ("tom", "tommy"),
    "timothy": ("tim", "timmy"),
    "victoria": ("vicky", "vicki", "tori"),
    "william": ("bill", "billy", "will", "willie", "liam", "willy"),
    "zachary": ("zach", "zack"),
}
NICKNAMES: dict[str, str] = {
    short: full for full, shorts in _NICKNAME_GROUPS.items() for short in shorts
}


def canonical_given(name: str) -> str:
    """The canonical form of one normalised given name: "bill" -> "william"."""
    return NICKNAMES.get(name, name)


def jaro_winkler(a: str, b: str) -> float:
    return float(jellyfish.jaro_winkler_similarity(a, b))


def normalise_postcode(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", value.upper())


def outward_code(postcode: str) -> str | None:
    """The first half of a UK postcode ("SW1A" of "SW1A1AA"); None when it is not one."""
    return postcode[:-3] if len(postcode) >= 5 else None


def features(
    *,
    unique_id: int,
    given_names: str,
    family_name: str,
    other_family_names: Iterable[str] = (),
    date_of_birth: dt.date | None = None,
    sex: str = "",
    postcode: str = "",
    address: str = "",
    town: str = "",
    nhs_number: str = "",
    upn: str = "",
) -> Row:
    """The prepared columns of one person for both Splink and the Python scorer."""
    given = normalise_name(given_names)
    family = family_name_key(family_name)
    first = given.split(" ")[0] if given else ""
    parts = [p for p in normalise_name(family_name).split(" ") if p]
    all_family = list(dict.fromkeys([family, *parts] if family else parts))
    for other in other_family_names:
        key = family_name_key(other)
        for value in [key, *normalise_name(other).split(" ")]:
            if value and value not in all_family:
                all_family.append(value)
    code = normalise_postcode(postcode)
    line = normalise_name(address)
    return {
        "unique_id": unique_id,
        "given": given or None,
        "given_first": first or None,
        "given_canon": canonical_given(first) if first else None,
        "family": family or None,
        "family_parts": parts,
        "family_all": all_family,
        "dob": date_of_birth.isoformat() if date_of_birth else None,
        "dob_y": date_of_birth.year if date_of_birth else None,
        "dob_m": date_of_birth.month if date_of_birth else None,
        "dob_d": date_of_birth.day if date_of_birth else None,
        "sex": sex if sex in ("female", "male") else None,
        "postcode": code or None,
        "outcode": outward_code(code) if code else None,
        "address": line or None,
        "town": normalise_name(town) or None,
        "nhs": nhs_number or None,
        "upn": upn.upper() or None,
    }


# Python tests take the two rows; SQL uses Splink's ``_l``/``_r`` columns.
Test = Callable[[Row, Row], bool]


@dataclass(frozen=True)
class Level:
    key: str
    sql: str
    test: Test
    words: str
    is_null: bool = False
    tf_column: str | None = None
    fixed_m: float | None = None
    fixed_u: float | None = None


@dataclass(frozen=True)
class Comparison:
    name: str  # the output column name in Splink
    label: str  # what a practitioner calls it
    columns: tuple[str, ...]
    levels: tuple[Level, ...] = field(default_factory=tuple)

    def level_of(self, left: Row, right: Row) -> Level:
        for level in self.levels:
            if level.test(left, right):
                return level
        return self.levels[-1]


def _null(*cols: str) -> Level:
    sql = " OR ".join(f'"{c}_l" IS NULL OR "{c}_r" IS NULL' for c in cols)
    return Level(
        "null",
        sql,
        lambda a, b: any(a[c] is None or b[c] is None for c in cols),
        "not recorded on both",
        is_null=True,
    )


def _exact(col: str, words: str, *, tf: bool = False, **fixed: float) -> Level:
    return Level(
        "exact",
        f'"{col}_l" = "{col}_r"',
        lambda a, b: a[col] == b[col],
        words,
        tf_column=col if tf else None,
        fixed_m=fixed.get("m"),
        fixed_u=fixed.get("u"),
    )


def _same(key: str, col: str, words: str) -> Level:
    # SQL's NULL = NULL is not true: nor is it here.
    return Level(
        key,
        f'"{col}_l" = "{col}_r"',
        lambda a, b: a[col] is not None and a[col] == b[col],
        words,
    )


def _jw(key: str, col: str, at: float, words: str) -> Level:
    return Level(
        key,
        f'jaro_winkler_similarity("{col}_l", "{col}_r") >= {at}',
        lambda a, b: jaro_winkler(a[col], b[col]) >= at,
        words,
    )


def _overlap(key: str, col: str, words: str) -> Level:
    return Level(
        key,
        f'list_has_any("{col}_l", "{col}_r")',
        lambda a, b: bool(set(a[col]) & set(b[col])),
        words,
    )


def _else(words: str, **fixed: float) -> Level:
    return Level(
        "else", "ELSE", lambda a, b: True, words, fixed_m=fixed.get("m"), fixed_u=fixed.get("u")
    )


def _swapped_names(a: Row, b: Row) -> bool:
    return (a["given_first"] is not None and a["given_first"] == b["family"]) or (
        b["given_first"] is not None and b["given_first"] == a["family"]
    )


def _names_swapped() -> Level:
    """Given and family names recorded the other way round (a common slip)."""
    return Level(
        "names_swapped",
        '"given_first_l" = "family_r" OR "family_l" = "given_first_r"',
        _swapped_names,
        "matches the other's name recorded the other way round (given and family swapped)",
    )


def _initial(a: Row, b: Row) -> bool:
    x, y = a["given_first"], b["given_first"]
    return (len(x) == 1 or len(y) == 1) and x[0] == y[0]


def _fields_equal(a: Row, b: Row) -> int:
    return sum(a[f] == b[f] for f in ("dob_y", "dob_m", "dob_d"))


GIVEN = Comparison(
    "given_names",
    "Given names",
    ("given", "given_first", "given_canon"),
    (
        _null("given"),
        _exact("given", "the same", tf=True),
        _same("first", "given_first", "the same first name"),
        _same("nickname", "given_canon", "a short form of the same name (like Bill and William)"),
        _names_swapped(),
        _jw("close", "given_first", 0.92, "spelt slightly differently"),
        Level(
            "initial",
            '(length("given_first_l") = 1 OR length("given_first_r") = 1) '
            'AND left("given_first_l", 1) = left("given_first_r", 1)',
            _initial,
            "only an initial, and it matches",
        ),
        _jw("similar", "given_first", 0.8, "similar but spelt differently"),
        _else("different"),
    ),
)

FAMILY = Comparison(
    "family_name",
    "Family name",
    ("family", "family_parts", "family_all"),
    (
        _null("family"),
        _exact("family", "the same", tf=True),
        _overlap("part", "family_parts", "one part of a double or hyphenated name matches"),
        _overlap("other", "family_all", "matches a previous or other name"),
        _names_swapped(),
        _jw("close", "family", 0.92, "spelt slightly differently"),
        _jw("similar", "family", 0.8, "similar but spelt differently"),
        _else("different"),
    ),
)

DATE_OF_BIRTH = Comparison(
    "date_of_birth",
    "Date of birth",
    ("dob", "dob_y", "dob_m", "dob_d"),
    (
        _null("dob"),
        _exact("dob", "the same"),
        Level(
            "swapped",
            '"dob_y_l" = "dob_y_r" AND "dob_m_l" = "dob_d_r" AND "dob_d_l" = "dob_m_r"',
            lambda a, b: (
                a["dob_y"] == b["dob_y"] and a["dob_m"] == b["dob_d"] and a["dob_d"] == b["dob_m"]
            ),
            "day and month swapped",
        ),
        Level(
            "year",
            '"dob_m_l" = "dob_m_r" AND "dob_d_l" = "dob_d_r" AND abs("dob_y_l" - "dob_y_r") = 1',
            lambda a, b: (
                a["dob_m"] == b["dob_m"]
                and a["dob_d"] == b["dob_d"]
                and abs(a["dob_y"] - b["dob_y"]) == 1
            ),
            "year one out",
        ),
        Level(
            "one_field",
            '(CAST("dob_y_l" = "dob_y_r" AS INTEGER) + CAST("dob_m_l" = "dob_m_r" AS INTEGER)'
            ' + CAST("dob_d_l" = "dob_d_r" AS INTEGER)) = 2',
            lambda a, b: _fields_equal(a, b) == 2,
            "one of day, month or year differs",
        ),
        _else("different"),
    ),
)

SEX = Comparison(
    "sex",
    "Sex",
    ("sex",),
    (_null("sex"), _exact("sex", "the same"), _else("different")),
)

POSTCODE = Comparison(
    "postcode",
    "Postcode",
    ("postcode", "outcode"),
    (
        _null("postcode"),
        _exact("postcode", "the same"),
        Level(
            "close",
            'damerau_levenshtein("postcode_l", "postcode_r") <= 1',
            lambda a, b: jellyfish.damerau_levenshtein_distance(a["postcode"], b["postcode"]) <= 1,
            "one character different",
        ),
        _same("area", "outcode", "the same area (first half)"),
        _else("different"),
    ),
)

ADDRESS = Comparison(
    "address",
    "Address",
    ("address",),
    (
        _null("address"),
        _exact("address", "the same"),
        _jw("close", "address", 0.9, "spelt slightly differently"),
        _else("different"),
    ),
)

TOWN = Comparison(
    "town",
    "Town",
    ("town",),
    (
        _null("town"),
        _exact("town", "the same"),
        _jw("close", "town", 0.9, "spelt slightly differently"),
        _else("different"),
    ),
)

# Identifiers are rare in training data and their levels may never occur among matches
# there, so their m and u are fixed (not trained): a shared number is near-certain
# evidence (typed wrongly about 1 time in 50), two different numbers strong evidence
# against. Documented in docs/matching.md.
NHS_NUMBER = Comparison(
    "nhs_number",
    "NHS number",
    ("nhs",),
    (
        _null("nhs"),
        _exact("nhs", "the same", m=0.98, u=0.000001),
        _else("different", m=0.02, u=0.999999),
    ),
)

UPN = Comparison(
    "upn",
    "Unique pupil number",
    ("upn",),
    (
        _null("upn"),
        _exact("upn", "the same", m=0.98, u=0.000001),
        _else("different", m=0.02, u=0.999999),
    ),
)

COMPARISONS: tuple[Comparison, ...] = (
    GIVEN,
    FAMILY,
    DATE_OF_BIRTH,
    SEX,
    POSTCODE,
    ADDRESS,
    TOWN,
    NHS_NUMBER,
    UPN,
)
COMPARISONS_BY_NAME = {c.name: c for c in COMPARISONS}
TF_COLUMNS = ("given", "family")
ALL_COLUMNS: tuple[str, ...] = tuple(dict.fromkeys(col for c in COMPARISONS for col in c.columns))


def splink_comparison(comparison: Comparison, m: Sequence[float] | None = None) -> dict[str, Any]:
    """The Splink settings dict of one comparison (levels in order, gamma numbered down)."""
    levels: list[dict[str, Any]] = []
    for level in comparison.levels:
        entry: dict[str, Any] = {"sql_condition": level.sql, "label_for_charts": level.key}
        if level.is_null:
            entry["is_null_level"] = True
        if level.tf_column:
            entry["tf_adjustment_column"] = level.tf_column
            entry["tf_adjustment_weight"] = 1.0
        if level.fixed_m is not None:
            entry["m_probability"] = level.fixed_m
            entry["fix_m_probability"] = True
        if level.fixed_u is not None:
            entry["u_probability"] = level.fixed_u
            entry["fix_u_probability"] = True
        levels.append(entry)
    return {"output_column_name": comparison.name, "comparison_levels": levels}
