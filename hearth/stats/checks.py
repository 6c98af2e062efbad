"""A start-up check (``manage.py check``): the deployment's disclosure control names a
preset that exists, so no statistics page is ever served under rules nobody chose."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from hearth.stats.disclosure import PRESETS


@register()
def disclosure_preset(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    name = str(getattr(settings, "HEARTH_STATS_DISCLOSURE", "dfe")).lower()
    if name in PRESETS:
        return []
    return [
        Error(
            f"HEARTH_STATS_DISCLOSURE is {name!r}: it must be one of {', '.join(sorted(PRESETS))}.",
            id="hearth.stats.E001",
        )
    ]
