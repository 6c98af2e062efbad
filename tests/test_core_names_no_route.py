"""The ledger core names no route (issue 12): ``hearth/obligations`` knows its routes only
through the route registry, so its code and its templates may not name one. Docstrings and
comments that explain by example may (they are not read here); names, strings, schema
fields, enums and template text may not.

Names are read from each module's syntax tree: every name, attribute, argument, function,
class and import, split into its words (``marac_children`` and ``MaracChildOut`` are
"marac children" and "marac child out"), and every string that is not a docstring. The
core's templates are read whole but for their comments."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parent.parent / "hearth" / "obligations"

# Words that name a route or what only one route has, and pairs that do so written as one
# name (``child_voice``, ``FollowUp``; "follow up" in a sentence is plain English).
WORDS = {"marac", "idva", "encompass", "ccn", "assessment", "assessments"}
PAIRS = re.compile(r"(child_voice|follow_up)|(ChildVoice|FollowUp)", re.IGNORECASE)

# What the core may name that is not a route's: the risk app's checklist is a risk
# assessment, and its signal says one is complete (routing runs again on it).
ALLOWED_IN = {
    "RiskAssessment": {"selectors/obligation.py"},
    "assessment_completed": {"hooks.py"},
    "assessment": {"hooks.py"},  # the key the risk app's signal sends the checklist under
}


def words_of(text: str) -> list[str]:
    """``MaracChildOut`` → marac, child, out; ``follow_up_working_days`` → follow, up, ..."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]


def route_words(text: str) -> list[str]:
    found = [w for w in words_of(text) if w in WORDS]
    found += ["_".join(words_of(m.group(0))) for m in PAIRS.finditer(text)]
    return found


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                found.add(id(body[0].value))
    return found


def names_in(source: str) -> Iterator[tuple[int, str]]:
    """Each name and non-docstring string of a module, with its line."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Name):
            yield line, node.id
        elif isinstance(node, ast.Attribute):
            yield line, node.attr
        elif isinstance(node, ast.arg | ast.keyword) and node.arg:
            yield line, node.arg
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield line, node.name
        elif isinstance(node, ast.alias):
            yield line, node.asname or node.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield line, node.module
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield line, node.value


def core_files(suffix: str) -> list[Path]:
    return sorted(
        p
        for p in CORE.rglob(f"*{suffix}")
        if not {"tests", "migrations", "__pycache__"} & set(p.relative_to(CORE).parts)
    )


def test_the_core_has_code_and_templates_to_check() -> None:
    assert len(core_files(".py")) > 20 and len(core_files(".html")) > 10


@pytest.mark.parametrize("path", core_files(".py"), ids=lambda p: str(p.relative_to(CORE)))
def test_the_cores_code_names_no_route(path: Path) -> None:
    where = str(path.relative_to(CORE))
    found = [
        f"{where}:{line}: {name!r}"
        for line, name in names_in(path.read_text())
        if route_words(name) and where not in ALLOWED_IN.get(name, set())
    ]
    assert found == []


@pytest.mark.parametrize("path", core_files(".html"), ids=lambda p: str(p.relative_to(CORE)))
def test_the_cores_templates_name_no_route(path: Path) -> None:
    text = re.sub(r"\{#.*?#\}", "", path.read_text(), flags=re.S)
    text = re.sub(r"\{% comment %\}.*?\{% endcomment %\}", "", text, flags=re.S)
    found = [
        f"{path.relative_to(CORE)}:{number}: {line.strip()[:80]}"
        for number, line in enumerate(text.splitlines(), 1)
        if route_words(line)
    ]
    assert found == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("MaracReferralOut", ["marac"]),
        ("marac_children", ["marac"]),
        ("shared.child_voice", ["child_voice"]),
        ("follow_up_working_days", ["follow_up"]),
        ("Stage.ASSESSMENT", ["assessment"]),
        ("ccn", ["ccn"]),
        ('"encompass_notification"', ["encompass"]),
        ("IDVA referrals", ["idva"]),
        ("route_days", []),
        ("ChildVoiceOut", ["child_voice"]),
        ("the children's voices", []),
        ("Follow up referrals sent", []),
    ],
)
def test_a_route_is_found_however_it_is_written(text: str, words: list[str]) -> None:
    assert route_words(text) == words


def test_the_checks_find_a_route_in_code_and_not_in_a_docstring() -> None:
    source = '"""About a MARAC referral."""\nmarac = shared.parts["idva_referral"]\n'
    named = [name for _, name in names_in(source) if route_words(name)]
    assert named == ["marac", "idva_referral"]
