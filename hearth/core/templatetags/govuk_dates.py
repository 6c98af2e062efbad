"""Template filters for GOV.UK dates and times (``hearth.core.dates``), built into every
template (settings ``TEMPLATES`` ``builtins``): ``{{ when|govuk_datetime }}``,
``{{ when|govuk_datetime:"short" }}``, ``{{ day|govuk_date }}``,
``{{ day|govuk_date:"weekday" }}``, ``{{ day|govuk_date:"short" }}``,
``{{ day|govuk_date:"weekday short" }}``, ``{{ when|govuk_time }}``.
Empty values give an empty string."""

from __future__ import annotations

import datetime as dt

from django import template

from hearth.core import dates

register = template.Library()


@register.filter
def govuk_time(value: dt.datetime | dt.time | None) -> str:
    return dates.govuk_time(value) if value else ""


@register.filter
def govuk_date(value: dt.date | None, style: str = "") -> str:
    if not value:
        return ""
    styles = style.split()
    return dates.govuk_date(value, weekday="weekday" in styles, short="short" in styles)


@register.filter
def govuk_datetime(value: dt.datetime | None, style: str = "") -> str:
    if not value:
        return ""
    return dates.govuk_datetime(value, short=style == "short")
