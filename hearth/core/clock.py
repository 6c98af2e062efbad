"""The one clock. Business code asks ``now()``; tests freeze it with time-machine.

Rules are evaluated in Europe/London (architecture.md §6); ``now()`` is time-zone aware.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


def now() -> dt.datetime:
    """The current time, aware, in UTC."""
    return timezone.now()


def local_now() -> dt.datetime:
    """The current time in Europe/London, where deadlines and working days are counted."""
    return now().astimezone(LONDON)
