"""CSV files people open in a spreadsheet: a field that starts like a formula is made
text, so a spreadsheet never runs it (OWASP "CSV injection"; stack.md: escape = + - @,
tab and carriage return yourself, django-import-export only strips =). One rule for every
export (the statistics, the access log)."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # so a spreadsheet reads the file as UTF-8


def escape(field: str) -> str:
    """``field`` as text a spreadsheet shows and never evaluates: a leading apostrophe
    where it starts like a formula."""
    return f"'{field}" if field.startswith(FORMULA_STARTS) else field
