"""Who may change the directory of education settings and their term calendars
(django-rules predicates over an ``Actor``).

- ``schools.manage``: the service operator's administrators only. Settings, their links
  to Hearth agencies and teams, their DSL contacts and every term calendar are
  configuration that decides where Operation Encompass notifications go and when they
  are due (issue 6 points 1 and 2), so one desk keeps them; an agency's own
  administrator manages its people, not the routing.
"""

from __future__ import annotations

import rules

from hearth.core.actor import Actor


@rules.predicate
def is_host_administrator(actor: Actor | None) -> bool:
    return actor is not None and actor.is_host_administrator


rules.add_rule("schools.manage", is_host_administrator)
