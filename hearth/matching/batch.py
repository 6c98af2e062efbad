"""Deduplicating the whole population at once: Splink's DuckDB backend over every person.

``pairs(table)`` yields every pair of records the model scores at or above ``threshold``
as ``MatchPair(person_id_a, person_id_b, probability, explanation)`` (``a < b``), with
the model version; ``manage.py link_people`` (the identity links, issue 16 §2) calls
``population_pairs``. People go to DuckDB as an Arrow table (no ``INSTALL``/``ATTACH``,
no download); the pairs to score come from the model's own blocking rules
(``training.BLOCKING_FOR_PREDICTION``), and the explanation is rebuilt from each pair's
comparison levels with the same words as the live lookup (``model.ScoringModel``).

For a national deployment the same model file runs on Splink's Spark backend
(``SparkAPI``): docs/matching.md says how.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from hearth.matching.comparisons import Row
from hearth.matching.explain import explanation
from hearth.matching.model import REVIEW, ScoringModel, model_path, splink_settings
from hearth.matching.training import BLOCKING_FOR_PREDICTION, people_table

Progress = Callable[[str], None]


@dataclass(frozen=True)
class MatchPair:
    person_id_a: int
    person_id_b: int
    probability: float
    explanation: tuple[str, ...]
    model_version: str


def pairs(
    table: pa.Table,
    *,
    model_dict: dict[str, Any] | None = None,
    threshold: float = REVIEW,
    progress: Progress | None = None,
) -> Iterator[MatchPair]:
    """Every pair of ``table``'s records at or above ``threshold``, best first."""
    from splink import DuckDBAPI, Linker  # heavy: imported only for a batch run

    step = progress or (lambda label: None)
    if model_dict is None:
        model_dict = json.loads(model_path().read_text(encoding="utf-8"))
    scorer = ScoringModel(model_dict)
    settings = splink_settings(model_dict)
    settings["blocking_rules_to_generate_predictions"] = [
        {"blocking_rule": rule} for rule in BLOCKING_FOR_PREDICTION
    ]
    settings["retain_matching_columns"] = True
    db_api = DuckDBAPI()
    people = db_api.register(table, table_name="hearth_people")
    linker = Linker(people, settings, log_level=logging.WARNING)
    _register_term_frequencies(linker, db_api, scorer, table)
    step("scoring pairs")
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    result = predictions.as_duckdbpyrelation().order("match_probability DESC").arrow()
    step("explaining")
    by_id = {row["unique_id"]: row for row in table.to_pylist()}
    for found in _rows(result):
        a, b = sorted((found["unique_id_l"], found["unique_id_r"]))
        score = scorer.score(by_id[a], by_id[b])
        yield MatchPair(a, b, float(found["match_probability"]), explanation(score), scorer.version)


def _rows(table: Any) -> Iterator[Row]:
    if hasattr(table, "read_all"):  # a RecordBatchReader
        table = table.read_all()
    yield from table.select(["unique_id_l", "unique_id_r", "match_probability"]).to_pylist()


def _register_term_frequencies(
    linker: Any, db_api: Any, scorer: ScoringModel, people: pa.Table
) -> None:
    """The model file's term frequencies for every name in ``people`` (a name the model
    never saw counts as its rarest, ``ScoringModel.tf_of``), so that the batch and the
    lookup score a pair the same."""
    for column in scorer.tf:
        values = sorted({v for v in people.column(column).to_pylist() if v is not None})
        tf = pa.table(
            {column: values, f"tf_{column}": [scorer.tf_of(column, v) for v in values]},
            schema=pa.schema(
                [pa.field(column, pa.string()), pa.field(f"tf_{column}", pa.float64())]
            ),
        )
        frame = db_api.register(tf, table_name=f"hearth_tf_{column}")
        linker.table_management.register_term_frequency_lookup(frame, column)


def population_pairs(
    queryset: Any, *, threshold: float = REVIEW, progress: Progress | None = None
) -> Iterator[MatchPair]:
    """Every likely pair among the people of ``queryset`` (all agencies, usually)."""
    table = people_table(queryset, progress=progress)
    yield from pairs(table, threshold=threshold, progress=progress)
