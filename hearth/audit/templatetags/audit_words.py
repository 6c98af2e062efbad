"""The access log's words: a record type ("people.person") as its kind ("Person")."""

from __future__ import annotations

from django import template

from hearth.audit.selectors import record_kind as _record_kind

register = template.Library()


@register.filter
def record_kind(label: str) -> str:
    return _record_kind(label)
