"""Changing the directory of education settings, their safeguarding leads and their term
calendars (the service operator's administrators; issue 6 points 1 and 2).

Invariants:

- only the service operator's administrators change any of it (``schools.manage``),
  anyone else is refused with ``NotPermitted``: where a notification goes and when it is
  due are configuration, not something a school or a force sets for itself;
- each change is one transaction with one timeline event on what changed (the setting or
  the calendar); the event's payload holds ids, codes and dates, never a person's name;
- a setting's organisation and its trust are school-or-college agencies; its DSL team is
  a school safeguarding team of one of them (domain.md §3.2: the notification goes to
  "the school's Designated Safeguarding Lead");
- a contact (DSL or deputy) is a person with a current membership in the setting's own
  organisation, at most once at a time; ending a contact keeps the row (who was the DSL
  when a notification was escalated stays answerable);
- a term calendar belongs to one local authority or to one setting, never both, and each
  has at most one; terms never overlap and end on or after the day they start; an INSET
  day is a weekday inside a term;
- every change to a calendar or its dates adds 1 to its version in the same transaction,
  so a due time stamped with ``TermCalendar.stamp`` names the dates that produced it
  (style.md §11); a calendar is locked while it changes, so two changes cannot both read
  the same version.
"""

from hearth.schools.services._common import (  # noqa: F401
    EARLIEST_DAY_START,
    LATEST_DAY_START,
    long_date,
)
from hearth.schools.services.calendars import *  # noqa: F403
from hearth.schools.services.settings import *  # noqa: F403
