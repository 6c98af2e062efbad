"""The directory of education settings the intake chooses a child's school from.

The directory belongs to ``schools``, a context above this one (pyproject.toml's layers),
so it registers itself here when it starts (``SETTING_DIRECTORIES``); the intake asks
through ``setting_choices`` and ``setting_named`` and never imports it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


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


def setting_choices() -> list[SettingChoice]:
    return [choice for directory in SETTING_DIRECTORIES for choice in directory()]


def setting_named(urn: str) -> SettingChoice | None:
    """The open setting with this URN, or ``None``."""
    for lookup in SETTING_LOOKUPS:
        if (found := lookup(urn)) is not None:
            return found
    return None
