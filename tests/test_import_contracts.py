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
    """The layers, highest first, without the parentheses that mark an optional one; the
    independent siblings of one layer ("a | b") each in its place."""
    return [
        name.strip().strip("()")
        for layer in contract("layers")["layers"]
        for name in layer.split("|")
    ]


def test_route_apps_are_independent_siblings_above_the_ledger_core() -> None:
    declared = contract("layers")["layers"]
    routes = declared[declared.index("obligations") - 1]
    assert {name.strip() for name in routes.split("|")} == {"encompass", "referrals", "specialist"}
    # Above them, MARAC meetings (which hear the referrals app's MARAC referrals) and the
    # child's voice, independent of each other, then the whole family, which reads them all.
    above = declared[declared.index(routes) - 1]
    assert {name.strip() for name in above.split("|")} == {"marac", "voices"}
    assert declared[declared.index(above) - 1] == "families"


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


def _cycles(graph: Any, modules: set[str]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root) & modules)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    imported = graph.find_modules_directly_imported_by(child) & modules
                    work.append((child, iter(sorted(imported))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_no_module_of_hearth_is_in_an_import_cycle() -> None:
    """Issue 12: the ledger's routing, Operation Encompass routing and services imported one
    another (six files). Imports only for type checking do not count; tests do not."""
    import sys

    import grimp

    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph("hearth", exclude_type_checking_imports=True)
    modules = {m for m in graph.modules if ".tests" not in m and ".migrations" not in m}
    assert _cycles(graph, modules) == []
