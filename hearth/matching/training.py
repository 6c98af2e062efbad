"""Training the matcher without labels (Splink on DuckDB) on the deployment's own people.

The people go to DuckDB as an Arrow table (``people_table``: no ``INSTALL``, no
``ATTACH``, no download, stack.md). Training follows Splink's usual recipe:

1. the prior (``probability_two_random_records_match``) from deterministic rules (the
   same names and date of birth, or the same NHS number) assumed to find 70 % of matches;
2. u probabilities from random pairs (nearly all of which are different people);
3. m probabilities by expectation maximisation in two sessions, each blocked on fields
   it then cannot learn about: once on date of birth (learns names, sex, address), once
   on family name and first given name (learns date of birth);
4. term-frequency tables of given and family names.

Identifiers (NHS number, UPN) keep fixed m and u (``comparisons``). The result is the
model dict that ``model.ScoringModel`` and ``batch`` read, versioned.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pyarrow as pa

from hearth.matching.comparisons import ALL_COLUMNS, COMPARISONS, Row, features, splink_comparison
from hearth.matching.model import model_version

Progress = Callable[[str], None]

_LIST_COLUMNS = {"family_parts", "family_all"}
_INT_COLUMNS = {"unique_id", "dob_y", "dob_m", "dob_d"}


def arrow_schema(extra: Iterable[str] = ()) -> pa.Schema:
    """Explicit types: a lone null column would otherwise be inferred wrongly (stack.md)."""
    fields = []
    for col in ("unique_id", *ALL_COLUMNS, *extra):
        if col in _LIST_COLUMNS:
            fields.append(pa.field(col, pa.list_(pa.string())))
        elif col in _INT_COLUMNS:
            fields.append(pa.field(col, pa.int64()))
        elif col.startswith("tf_"):
            fields.append(pa.field(col, pa.float64()))
        else:
            fields.append(pa.field(col, pa.string()))
    return pa.schema(fields)


def rows_table(rows: Iterable[Row], extra: Iterable[str] = ()) -> pa.Table:
    schema = arrow_schema(extra)
    columns: dict[str, list[Any]] = {name: [] for name in schema.names}
    for row in rows:
        for name in schema.names:
            columns[name].append(row.get(name))
    return pa.table(columns, schema=schema)


def person_rows(people: Iterable[Any]) -> Iterator[Row]:
    """``features`` of Person objects (with ``other_names`` and ``addresses__address``
    prefetched)."""
    for person in people:
        addresses = list(person.addresses.all())
        address = addresses[0].address if addresses else None
        yield features(
            unique_id=person.pk,
            given_names=person.given_names,
            family_name=person.family_name,
            other_family_names=[n.family_name for n in person.other_names.all()],
            date_of_birth=person.date_of_birth,
            sex=person.sex,
            postcode=address.postcode if address else "",
            address=address.line_1 if address else "",
            town=address.town if address else "",
            nhs_number=person.nhs_number,
            upn=person.unique_pupil_number,
        )


def people_table(queryset: Any, progress: Progress | None = None) -> pa.Table:
    """Every person of ``queryset`` as an Arrow table of prepared columns."""
    people = queryset.prefetch_related("other_names", "addresses__address").order_by("pk")
    rows = []
    for row in person_rows(people.iterator(chunk_size=2000)):
        rows.append(row)
        if progress:
            progress("people")
    return rows_table(rows)


def term_frequencies(table: pa.Table) -> dict[str, dict[str, float]]:
    """Splink's term frequency: a value's share of the non-null values of its column."""
    result = {}
    for col in ("given", "family"):
        values = [v for v in table.column(col).to_pylist() if v is not None]
        counts = Counter(values)
        total = len(values) or 1
        result[col] = {v: n / total for v, n in sorted(counts.items())}
    return result


BLOCKING_FOR_PREDICTION = (
    'l."family" = r."family" AND l."dob_y" = r."dob_y"',
    'l."dob" = r."dob"',
    'l."given_first" = r."given_first" AND l."dob_y" = r."dob_y"',
    'l."given_first" = r."given_first" AND l."postcode" = r."postcode"',
    'l."family" = r."family" AND l."given_first" = r."given_first"',
    'l."nhs" = r."nhs"',
    'l."upn" = r."upn"',
)


def base_settings(link_type: str = "dedupe_only") -> dict[str, Any]:
    return {
        "link_type": link_type,
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": 0.0001,
        "comparisons": [splink_comparison(c) for c in COMPARISONS],
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": rule} for rule in BLOCKING_FOR_PREDICTION
        ],
        "retain_intermediate_calculation_columns": True,
        "retain_matching_columns": True,
    }


# Every level gets explicit m and u, so that Splink and the Python scorer never fall
# back on different defaults:
# - no m below M_FLOOR: a level never seen among matches in training (a moved person
#   keeping their postcode area, say) then counts as evidence against, not as a veto of
#   -80 that no other evidence could outweigh;
# - no u below U_FLOOR (a level never seen among random pairs);
# - a level seen neither among matches nor among random pairs (a column empty in the
#   training data, such as sex in FEBRL4) carries no weight: m = u.
M_FLOOR = 0.001
U_FLOOR = 0.000001


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def complete_parameters(model: dict[str, Any]) -> dict[str, Any]:
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = _number(level.get("m_probability")), _number(level.get("u_probability"))
            if m is None and u is None:
                m = u = M_FLOOR
            if not level.get("fix_m_probability"):
                level["m_probability"] = max(m if m is not None else M_FLOOR, M_FLOOR)
            if not level.get("fix_u_probability"):
                level["u_probability"] = max(u if u is not None else U_FLOOR, U_FLOOR)
    return model


def train(
    table: pa.Table,
    *,
    today: dt.date,
    progress: Progress | None = None,
    seed: int = 1,
    max_pairs: float = 2e6,
) -> dict[str, Any]:
    """A trained, versioned model dict (Splink's JSON plus Hearth's section)."""
    from splink import DuckDBAPI, Linker  # heavy: imported only when training

    logging.getLogger("splink").setLevel(logging.WARNING)
    step = progress or (lambda label: None)
    db_api = DuckDBAPI()
    people = db_api.register(table, table_name="hearth_people")
    linker = Linker(people, base_settings(), log_level=logging.WARNING)
    step("prior")
    linker.training.estimate_probability_two_random_records_match(
        [
            'l."given" = r."given" AND l."family" = r."family" AND l."dob" = r."dob"',
            'l."nhs" = r."nhs"',
        ],
        recall=0.7,
    )
    step("u probabilities")
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    step("m probabilities (names, sex, address)")
    linker.training.estimate_parameters_using_expectation_maximisation(
        'l."dob" = r."dob"', estimate_without_term_frequencies=True
    )
    step("m probabilities (date of birth)")
    linker.training.estimate_parameters_using_expectation_maximisation(
        'l."family" = r."family" AND l."given_first" = r."given_first"',
        estimate_without_term_frequencies=True,
    )
    step("term frequencies")
    model = complete_parameters(linker.misc.save_model_to_json())
    model["hearth"] = {
        "trained_on_records": table.num_rows,
        "tf": term_frequencies(table),
    }
    model["hearth"]["version"] = model_version(model, today.isoformat())
    return model
