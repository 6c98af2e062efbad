"""Contexts import only downwards (architecture §3; style.md §2).

The order is architecture.md §3's table, with ``audit`` below ``accounts``: the audit
trail refers to users and agencies by model name only, so that every context, accounts
included, can record access and timeline events. ``core`` imports nothing of Hearth.
"""

from __future__ import annotations

import ast
from pathlib import Path

HEARTH = Path(__file__).resolve().parent.parent / "hearth"

LAYERS = [
    "core",
    "audit",
    "accounts",
    "people",
    "incidents",
    "risk",
    "schools",
    "obligations",
    "search",
    "stats",
    "demo",
]


def hearth_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "hearth" and len(parts) > 1:
                found.add(parts[1])
    return found


def violations() -> list[str]:
    problems = []
    for app_dir in sorted(p for p in HEARTH.iterdir() if p.is_dir() and p.name in LAYERS):
        rank = LAYERS.index(app_dir.name)
        for path in app_dir.rglob("*.py"):
            if "tests" in path.relative_to(app_dir).parts:
                continue  # tests may build state through any context's services
            for imported in hearth_imports(path):
                if imported in LAYERS and LAYERS.index(imported) > rank:
                    problems.append(f"{path.relative_to(HEARTH)} imports hearth.{imported}")
    return problems


def test_every_app_is_in_the_layer_order() -> None:
    apps = {p.name for p in HEARTH.iterdir() if p.is_dir() and (p / "apps.py").exists()}
    assert apps <= set(LAYERS), f"add {apps - set(LAYERS)} to LAYERS"
    assert {"core", "audit", "accounts", "demo"} <= apps


def test_contexts_import_only_downwards() -> None:
    assert violations() == []


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    upward = tmp_path / "module.py"
    upward.write_text("from hearth.accounts.models import User\nimport hearth.audit.services\n")
    assert hearth_imports(upward) == {"accounts", "audit"}
