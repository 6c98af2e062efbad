"""Reading what children said. Invariants:

- a child's entries are read only by whoever may see the child
  (``hearth.specialist.selectors.child_visible_to``: a record naming them, or an obligation
  about them the actor may see); anyone else gets ``NotFound``, as for a missing child;
- every read that returns entries writes one access event naming the entries and the
  children; their words are never logged (the access event names records, not text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from hearth.audit.models import AccessAction
from hearth.audit.services import access_record
from hearth.core.actor import Actor
from hearth.core.errors import NotFound
from hearth.people.models import Person
from hearth.specialist.selectors import child_visible_to
from hearth.voices.models import VoiceEntry


@dataclass(frozen=True)
class VoiceView:
    """One entry, as the child's pages, the family plan's reviews and the API show it."""

    id: int
    child_id: int
    seen_on: dt.date
    where: str
    present: str
    alone: bool
    said: str
    how_they_are: str
    agency_name: str
    team_name: str
    recorded_by_name: str
    recorded_at: dt.datetime
    corrects_id: int | None


def _view(entry: VoiceEntry) -> VoiceView:
    user = entry.recorded_by
    return VoiceView(
        id=entry.pk,
        child_id=entry.child_id,
        seen_on=entry.seen_on,
        where=entry.where,
        present=entry.present,
        alone=entry.seen_alone,
        said=entry.said,
        how_they_are=entry.how_they_are,
        agency_name=entry.agency.name,
        team_name=entry.team.name if entry.team else "",
        recorded_by_name=(user.get_full_name() or user.get_username()) if user else "",
        recorded_at=entry.created_at,
        corrects_id=entry.corrects_id,
    )


def _read(
    actor: Actor,
    children: list[Person],
    purpose: str,
    since: dt.date | None,
    *,
    always: bool = False,
    limit: int | None = None,
) -> list[VoiceView]:
    qs = VoiceEntry.objects.select_related("agency", "team", "recorded_by").filter(
        child_id__in=[c.pk for c in children]
    )
    if since is not None:
        qs = qs.filter(seen_on__gte=since)
    qs = qs.order_by("-seen_on", "-created_at", "-id")
    entries = list(qs[:limit] if limit is not None else qs)
    if entries or always:
        named = {e.child_id for e in entries}
        access_record(
            actor=actor,
            action=AccessAction.READ if len(children) == 1 else AccessAction.SEARCH,
            purpose=purpose,
            records=[*entries, *[c for c in children if always or c.pk in named]],
            result_count=len(entries),
        )
    return [_view(e) for e in entries]


@dataclass(frozen=True)
class ChildVoice:
    child: Person
    entries: list[VoiceView]  # newest first


def voice_child_for(
    *, actor: Actor, child_id: int, purpose: str = "Record what a child said"
) -> Person:
    """The child, for recording what they said (``NotFound`` unless the actor may see
    them); the read of their name is logged."""
    child = child_visible_to(actor, child_id)
    access_record(actor=actor, action=AccessAction.READ, purpose=purpose, records=[child])
    return child


def voices_for_child(
    *,
    actor: Actor,
    child_id: int,
    purpose: str = "View what a child said",
    limit: int | None = None,
    log_empty: bool = True,
) -> ChildVoice:
    """Every entry about the child, newest first (``limit`` for a short list elsewhere).
    The read is logged even when there is none (the page names the child), unless
    ``log_empty`` is false: a section of another page, which logs its own read."""
    child = child_visible_to(actor, child_id)
    entries = _read(actor, [child], purpose, None, always=log_empty, limit=limit)
    return ChildVoice(child, entries)


def voices_for(
    *,
    actor: Actor,
    child_ids: Iterable[int],
    since: dt.date | None = None,
    purpose: str = "View what the children said",
) -> list[VoiceView]:
    """The entries about each of these children the actor may see (children it may not
    see are left out, silently), seen on or after ``since`` when given, newest first: for
    the family plan's reviews. One access event for all of them."""
    children: list[Person] = []
    for child_id in sorted(set(child_ids)):
        try:
            children.append(child_visible_to(actor, child_id))
        except NotFound:
            continue
    if not children:
        return []
    return _read(actor, children, purpose, since)
