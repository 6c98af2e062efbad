"""The licensed wording of each instrument, if this deployment supplies it.

``settings.HEARTH_RISK_WORDING_FILES`` lists wording files (format: ``instruments.py``).
Each is checked against its instrument by ``load_wording``, once per process; a file
that does not match fails loudly rather than show the wrong question. Without wording
the pages show each item's neutral label.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings

from hearth.risk.instruments import Instrument, load_wording


@cache
def _loaded(paths: tuple[str, ...]) -> dict[tuple[str, str], dict[str, str]]:
    found = {}
    for path in paths:
        used, wording = load_wording(Path(path))
        found[(used.key, used.version)] = wording
    return found


def wording_for(used: Instrument) -> dict[str, str]:
    """The wording by item key for ``used``, or ``{}`` when none is supplied."""
    paths = tuple(str(p) for p in getattr(settings, "HEARTH_RISK_WORDING_FILES", ()) or ())
    return _loaded(paths).get((used.key, used.version), {})
