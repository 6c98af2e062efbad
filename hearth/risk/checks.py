"""A deployment's licensed wording files must match their instruments: checked whenever
Django starts (``manage.py check``, runserver, gunicorn via migrate), failing clearly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from hearth.risk.instruments import InstrumentError, load_wording


@register()
def risk_wording_files(app_configs: Any, **kwargs: Any) -> list[Error]:
    problems = []
    for path in getattr(settings, "HEARTH_RISK_WORDING_FILES", []):
        try:
            load_wording(Path(path))
        except InstrumentError as error:
            problems.append(Error(str(error), id="hearth.E101"))
    return problems
