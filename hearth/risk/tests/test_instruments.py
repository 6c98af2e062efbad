"""Instruments ship as data without licensed wording; wording files are checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hearth.risk.instruments import (
    InstrumentError,
    WordingMismatch,
    instrument,
    load_wording,
    parse_instrument,
    shipped_instruments,
)
from hearth.risk.policy import CHILD_RELATED_DASH_ITEMS


def test_the_police_dash_has_27_items_in_sections_with_its_supplementary_sets() -> None:
    dash = instrument("police_dash")
    assert dash.version == "2009"
    assert [i.number for i in dash.items] == list(range(1, 28))
    assert [s.key for s in dash.sections] == [
        "current_situation",
        "children_dependants",
        "history",
        "abuser",
    ]
    triggers = {i.number: i.triggers for i in dash.items if i.triggers}
    assert triggers == {4: "honour_based_abuse", 8: "stalking"}
    assert len(dash.supplementary["stalking"].items) == 11
    child_items = {i.key: i.number for i in dash.items if i.child_related}
    # The child-risk rule reads these; domain.md §1.3 also marks question 17 ("someone else").
    assert CHILD_RELATED_DASH_ITEMS.items() <= child_items.items()
    assert set(child_items) - set(CHILD_RELATED_DASH_ITEMS) == {"threats_to_kill"}


def test_the_safelives_ric_has_24_items_without_the_police_only_questions() -> None:
    ric = instrument("safelives_ric")
    assert len(ric.items) == 24
    assert not {"other_children_dependants", "hurt_children", "threatened_children"} & {
        i.key for i in ric.items
    }


def test_no_shipped_label_is_long_enough_to_be_licensed_wording() -> None:
    for shipped in shipped_instruments().values():
        for item in shipped.items:
            assert len(item.label) <= 90
            assert not item.label.endswith("?")  # labels, not the questions


def wording_file(tmp_path: Path, **changes: object) -> Path:
    dash = instrument("police_dash")
    data: dict[str, object] = {
        "instrument": "police_dash",
        "version": "2009",
        "items": {key: f"Licensed wording for {key}" for key in sorted(dash.all_keys)},
    }
    data.update(changes)
    path = tmp_path / "wording.json"
    path.write_text(json.dumps(data))
    return path


def test_a_complete_wording_file_loads(tmp_path: Path) -> None:
    loaded, wording = load_wording(wording_file(tmp_path))
    assert loaded.key == "police_dash"
    assert wording["current_injury"] == "Licensed wording for current_injury"


def test_a_wording_file_that_does_not_match_fails_clearly_and_changes_nothing(
    tmp_path: Path,
) -> None:
    dash = instrument("police_dash")
    items = {key: "text" for key in dash.all_keys if key != "strangulation"}
    items["made_up_question"] = "text"
    before = shipped_instruments()
    with pytest.raises(WordingMismatch) as mismatch:
        load_wording(wording_file(tmp_path, items=items))
    message = str(mismatch.value)
    assert "missing 1: strangulation" in message
    assert "not in the instrument: made_up_question" in message
    assert shipped_instruments() == before
    with pytest.raises(InstrumentError, match="has no version"):
        load_wording(wording_file(tmp_path, version="1999"))
    with pytest.raises(WordingMismatch, match="map each item key"):
        load_wording(wording_file(tmp_path, items={"current_injury": ""}))


def test_an_instrument_definition_is_checked() -> None:
    with pytest.raises(InstrumentError, match="unknown sections"):
        parse_instrument(
            {
                "instrument": "x",
                "version": "1",
                "title": "X",
                "sections": [],
                "items": [{"key": "a", "label": "A", "section": "nowhere"}],
            }
        )
