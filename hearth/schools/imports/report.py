"""What an import found: counts, problems (which stop it) and warnings (which do not).

Pure: plain dataclasses, no ORM. A problem names the line of the file as a person would
count it (the header is line 1) and, for a CSV, the column, and says what is wrong in
GOV.UK-style plain words: ``Line 4: the URN must be 5 to 8 digits``.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
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


class UnreadableText(Exception):
    """A file whose bytes are not text in its (declared or detected) encoding."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


# Byte order marks, longest first (UTF-32 LE's begins with UTF-16 LE's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# A character of two or more bytes, well formed in UTF-8: a file with any is UTF-8, so a
# byte that is not is a fault in it, never a sign of another encoding.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "Windows-1252", "utf-16": "UTF-16"}


def encoding_name(encoding: str) -> str:
    """An encoding as people call it: UTF-8, Windows-1252."""
    name = codecs.lookup(encoding).name
    return _NAMES.get(name, name.upper())


def detect_encoding(data: bytes) -> str:
    """The file's encoding: the one its byte order mark names (UTF-8, UTF-16, UTF-32);
    else UTF-8 when the file has any UTF-8 character of two or more bytes (so a byte
    that is not UTF-8 is a fault in it, refused by ``decode_text``) or is all ASCII;
    else Windows code page 1252, how Excel on Windows saves the GIAS extract.

    UTF-16 without a byte order mark is named, not guessed: its text would read as
    UTF-8 with a NUL byte between each letter."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    sample = data[:4096]
    half = len(sample) // 2
    if half and max(sample[0::2].count(0), sample[1::2].count(0)) > half * 0.3:
        raise UnreadableText(
            Problem(
                "the file looks like UTF-16 without a byte order mark: save it as UTF-8 "
                "(or give its encoding, utf-16-le or utf-16-be)"
            )
        )
    if data.isascii() or _UTF8_SEQUENCE.search(data):
        return "utf-8"
    return "cp1252"


def decode_text(data: bytes, encoding: str | None = None) -> str:
    """A file's text, in its declared ``encoding`` or else the detected one
    (``detect_encoding``), only when the whole file decodes in it: otherwise
    ``UnreadableText`` names the line and the byte that does not (nothing is read as
    something else, which would change every accented name). A NUL character is refused
    too: no text file holds one, and the database cannot store it."""
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UnreadableText(Problem(f"there is no encoding called ‘{encoding}’")) from None
    used = encoding or detect_encoding(data)
    try:
        text = data.decode(used)
    except UnicodeDecodeError as error:
        line = data[: error.start].decode(used, errors="replace").count("\n") + 1
        bad = data[error.start : max(error.end, error.start + 1)]
        raise UnreadableText(
            Problem(
                f"byte {error.start + 1:,} of the file ({' '.join(f'0x{b:02X}' for b in bad)}) "
                f"cannot be read as {encoding_name(used)}"
                + ("" if encoding else ", though the rest of the file is")
                + ". Save the file as UTF-8, or give its encoding",
                line=line,
            )
        ) from None
    if (nul := text.find("\x00")) >= 0:
        raise UnreadableText(
            Problem(
                "the file has a NUL character, so it is not a text file in "
                f"{encoding_name(used)}: give its encoding if it is another",
                line=text.count("\n", 0, nul) + 1,
            )
        )
    return text.removeprefix("\ufeff")
