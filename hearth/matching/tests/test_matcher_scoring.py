"""The live lookup scores a pair in Python from the model file; Splink scores it from the
same file in SQL. They must agree (within rounding), level by level and in probability,
on pairs that reach every level of every comparison."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter
from typing import Any

import pytest

from hearth.matching import synthetic, training
from hearth.matching.comparisons import COMPARISONS, Row, features
from hearth.matching.model import DEMO_MODEL, ScoringModel, splink_settings


def fake_row(uid: int, p: synthetic.FakePerson) -> Row:
    return features(
        unique_id=uid,
        given_names=p.given_names,
        family_name=p.family_name,
        other_family_names=p.other_family_names,
        date_of_birth=p.date_of_birth,
        sex=p.sex,
        postcode=p.postcode,
        address=p.address,
        nhs_number=p.nhs_number,
    )


def hand_made() -> list[tuple[Row, Row]]:
    born = dt.date(2015, 3, 7)

    def row(uid: int, **kw: Any) -> Row:
        base: dict[str, Any] = {"given_names": "Amelia", "family_name": "Okafor"}
        return features(unique_id=uid, **(base | kw))

    return [
        (row(1, given_names="W"), row(2, given_names="William")),
        (row(3, postcode="SO23 9AB"), row(4, postcode="SO23 4LT")),
        (row(5, address="12 Acacia Avenue"), row(6, address="12 Acacia Avenu")),
        (row(7, date_of_birth=born), row(8, date_of_birth=dt.date(2015, 7, 3))),
        (row(9, given_names="Okafor", family_name="Amelia"), row(10)),
        (
            row(11, nhs_number="9434765919", upn="A123"),
            row(12, nhs_number="9434765870", upn="A123"),
        ),
        (row(13, town="Winchester", sex="female"), row(14, town="Winchestr", sex="male")),
        (row(15, family_name="Walsh"), row(16, family_name="Kerr", other_family_names=["Walsh"])),
        (row(17, family_name="Zzyzx-Quell"), row(18, family_name="Zzyzx-Quell")),  # not in TF
        (row(19, given_names="", town="Andover"), row(20, given_names="Amy", town="Andover")),
        (row(21, family_name="", upn="A1"), row(22, upn="B2", town="Alton", postcode="SO23 9AB")),
        (
            row(25, given_names="Mohammed", family_name="Kowalski", date_of_birth=born),
            row(
                26,
                given_names="Muhammad",
                family_name="Kowalczyk",
                date_of_birth=born.replace(year=2016),
            ),
        ),
        (row(23, postcode="SO23 9AB", town="Alton"), row(24, postcode="SO23 9BA", town="Bath")),
    ]


def sample_pairs() -> list[tuple[Row, Row]]:
    pairs = hand_made()
    uid = 100
    people = list(synthetic.people(120, duplicate_rate=0.8, seed=3))
    for n, (clean, second) in enumerate(people):
        if second is not None:
            pairs.append((fake_row(uid, clean), fake_row(uid + 1, second)))
        other = people[(n + 7) % len(people)][0]  # a different person
        pairs.append((fake_row(uid + 2, clean), fake_row(uid + 3, other)))
        uid += 4
    return pairs


@pytest.fixture(scope="module")
def splink_scores() -> tuple[ScoringModel, list[tuple[Row, Row]], dict[tuple[int, int], Any]]:
    from splink import DuckDBAPI, Linker

    model_dict = json.loads(DEMO_MODEL.read_text(encoding="utf-8"))
    model = ScoringModel(model_dict)
    pairs = sample_pairs()

    def with_tf(row: Row) -> Row:
        return row | {
            "tf_given": model.tf_of("given", row["given"]),
            "tf_family": model.tf_of("family", row["family"]),
        }

    extra = ("tf_given", "tf_family")
    left = training.rows_table([with_tf(a) for a, _ in pairs], extra)
    right = training.rows_table([with_tf(b) for _, b in pairs], extra)
    db_api = DuckDBAPI()
    everyone = db_api.register(
        training.rows_table([r for pair in pairs for r in pair]), table_name="people"
    )
    linker = Linker(everyone, splink_settings(model_dict), log_level=logging.WARNING)
    frame_l = db_api.register(left, table_name="left_records")
    frame_r = db_api.register(right, table_name="right_records")
    scored = linker.inference.score_pairs(frame_l, frame_r).as_pandas_dataframe()
    wanted = {(a["unique_id"], b["unique_id"]) for a, b in pairs}
    by_pair = {
        (r.unique_id_l, r.unique_id_r): r
        for r in scored.itertuples()
        if (r.unique_id_l, r.unique_id_r) in wanted
    }
    return model, pairs, by_pair


def test_python_scores_equal_splinks(splink_scores: Any) -> None:
    model, pairs, by_pair = splink_scores
    assert len(by_pair) == len(pairs)
    for a, b in pairs:
        ours = model.score(a, b)
        theirs = by_pair[(a["unique_id"], b["unique_id"])]
        assert ours.match_weight == pytest.approx(theirs.match_weight, abs=1e-6)
        assert ours.probability == pytest.approx(theirs.match_probability, rel=1e-9, abs=1e-12)


def test_python_levels_equal_splinks_and_every_level_is_reached(splink_scores: Any) -> None:
    _, pairs, by_pair = splink_scores
    reached: Counter[tuple[str, str]] = Counter()
    for a, b in pairs:
        theirs = by_pair[(a["unique_id"], b["unique_id"])]
        for comparison in COMPARISONS:
            ours = comparison.level_of(a, b)
            non_null = [lv for lv in comparison.levels if not lv.is_null]
            gamma = -1 if ours.is_null else len(non_null) - 1 - non_null.index(ours)
            assert getattr(theirs, f"gamma_{comparison.name}") == gamma, (comparison.name, a, b)
            reached[(comparison.name, ours.key)] += 1
    every = {(c.name, lv.key) for c in COMPARISONS for lv in c.levels}
    assert every - set(reached) == set(), "some levels were never compared"
