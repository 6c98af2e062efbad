"""What an import found: counts, problems (which stop it) and warnings (which do not).

Pure: plain dataclasses, no ORM. A problem names the line of the file as a person would
count it (the header is line 1) and, for a CSV, the column, and says what is wrong in
GOV.UK-style plain words: ``Line 4: the URN must be 5 to 8 digits``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """Something wrong in the file. ``line`` is ``None`` for the file as a whole."""

    message: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}" if self.line else _capital(self.message)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass
class ImportReport:
    """Problems mean nothing was imported (every import is all or nothing); warnings are
    for a person to look at but did not stop it."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, message: str, line: int | None = None, column: str | None = None) -> None:
        self.problems.append(Problem(message=message, line=line, column=column))

    def warn(self, message: str, line: int | None = None, column: str | None = None) -> None:
        self.warnings.append(Problem(message=message, line=line, column=column))


def long_date(day: dt.date) -> str:
    """GOV.UK style: 1 September 2025."""
    return f"{day.day} {day:%B %Y}"


def decode_text(data: bytes) -> str:
    """A file's text: UTF-8 (with or without a byte order mark) or, failing that, Windows
    code page 1252, which is how the GIAS extract is usually saved (Excel on Windows).
    cp1252 leaves five bytes undefined; Latin-1 reads those, so no file is refused here."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")
