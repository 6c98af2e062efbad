"""Dates and times in GOV.UK style, one style everywhere (issue 17; GOV.UK style guide,
"Dates" and "Times").

- A time: ``8:45am``, ``5pm`` (no ``:00``), ``midday``, ``midnight``; never ``a.m.`` or
  a 24-hour clock.
- A date: ``7 December 2026`` (no leading zero), with its weekday when the day matters:
  ``Monday 7 December 2026``.
- A moment: ``8:45am on Monday 7 December 2026``.

Aware datetimes are shown in London time (architecture.md: time). Pure: no database, no
settings; the template filters in ``templatetags/govuk_dates.py`` wrap these.
"""

from __future__ import annotations

import datetime as dt

from hearth.core.clock import LONDON


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(LONDON) if moment.tzinfo is not None else moment


def govuk_time(moment: dt.datetime | dt.time) -> str:
    """``8:45am``, ``5pm``, ``midday``, ``midnight``."""
    if isinstance(moment, dt.datetime):
        moment = _local(moment).time()
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    if moment.hour == 12 and moment.minute == 0:
        return "midday"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{suffix}"


def govuk_date(day: dt.date | dt.datetime, *, weekday: bool = False, short: bool = False) -> str:
    """``7 December 2026``; ``Monday 7 December 2026`` with ``weekday``; ``7 Dec 2026``
    with ``short`` (tables, where space is tight), ``Mon 7 Dec 2026`` with both."""
    if isinstance(day, dt.datetime):
        day = _local(day).date()
    month = f"{day:%b}" if short else f"{day:%B}"
    text = f"{day.day} {month} {day.year}"
    if not weekday:
        return text
    return f"{day:%a} {text}" if short else f"{day:%A} {text}"


def govuk_datetime(moment: dt.datetime, *, weekday: bool = True, short: bool = False) -> str:
    """``8:45am on Monday 7 December 2026`` (``short``: ``8:45am on 7 Dec 2026``)."""
    local = _local(moment)
    day = govuk_date(local.date(), weekday=weekday and not short, short=short)
    return f"{govuk_time(local)} on {day}"
