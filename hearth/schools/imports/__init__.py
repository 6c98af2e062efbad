"""Importing education settings from the DfE's GIAS register, and term dates.

- ``report``: ``Problem`` and ``ImportReport`` (pure), and ``decode_text``, which reads a
  file in its declared or detected encoding (UTF-8, UTF-16 or UTF-32 with a byte order
  mark, Windows code page 1252) only when the whole file decodes, and otherwise raises
  ``UnreadableText`` naming the line and byte;
- ``gias``: reading and checking a "Get Information About Schools" establishment CSV
  (pure);
- ``terms``: reading and checking term dates and INSET days from CSV or ICS (pure);
- ``services``: ``gias_import``, ``term_calendar_ensure`` and ``term_dates_import``,
  which apply a checked file all or nothing, idempotently, with timeline events.

The commands ``import_schools`` and ``import_term_dates`` call the services.
"""

from __future__ import annotations

from hearth.schools.imports.report import ImportReport, Problem, UnreadableText, decode_text
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
    "UnreadableText",
    "decode_text",
    "gias_import",
    "term_calendar_ensure",
    "term_dates_import",
]
