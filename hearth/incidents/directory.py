"""The directory of education settings the intake chooses a child's school from.

The directory belongs to ``schools``, a context above this one (pyproject.toml's layers),
so it registers itself here when it starts (``SETTING_DIRECTORIES``); the intake asks
through ``setting_choices`` and ``setting_named`` and never imports it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SettingChoice:
    urn: str
    name: str
    local_authority: str  # the setting's local authority, to tell same-named schools apart

    @property
    def label(self) -> str:
        return f"{self.name}, {self.local_authority} (URN {self.urn})"


# Each returns the open settings a child may be registered at, in name order.
SETTING_DIRECTORIES: list[Callable[[], list[SettingChoice]]] = []
# Each finds one open setting by its URN (one query, not the whole directory).
SETTING_LOOKUPS: list[Callable[[str], SettingChoice | None]] = []
# Each finds the open settings of many URNs in one query (a page of children's records).
SETTING_MANY_LOOKUPS: list[Callable[[set[str]], dict[str, SettingChoice]]] = []


def setting_choices() -> list[SettingChoice]:
    return [choice for directory in SETTING_DIRECTORIES for choice in directory()]


def setting_named(urn: str) -> SettingChoice | None:
    """The open setting with this URN, or ``None``."""
    for lookup in SETTING_LOOKUPS:
        if (found := lookup(urn)) is not None:
            return found
    return None


def settings_named(urns: set[str]) -> dict[str, SettingChoice]:
    """The open settings with these URNs, by URN (those not found are left out)."""
    found: dict[str, SettingChoice] = {}
    for lookup in SETTING_MANY_LOOKUPS:
        found.update(lookup(urns - set(found)))
    return found


SETTINGS_READ = "_settings_read"


def setting_choices_of(involvements: list[Any]) -> None:
    """Read the settings a page of involvements names in one query, for ``education``."""
    read = settings_named(
        {i.education_setting_urn for i in involvements if i.education_setting_urn}
    )
    for involvement in involvements:
        involvement.__dict__[SETTINGS_READ] = read
