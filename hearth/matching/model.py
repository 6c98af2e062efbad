"""The matcher's model file: load it, say its version, score a pair of records with it.

The file is Splink's own model JSON (``linker.misc.save_model_to_json``: the prior, and
each comparison level's m and u probabilities) plus a ``"hearth"`` section: the model's
version (training date and a hash of the parameters), how many records it was trained on,
and the term-frequency tables of the name columns. Splink reads the same file (without
the ``"hearth"`` section: ``splink_settings``) for training and the batch run; the live
lookup scores in Python (``ScoringModel.score``) because Splink's real-time API costs
~70 ms per record (stack.md). A test checks that both give the same probability.

Scoring is Fellegi–Sunter: the match weight is log2 of the prior odds plus, for each
comparison, log2(m/u) of the level the pair falls in, plus for an exact name the
term-frequency adjustment log2(u_exact) - log2(tf of that name), so a common surname
counts for less and a rare one for more (Splink's formula, ``tf_adjustment_weight`` 1).
A name absent from the table counts as the rarest name in it.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from hearth.matching.comparisons import COMPARISONS_BY_NAME, Comparison, Level, Row

DEMO_MODEL = Path(__file__).resolve().parent / "model_files" / "demo_model.json"

# Probabilities (0 to 1) of the same person. Above AUTO_LINK records are linked without a
# person looking (issue 16 §2); between REVIEW and AUTO_LINK a reviewer decides; below
# REVIEW nothing. The intake lookup shows candidates from SHOW up. Chosen from the FEBRL4
# and made-up UK benchmarks (docs/matching.md).
AUTO_LINK = 0.99
REVIEW = 0.5
SHOW = 0.5


@dataclass(frozen=True)
class Evidence:
    """One comparison's part in a score, in words a practitioner can check."""

    comparison: str  # "Date of birth"
    level: str  # "swapped"
    weight: float  # log2 Bayes factor: + for, - against
    words: str  # "Date of birth: day and month swapped — weaker evidence"


@dataclass(frozen=True)
class Score:
    probability: float
    match_weight: float
    evidence: tuple[Evidence, ...]


def strength(weight: float, *, exact: bool = True) -> str:
    """How much a comparison counts, in words: a partial agreement (a swapped date, a
    nickname) is always "weaker evidence" than the same value would have been."""
    if weight >= 6 and exact:
        return "strong evidence"
    if weight >= 1:
        return "weaker evidence"
    if weight > -1:
        return "little evidence either way"
    if weight > -6:
        return "evidence against"
    return "strong evidence against"


def model_version(model: dict[str, Any], trained_on: str) -> str:
    """``<date>-<hash of the parameters>``: the same parameters give the same version."""
    body = json.dumps(splink_settings(model), sort_keys=True).encode()
    return f"{trained_on}-{hashlib.sha256(body).hexdigest()[:10]}"


def splink_settings(model: dict[str, Any]) -> dict[str, Any]:
    """The model as Splink reads it (without Hearth's own section)."""
    return {k: v for k, v in model.items() if k != "hearth"}


@dataclass(frozen=True)
class _LevelParams:
    level: Level
    weight: float  # log2(m/u); 0 for the null level
    u_exact: float | None  # for term-frequency adjustment


class ScoringModel:
    """A loaded model: parameters by comparison and level, term frequencies, version."""

    def __init__(self, model: dict[str, Any]) -> None:
        hearth = model.get("hearth", {})
        self.version: str = hearth.get("version", "unversioned")
        self.prior: float = float(model["probability_two_random_records_match"])
        self.tf: dict[str, dict[str, float]] = hearth.get("tf", {})
        self._rarest = {col: min(table.values()) for col, table in self.tf.items() if table}
        self.comparisons: list[tuple[Comparison, list[_LevelParams]]] = []
        for entry in model["comparisons"]:
            comparison = COMPARISONS_BY_NAME[entry["output_column_name"]]
            raw = entry["comparison_levels"]
            if len(raw) != len(comparison.levels):
                raise ValueError(
                    f"Model file comparison {comparison.name} has {len(raw)} levels, "
                    f"this code {len(comparison.levels)}: retrain with train_matcher"
                )
            u_exact = next(
                (
                    lv.get("u_probability")
                    for lv, lev in zip(raw, comparison.levels, strict=True)
                    if lev.key == "exact"
                ),
                None,
            )
            params = []
            for lv, level in zip(raw, comparison.levels, strict=True):
                if level.is_null:
                    weight = 0.0
                else:
                    m, u = lv.get("m_probability"), lv.get("u_probability")
                    weight = math.log2(m / u) if m and u else 0.0
                params.append(_LevelParams(level, weight, u_exact))
            self.comparisons.append((comparison, params))

    def tf_of(self, column: str, value: str | None) -> float | None:
        table = self.tf.get(column)
        if not table or value is None:
            return None
        return table.get(value, self._rarest[column])

    def score(self, left: Row, right: Row) -> Score:
        total = math.log2(self.prior / (1 - self.prior))
        evidence = []
        for comparison, params in self.comparisons:
            chosen = next(p for p in params if p.level.test(left, right) or p.level.key == "else")
            weight = chosen.weight
            level = chosen.level
            common = ""
            if level.tf_column and chosen.u_exact:
                tf = self._tf_pair(level.tf_column, left, right)
                if tf is not None:
                    adjustment = math.log2(chosen.u_exact) - math.log2(tf)
                    weight += adjustment
                    if adjustment < -1:
                        common = ", but common here"
                    elif adjustment > 1:
                        common = ", and uncommon here"
            total += weight
            if level.is_null:
                words = f"{comparison.label}: {level.words}"
            else:
                grade = strength(weight, exact=level.key == "exact")
                words = f"{comparison.label}: {level.words}{common} — {grade}"
            evidence.append(Evidence(comparison.label, level.key, round(weight, 3), words))
        return Score(_probability(total), total, tuple(evidence))

    def _tf_pair(self, column: str, left: Row, right: Row) -> float | None:
        values = [
            v
            for v in (self.tf_of(column, left[column]), self.tf_of(column, right[column]))
            if v is not None
        ]
        return max(values) if values else None


def _probability(weight: float) -> float:
    if weight > 60:
        return 1.0
    if weight < -60:
        return 0.0
    odds = 2.0**weight
    return odds / (1 + odds)


def model_path() -> Path:
    return Path(getattr(settings, "HEARTH_MATCHER_MODEL", DEMO_MODEL))


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> ScoringModel:
    return ScoringModel(json.loads(Path(path).read_text(encoding="utf-8")))


def current_model() -> ScoringModel:
    """The deployment's model (``HEARTH_MATCHER_MODEL``, else the demo's), loaded once and
    reloaded when the file changes (after ``train_matcher``)."""
    path = model_path()
    return _load(str(path), path.stat().st_mtime)
