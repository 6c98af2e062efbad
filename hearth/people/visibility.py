"""Who may see a person: whoever has a legitimate relationship through a record that
names them (architecture §4; docs/access.md), never the agency that recorded them alone.

``people`` is below the contexts whose records name a person (incidents, risk), so it
cannot ask them itself (pyproject.toml's layers). Each of them registers, from its
``AppConfig.ready``, a *source*: a function of the actor that returns the ids of the
people its records visible to that actor name, as a ``values()`` queryset of one
column (a subquery, never a list). ``Person.objects.visible_to(actor)`` is the union
of every source, so a person's page follows exactly the incidents (and the checklists)
that name them: a response officer sees the people of their own incidents, not every
person their force has recorded.

The union is one ``pk IN (a UNION b ...)`` subquery: each branch can use its own index,
which ``OR`` between subqueries cannot (docs/stack.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from hearth.core.actor import Actor

# The ids of the people an actor may see through one kind of record.
PersonSource = Callable[[Actor], QuerySet[Any]]

_SOURCES: dict[str, PersonSource] = {}


def person_source_register(name: str, source: PersonSource) -> None:
    """Add (or replace, by ``name``: ``ready`` may run more than once) a source."""
    _SOURCES[name] = source


def person_ids_visible_to(actor: Actor) -> QuerySet[Any] | None:
    """One subquery of the ids of every person the actor may see, or ``None`` when no
    source says anyone (no source registered)."""
    parts = [source(actor).order_by() for source in _SOURCES.values()]
    if not parts:
        return None
    first, *others = parts
    return first.union(*others) if others else first
