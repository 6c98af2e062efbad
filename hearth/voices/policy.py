"""What makes a record of a child's voice complete (pure: plain data in, errors out).

Issue 14 §4 ("heard after the scene") and domain.md §6.3 (the child's voice: their own
words, where they were seen, who was present and whether they were seen alone, recorded by
whoever sees them). Each check returns the GOV.UK-worded error for the field it concerns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MAX_WHERE = 200
MAX_PRESENT = 300
MAX_SAID = 5000
MAX_HOW = 5000
# How far back a practitioner may record a conversation (a year: older notes belong on
# the agency's own file, with their context).
MAX_DAYS_AGO = 366


@dataclass(frozen=True)
class VoiceInput:
    seen_on: dt.date | None
    where: str
    present: str
    seen_alone: bool | None
    said: str
    how_they_are: str


def voice_problems(data: VoiceInput, *, today: dt.date) -> dict[str, str]:
    """Each field's problem in words, empty when the entry may be recorded."""
    errors: dict[str, str] = {}
    if data.seen_on is None:
        errors["seen_on"] = "Enter the date you saw the child"
    elif data.seen_on > today:
        errors["seen_on"] = "The date you saw the child must be today or in the past"
    elif (today - data.seen_on).days > MAX_DAYS_AGO:
        errors["seen_on"] = "The date you saw the child must be within the last year"
    if not data.where.strip():
        errors["where"] = "Enter where you saw the child"
    elif len(data.where) > MAX_WHERE:
        errors["where"] = f"Where you saw the child must be {MAX_WHERE} characters or fewer"
    if len(data.present) > MAX_PRESENT:
        errors["present"] = f"Who was present must be {MAX_PRESENT} characters or fewer"
    if data.seen_alone is None:
        errors["seen_alone"] = "Select whether you saw the child alone"
    if not data.said.strip() and not data.how_they_are.strip():
        # A baby or a child who did not speak: how they were is still worth recording.
        errors["said"] = "Enter what the child said, or how they are if they did not speak"
    elif len(data.said) > MAX_SAID:
        errors["said"] = f"What the child said must be {MAX_SAID} characters or fewer"
    if len(data.how_they_are) > MAX_HOW:
        errors["how_they_are"] = f"How they are must be {MAX_HOW} characters or fewer"
    return errors
