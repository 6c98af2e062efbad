"""The Open Referral UK 3.0 profile's compiled JSON Schemas, read from the shared data
beside the repository (``../shared/data/oruk/schema/compiled``), never copied in."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from jsonschema import Draft202012Validator

COMPILED = Path(settings.BASE_DIR).parent / "shared" / "data" / "oruk" / "schema" / "compiled"


def _validator(name: str) -> Any:
    schema = json.loads((COMPILED / f"{name}.json").read_text())
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture(scope="session")
def oruk_errors() -> Callable[[str, Any], list[str]]:
    """``oruk_errors(schema_name, instance)``: every error of ``instance`` against the
    profile's compiled schema ``schema_name`` (``service``, ``service_list`` ...)."""
    if not COMPILED.is_dir():
        pytest.fail(f"The Open Referral UK schemas are not at {COMPILED}")
    cache: dict[str, Any] = {}

    def errors(name: str, instance: Any) -> list[str]:
        if name not in cache:
            cache[name] = _validator(name)
        return [f"{e.json_path}: {e.message}" for e in cache[name].iter_errors(instance)]

    return errors


@pytest.fixture(scope="session")
def oruk_page_errors() -> Callable[[Any], list[str]]:
    """Every error of a paged answer against the profile's ``Page`` (``openapi.json``
    ``components.schemas.Page``), with its fields required: the profile lists them all."""
    document = json.loads((COMPILED.parent / "openapi.json").read_text())
    page = dict(document["components"]["schemas"]["Page"])
    page["required"] = list(page["properties"])
    validator = Draft202012Validator(page)
    return lambda instance: [e.message for e in validator.iter_errors(instance)]
