"""Object rules for accounts (django-rules predicates over an ``Actor``)."""

from __future__ import annotations

import rules

from hearth.accounts.models import Agency
from hearth.core.actor import Actor, Role


@rules.predicate
def administers(actor: Actor | None, agency: Agency) -> bool:
    """An agency's set-up is changed by its own administrators or the service operator's."""
    if actor is None:
        return False
    if actor.is_host_administrator:
        return True
    return actor.agency_id == agency.pk and actor.has_role(Role.ADMINISTRATOR)


rules.add_rule("accounts.change_agency_setup", administers)
