"""What the incident's forms share: times as people type them, a stored record's values as
a form's initial answers, and the fields several pages build the same way."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms

from hearth.core import clock
from hearth.people.forms import yes_no_initial

# --- Times --------------------------------------------------------------------------------

_TIME = re.compile(r"^(\d{1,2})(?:[:.]?(\d{2}))?(am|pm)?$")


def parse_time(text: str) -> dt.time | None:
    """A time as people type it: 22:40, 22.40, 2240, 10:40pm, 10pm, midday, midnight."""
    compact = text.strip().lower().replace(" ", "")
    if compact in {"midday", "noon", "12noon"}:
        return dt.time(12, 0)
    if compact == "midnight":
        return dt.time(0, 0)
    match = _TIME.match(compact)
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match[2] is None:
        return None  # "10" alone could be morning or night
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def local_date_and_time(value: dt.datetime | None) -> tuple[dt.date | None, str]:
    """A stored moment as the date and the time (``22:40``) in London."""
    if value is None:
        return None, ""
    local = value.astimezone(clock.LONDON)
    return local.date(), local.strftime("%H:%M")


class InitialFrom:
    """``initial_from(record)``: the form's fields as stored, yes/no answers as radios."""

    base_fields: dict[str, forms.Field]

    @classmethod
    def initial_from(cls, record: object) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for name, field in cls.base_fields.items():
            if not hasattr(record, name):
                continue
            value = getattr(record, name)
            is_yes_no = isinstance(field, forms.TypedChoiceField) and isinstance(
                field.widget, forms.RadioSelect
            )
            if is_yes_no and (value is None or isinstance(value, bool)):
                value = yes_no_initial(value)
            initial[name] = value
        return initial


def time_field(label: str) -> forms.CharField:
    """A time typed as people say it (``parse_time``)."""
    return forms.CharField(
        label=label,
        help_text="Use the 24-hour clock or am and pm, for example 22:40 or 10:40pm",
        max_length=10,
        required=False,
    )


def text_area(label: str, *, rows: int, help_text: str = "") -> forms.CharField:
    """An optional answer in the person's own words, in a box ``rows`` lines high."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
    )
