"""The layering of architecture.md §3 is declared as import-linter contracts in
pyproject.toml and checked by `make lint`. These tests keep the declaration honest: every
app is placed in the layers, ``core`` is the lowest, and the contracts hold."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
HEARTH = ROOT / "hearth"


def contract(contract_id: str) -> dict[str, Any]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    [found] = [c for c in config["contracts"] if c["id"] == contract_id]
    return dict(found)


def layers() -> list[str]:
    """The layers, highest first, without the parentheses that mark an optional one."""
    return [name.strip("()") for name in contract("layers")["layers"]]


def test_every_app_is_in_the_layer_order() -> None:
    apps = {p.name for p in HEARTH.iterdir() if p.is_dir() and (p / "apps.py").exists()}
    assert apps <= set(layers()), f"add {apps - set(layers())} to the layers in pyproject.toml"
    assert {"core", "audit", "accounts", "demo"} <= apps


def test_core_is_the_lowest_layer_and_audit_sits_below_accounts() -> None:
    order = layers()
    assert order[-1] == "core"
    assert order.index("audit") > order.index("accounts")
    assert contract("layers")["exhaustive"] is True


def test_tests_inside_apps_are_the_only_exception() -> None:
    assert contract("layers")["ignore_imports"] == ["hearth.*.tests.** -> hearth.**"]


def test_the_import_contracts_are_kept() -> None:
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0
