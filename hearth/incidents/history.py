"""An incident's history as its page shows it (issue 17): one entry for each run of the
same change by the same person, with every time it was saved behind "Show each save",
so recording three children through seven pages each reads as one entry, not twenty-one.

Pure: it groups the timeline events it is given (newest first) and reads nothing more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HistoryEntry:
    """Consecutive events with the same summary by the same person, newest first."""

    events: tuple[Any, ...]

    @property
    def latest(self) -> Any:
        return self.events[0]

    @property
    def earliest_at(self) -> dt.datetime:
        return self.events[-1].at

    @property
    def saves(self) -> int:
        return len(self.events)


def history_grouped(events: list[Any]) -> list[HistoryEntry]:
    """``events`` (newest first) grouped: each entry is a run of the same ``summary`` by
    the same user, agency system or Hearth itself, unbroken by any other event."""
    entries: list[list[Any]] = []
    for event in events:
        key = (event.summary, event.actor_user_id, event.actor_api_key_id)
        if entries:
            last = entries[-1][0]
            if (last.summary, last.actor_user_id, last.actor_api_key_id) == key:
                entries[-1].append(event)
                continue
        entries.append([event])
    return [HistoryEntry(tuple(run)) for run in entries]
