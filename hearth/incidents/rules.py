"""Who may change an incident or concern (django-rules predicates over an ``Actor``)."""

from __future__ import annotations

import rules

from hearth.core.actor import Actor
from hearth.incidents.models import FORCE_WIDE_ROLES, Incident


@rules.predicate
def may_change_incident(actor: Actor | None, incident: Incident) -> bool:
    """The person who recorded it, or a force-wide role (public protection) of the same
    agency; an agency system may change what it sent itself."""
    if actor is None or incident.recorded_by_agency_id != actor.agency_id:
        return False
    if actor.user_id is not None and incident.recorded_by_id == actor.user_id:
        return True
    if actor.user_id is None and incident.recorded_by_id is None:
        return True
    return actor.has_role(*FORCE_WIDE_ROLES)


rules.add_rule("incidents.change_incident", may_change_incident)
