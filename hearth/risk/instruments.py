"""Risk instruments as data: versioned checklists shipped as JSON, with licensed wording
loaded from a file each deployment supplies.

The DASH and SafeLives RIC wording is copyrighted (domain.md §1.1: "Please do not
reproduce without permission"), so Hearth ships only each item's stable ``key``, its
number, section, a short neutral ``label`` and flags (child-related, which supplementary
set it triggers). A deployment that holds a licence supplies the wording in a JSON file:

```json
{"instrument": "police_dash", "version": "2009",
 "items": {"current_injury": "<the licensed question text>", ...}}
```

Every key of the instrument, its supplementary items included, must be present, and no
other key: ``load_wording`` checks the file against the instrument and raises
``WordingMismatch`` naming what is missing or extra, without changing anything. A new
version of an instrument is a new JSON file in ``hearth/risk/instruments/`` (or
``HEARTH_RISK_INSTRUMENTS_DIR``): no code changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

SHIPPED = Path(__file__).resolve().parent / "instruments"


class InstrumentError(ValueError):
    """An instrument or wording file is not what Hearth expects."""


class WordingMismatch(InstrumentError):
    """A wording file does not match its instrument's items."""


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    number: int | None = None
    section: str = ""
    child_related: bool = False
    triggers: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Instrument:
    key: str
    version: str
    title: str
    source: str
    sections: tuple[Section, ...]
    supplementary: dict[str, Section] = field(default_factory=dict)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for s in self.sections for i in s.items)

    @property
    def all_keys(self) -> frozenset[str]:
        keys = {i.key for i in self.items}
        keys |= {i.key for s in self.supplementary.values() for i in s.items}
        return frozenset(keys)

    @property
    def label(self) -> str:
        return f"{self.key} v{self.version}"


def parse_instrument(data: dict[str, Any]) -> Instrument:
    """Build an instrument from its JSON, checking its shape."""
    try:
        items = [Item(**item) for item in data["items"]]
        by_section: dict[str, list[Item]] = {}
        for item in items:
            by_section.setdefault(item.section, []).append(item)
        known = [s["key"] for s in data["sections"]]
        if unknown := set(by_section) - set(known):
            raise InstrumentError(f"Items name unknown sections: {sorted(unknown)}")
        sections = tuple(
            Section(s["key"], s["title"], tuple(by_section.get(s["key"], [])))
            for s in data["sections"]
            if by_section.get(s["key"])
        )
        supplementary = {
            key: Section(key, value["title"], tuple(Item(**i) for i in value["items"]))
            for key, value in data.get("supplementary", {}).items()
        }
        instrument = Instrument(
            key=data["instrument"],
            version=str(data["version"]),
            title=data["title"],
            source=data.get("source", ""),
            sections=sections,
            supplementary=supplementary,
        )
    except (KeyError, TypeError) as error:
        raise InstrumentError(f"Not a valid instrument definition: {error}") from error
    keys = [i.key for i in instrument.items]
    if len(keys) != len(set(keys)):
        raise InstrumentError(f"{instrument.label} repeats an item key")
    if bad := {i.triggers for i in instrument.items if i.triggers} - set(supplementary):
        raise InstrumentError(f"{instrument.label} triggers unknown sets: {sorted(bad)}")
    return instrument


@cache
def shipped_instruments() -> dict[tuple[str, str], Instrument]:
    """Every instrument version shipped with Hearth, by (key, version)."""
    found = {}
    for path in sorted(SHIPPED.glob("*.json")):
        instrument = parse_instrument(json.loads(path.read_text(encoding="utf-8")))
        found[(instrument.key, instrument.version)] = instrument
    return found


def instrument(key: str, version: str | None = None) -> Instrument:
    """An instrument by key, at ``version`` or its latest version."""
    versions = {v: i for (k, v), i in shipped_instruments().items() if k == key}
    if not versions:
        raise InstrumentError(f"No instrument called {key!r}")
    if version is None:
        return versions[max(versions)]
    if version not in versions:
        raise InstrumentError(f"{key!r} has no version {version!r}")
    return versions[version]


def load_wording(path: Path) -> tuple[Instrument, dict[str, str]]:
    """Read a deployment's wording file and check it against its instrument.

    Returns the instrument and the wording by item key. Raises ``WordingMismatch`` (or
    ``InstrumentError`` for a file that is not a wording file) and changes nothing."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        target = instrument(data["instrument"], str(data["version"]))
        wording = data["items"]
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as error:
        raise InstrumentError(f"{path} is not a wording file: {error}") from error
    if not isinstance(wording, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in wording.items()
    ):
        raise WordingMismatch(f"{path}: 'items' must map each item key to its wording")
    missing = sorted(target.all_keys - set(wording))
    extra = sorted(set(wording) - target.all_keys)
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {len(missing)}: {', '.join(missing)}")
        if extra:
            parts.append(f"not in the instrument: {', '.join(extra)}")
        raise WordingMismatch(f"{path} does not match {target.label} ({'; '.join(parts)})")
    return target, dict(wording)
