"""Predicates over an ``Actor`` shared by every context's ``rules.py``."""

from __future__ import annotations

import rules

from hearth.core.actor import Actor, Role


@rules.predicate
def is_administrator(actor: Actor | None) -> bool:
    return actor is not None and actor.has_role(Role.ADMINISTRATOR)
