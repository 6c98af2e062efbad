"""Importing education settings from the DfE's GIAS register, and term dates.

- ``report``: ``Problem`` and ``ImportReport`` (pure), and ``decode_text`` for files
  saved as UTF-8 or Windows code page 1252;
- ``gias``: reading and checking a "Get Information About Schools" establishment CSV
  (pure);
- ``terms``: reading and checking term dates and INSET days from CSV or ICS (pure);
- ``services``: ``gias_import``, ``term_calendar_ensure`` and ``term_dates_import``,
  which apply a checked file all or nothing, idempotently, with timeline events.

The commands ``import_schools`` and ``import_term_dates`` call the services.
"""

from __future__ import annotations

from hearth.schools.imports.report import ImportReport, Problem, decode_text
from hearth.schools.imports.services import (
    GiasReport,
    TermReport,
    gias_import,
    term_calendar_ensure,
    term_dates_import,
)

__all__ = [
    "GiasReport",
    "ImportReport",
    "Problem",
    "TermReport",
    "decode_text",
    "gias_import",
    "term_calendar_ensure",
    "term_dates_import",
]
