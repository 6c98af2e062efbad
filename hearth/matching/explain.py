"""A score in words: the short reasons and the line-by-line explanation of a candidate.

``explanation`` is one line per comparison that had something to compare ("Family name:
the same, but common here — weaker evidence"); a field recorded on only one side says
so. ``reasons`` is the short summary that the intake page and older callers show ("Same
name", "Same other name", "Date of birth with day and month swapped"). Pure.
"""

from __future__ import annotations

from hearth.matching.model import Score

_DOB_REASONS = {
    "exact": "Same date of birth",
    "swapped": "Date of birth with day and month swapped",
    "year": "Date of birth a year out",
    "one_field": "Date of birth with one part different",
}


def explanation(score: Score) -> tuple[str, ...]:
    """Plain words, strongest evidence first; fields not recorded on both sides last."""
    compared = [e for e in score.evidence if e.level != "null"]
    missing = [e.comparison for e in score.evidence if e.level == "null"]
    lines = [e.words for e in sorted(compared, key=lambda e: -abs(e.weight))]
    if missing:
        lines.append("Not recorded on both, so not compared: " + ", ".join(missing).lower())
    return tuple(lines)


def reasons(score: Score) -> tuple[str, ...]:
    levels = {e.comparison: e.level for e in score.evidence}
    given, family = levels.get("Given names"), levels.get("Family name")
    found: list[str] = []
    if levels.get("NHS number") == "exact":
        found.append("Same NHS number")
    if levels.get("Unique pupil number") == "exact":
        found.append("Same unique pupil number")
    if family == "exact" and given == "exact":
        found.append("Same name")
    elif family == "other" and given in ("exact", "first"):
        found.append("Same other name")
    elif family == "exact" and given == "first":
        found.append("Same family name and first name (name)")
    elif family == "exact":
        found.append("Same family name")
    elif given == "exact":
        found.append("Same given names")
    if given == "nickname":
        found.append("Given name a short form of the same name")
    if family == "part":
        found.append("Part of a double family name matches")
    if dob := _DOB_REASONS.get(levels.get("Date of birth", "")):
        found.append(dob)
    return tuple(found)
