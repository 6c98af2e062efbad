"""Operators check a wording file before deploying it; a bad file stops start-up."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from hearth.risk.checks import risk_wording_files
from hearth.risk.instruments import instrument


def write(tmp_path: Path, keys: set[str]) -> Path:
    path = tmp_path / "ric.json"
    path.write_text(
        json.dumps(
            {
                "instrument": "safelives_ric",
                "version": "2015",
                "items": {key: f"Wording {key}" for key in sorted(keys)},
            }
        )
    )
    return path


def test_a_matching_file_passes(tmp_path: Path) -> None:
    path = write(tmp_path, set(instrument("safelives_ric").all_keys))
    out = StringIO()
    call_command("check_risk_wording", str(path), stdout=out)
    assert "24 items: OK" in out.getvalue()
    with override_settings(HEARTH_RISK_WORDING_FILES=[str(path)]):
        assert risk_wording_files(None) == []


def test_a_file_that_does_not_match_fails_clearly(tmp_path: Path) -> None:
    path = write(tmp_path, set(instrument("safelives_ric").all_keys) - {"weapons"})
    err = StringIO()
    with pytest.raises(CommandError, match="do not match"):
        call_command("check_risk_wording", str(path), stdout=StringIO(), stderr=err)
    assert "missing 1: weapons" in err.getvalue()
    with override_settings(HEARTH_RISK_WORDING_FILES=[str(path)]):
        [problem] = risk_wording_files(None)
        assert problem.id == "hearth.E101"
        assert "missing 1: weapons" in problem.msg
