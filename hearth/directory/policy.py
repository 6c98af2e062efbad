"""Pure rules of the directory (no ORM).

- ASSURE-1 v1: an entry should be re-confirmed by its provider within 3 months (Open
  Referral UK's assurance rule: its ``assured_date``; domain.md §11.2). An entry never
  confirmed has lapsed.
"""

from __future__ import annotations

from datetime import date

ASSURANCE_RULE = "ASSURE-1"
ASSURANCE_RULE_VERSION = 1
ASSURANCE_MONTHS = 3  # ORUK: assured within 3 months (domain.md §11.2)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day if shorter)."""
    import calendar

    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def assurance_lapsed(confirmed_on: date | None, today: date) -> bool:
    """ASSURE-1 v1: lapsed when not confirmed on or after the day 3 months before today."""
    if confirmed_on is None:
        return True
    return confirmed_on < months_before(today, ASSURANCE_MONTHS)
