"""The one clock. Business code asks ``now()``; tests freeze it with time-machine.

Rules are evaluated in Europe/London (architecture.md §6); ``now()`` is time-zone aware.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


# Set only while the demo seed replays its made-up history (``replaying_at``).
_replayed: ContextVar[dt.datetime | None] = ContextVar("hearth_replayed_time", default=None)


def now() -> dt.datetime:
    """The current time, aware, in UTC."""
    return _replayed.get() or timezone.now()


@contextmanager
def replaying_at(moment: dt.datetime) -> Iterator[None]:
    """Make ``now()`` answer ``moment`` inside the block: for the Wessex demo seed only,
    which records its fictional incidents at the times they happened so that their
    deadlines, timelines and overdue work look as they would have. Never used while
    serving a request."""
    if moment.tzinfo is None:
        raise ValueError("Replay at an aware time")
    token = _replayed.set(moment.astimezone(dt.UTC))
    try:
        yield
    finally:
        _replayed.reset(token)


def local_now() -> dt.datetime:
    """The current time in Europe/London, where deadlines and working days are counted."""
    return now().astimezone(LONDON)
