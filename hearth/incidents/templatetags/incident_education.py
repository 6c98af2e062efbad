"""How a child's education reads on a page: ``{{ inv|education }}``, for example
"Registered at a school, nursery or college: Ashcombe Primary School, Northshire
(URN 900001)"."""

from __future__ import annotations

from django import template

from hearth.incidents.directory import SETTINGS_READ, setting_named
from hearth.incidents.models import ChildInvolvement

register = template.Library()


def setting_text(involvement: ChildInvolvement) -> str:
    """The setting chosen from the directory, by its name, local authority and URN; one the
    directory no longer lists (closed, say) by the name given and its URN; else the name
    given."""
    urn, name = involvement.education_setting_urn, involvement.education_setting
    if not urn:
        return name
    # A page of records reads its settings at once (``setting_choices_of``); else one read.
    read = involvement.__dict__.get(SETTINGS_READ)
    chosen = read.get(urn) if read is not None else setting_named(urn)
    if chosen is not None:
        return chosen.label
    return f"{name} (URN {urn})" if name else f"URN {urn}"


@register.filter
def education(involvement: ChildInvolvement) -> str:
    setting = setting_text(involvement)
    status = involvement.get_education_display()
    return f"{status}: {setting}" if setting else status
