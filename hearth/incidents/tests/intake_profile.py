"""Test support (issue 12): what one API intake costs in SQL, and who asks for it.

``profile_intake`` posts the benchmark's own two-child document
(``hearth.demo.bench.two_child_document``) to ``POST /api/v1/incidents`` and returns an
``IntakeProfile``: every statement with the Hearth module and function that issued it
(the innermost ``hearth`` frame on the stack, this file left out), the savepoints among
them, and the rows written, counted as the benchmark counts them (each table's row count
after minus before, ``rows_by_table``).

Run ``HEARTH_MODE=test .venv/bin/pytest -s -n 0 -p no:randomly
hearth/incidents/tests/test_intake_queries.py`` to print the breakdown.

Inside a test the whole request already runs in the test's transaction, so the API's
outermost ``atomic()`` is one savepoint more than it is under a real server.
"""

from __future__ import annotations

import json
import os
import traceback
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.test import Client

HEARTH = Path(__file__).resolve().parents[2]  # the hearth package
THIS = Path(__file__).resolve()


@dataclass(frozen=True)
class Statement:
    sql: str
    module: str  # hearth.incidents.services, or "django" when no Hearth frame is on the stack
    caller: str  # module.function:line
    auditlog: bool = False  # issued by django-auditlog's signal handlers
    modules: frozenset[str] = frozenset()  # every Hearth module on the stack


@dataclass
class IntakeProfile:
    statements: list[Statement] = field(default_factory=list)
    rows_by_table: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.statements)

    @property
    def savepoints(self) -> int:
        return sum(1 for s in self.statements if s.sql.lstrip().upper().startswith("SAVEPOINT"))

    @property
    def rows(self) -> int:
        return sum(self.rows_by_table.values())

    def outside(self, package: str) -> IntakeProfile:
        """The statements issued with no module of ``package`` on the stack (for
        example all but the obligation ledger's routing of the submission)."""
        return IntakeProfile(
            statements=[
                s
                for s in self.statements
                if not any(m == package or m.startswith(package + ".") for m in s.modules)
            ]
        )

    def by(self, key: Callable[[Statement], str]) -> Counter[str]:
        return Counter(key(s) for s in self.statements)

    def report(self, top: int = 40) -> str:
        kinds = self.by(lambda s: s.sql.lstrip().split(" ", 1)[0].upper())
        lines = [
            f"statements {self.count}, savepoints {self.savepoints}, rows written {self.rows}",
            "by kind: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()),
            f"of which django-auditlog: {sum(1 for s in self.statements if s.auditlog)}",
            f"of which under hearth.obligations: "
            f"{self.count - self.outside('hearth.obligations').count}",
            "by module:",
            *(f"  {n:4d}  {m}" for m, n in self.by(lambda s: s.module).most_common()),
            "by caller (innermost Hearth frame):",
            *(f"  {n:4d}  {c}" for c, n in self.by(lambda s: s.caller).most_common(top)),
            "rows by table:",
            *(f"  {n:4d}  {t}" for t, n in sorted(self.rows_by_table.items())),
        ]
        return "\n".join(lines)


# Frames that only pass a save on (a model's own ``save``): the statement is put down to
# whoever called them.
PLUMBING = {("hearth.core.models", "save"), ("hearth.audit.models", "save")}


def _module(filename: str) -> str | None:
    path = Path(filename).resolve()
    if path == THIS or not path.is_relative_to(HEARTH):
        return None
    return ".".join(path.relative_to(HEARTH.parent).with_suffix("").parts)


def _caller() -> tuple[str, str, bool, frozenset[str]]:
    """The innermost Hearth frame that asked (module, module.function:line), whether
    django-auditlog's signal handlers are on the way (its row diffs), and every Hearth
    module on the stack."""
    stack = traceback.extract_stack()
    modules = frozenset(m for f in stack if (m := _module(f.filename)) is not None)
    via_auditlog = any(
        f"{os.sep}auditlog{os.sep}" in f.filename and not f.filename.endswith("middleware.py")
        for f in stack
    )
    for frame in reversed(stack):
        module = _module(frame.filename)
        if module is None or (module, frame.name) in PLUMBING:
            continue
        return module, f"{module}.{frame.name}:{frame.lineno}", via_auditlog, modules
    return "django", "django", via_auditlog, modules


def _table_counts() -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


@contextmanager
def profiled() -> Iterator[IntakeProfile]:
    """Every statement run inside, with its caller, and the rows written."""
    profile = IntakeProfile()

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        module, caller, via_auditlog, modules = _caller()
        profile.statements.append(
            Statement(sql=sql, module=module, caller=caller, auditlog=via_auditlog, modules=modules)
        )
        return execute(sql, params, many, context)

    before = _table_counts()
    with connection.execute_wrapper(record):
        yield profile
    after = _table_counts()
    profile.rows_by_table = {
        t: after[t] - before.get(t, 0) for t in after if after[t] != before.get(t, 0)
    }


def intake_body(area_id: int, n: int = 1) -> dict[str, Any]:
    """The document the benchmark posts."""
    from hearth.demo.bench import two_child_document

    return two_child_document(n, area_id)


def post_intake(client: Client, raw_key: str, body: dict[str, Any]) -> Any:
    return client.post(
        "/api/v1/incidents",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw_key}", "Idempotency-Key": uuid.uuid4().hex},
    )


def profile_intake(client: Client, raw_key: str, area_id: int, n: int = 1) -> IntakeProfile:
    body = intake_body(area_id, n)
    with profiled() as profile:
        response = post_intake(client, raw_key, body)
    assert response.status_code == 201, response.content
    return profile
