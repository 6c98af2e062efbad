"""Recording what a child said after the scene (issue 14 §4). One transaction, one
timeline event on the child's record, whose summary carries no free text ("What the child
said recorded"); the words themselves are stored in the entry only, never logged.

An entry is never changed: a correction is a new entry naming the one it corrects.
"""

from __future__ import annotations

import datetime as dt

import structlog
from django.db import transaction

from hearth.audit.services import timeline_record
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.errors import ValidationFailed
from hearth.specialist.selectors import child_visible_to
from hearth.voices import policy
from hearth.voices.models import VoiceEntry

log = structlog.get_logger(__name__)


@transaction.atomic
def voice_record(
    *,
    actor: Actor,
    child_id: int,
    seen_on: dt.date | None,
    where: str,
    seen_alone: bool | None,
    said: str,
    present: str = "",
    how_they_are: str = "",
    corrects_id: int | None = None,
) -> VoiceEntry:
    """Record what the child said and how they are. The actor must be able to see the
    child (``NotFound`` otherwise, as for a missing child); ``ValidationFailed`` names
    each field that is missing or wrong."""
    child = child_visible_to(actor, child_id)
    data = policy.VoiceInput(
        seen_on=seen_on,
        where=where.strip(),
        present=present.strip(),
        seen_alone=seen_alone,
        said=said.strip(),
        how_they_are=how_they_are.strip(),
    )
    errors = policy.voice_problems(data, today=clock.local_now().date())
    corrects = None
    if corrects_id is not None:
        corrects = VoiceEntry.objects.filter(pk=corrects_id, child_id=child.pk).first()
        if corrects is None:
            errors["corrects_id"] = "Select an entry about this child to correct"
    if errors:
        raise ValidationFailed.from_fields({k: [v] for k, v in errors.items()})
    assert data.seen_on is not None and data.seen_alone is not None  # checked above
    team_id = min(actor.team_ids) if actor.team_ids else None
    entry = VoiceEntry.objects.create(
        child=child,
        seen_on=data.seen_on,
        where=data.where,
        present=data.present,
        seen_alone=data.seen_alone,
        said=data.said,
        how_they_are=data.how_they_are,
        corrects=corrects,
        recorded_by_id=actor.user_id,
        agency_id=actor.agency_id,
        team_id=team_id,
    )
    timeline_record(
        actor=actor,
        subject=child,
        verb="voice.corrected" if corrects else "voice.recorded",
        summary=("What the child said corrected" if corrects else "What the child said recorded"),
        payload={"entry_id": entry.pk, "corrects_id": corrects_id},
    )
    # Which record, never what it says.
    log.info("voice.recorded", record_type="voices.voiceentry", record_id=entry.pk)
    return entry
