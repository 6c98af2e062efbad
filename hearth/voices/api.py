"""The voices API (/api/v1/): what a child said after the scene, read and recorded by
whoever may see the child (404 for anyone else, as for a missing child; 422 for what the
rules refuse). Recording takes an ``Idempotency-Key``: a retry returns the same entry."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from ninja import Path, Router

from hearth.core.api import CREATE_RESPONSES, ERROR_RESPONSES, api_actor, idempotency_key_header
from hearth.core.idempotency import idempotent_create, scope_for
from hearth.core.personal_data import reads_personal_data
from hearth.voices import selectors, services
from hearth.voices.models import VoiceEntry
from hearth.voices.schemas import VoiceEntriesOut, VoiceEntryIn, VoiceEntryOut

router = Router(tags=["the child's voice"])
MAX_ID = 2**63 - 1
RESOURCE = VoiceEntry._meta.label_lower


def _out(voice: selectors.ChildVoice, recorded_id: int | None = None) -> VoiceEntriesOut:
    return VoiceEntriesOut(
        recorded_id=recorded_id,
        child_id=voice.child.pk,
        child_name=voice.child.full_name,
        entries=[
            VoiceEntryOut(
                id=e.id,
                child_id=e.child_id,
                seen_on=e.seen_on,
                where=e.where,
                present=e.present,
                seen_alone=e.alone,
                said=e.said,
                how_they_are=e.how_they_are,
                agency_name=e.agency_name,
                team_name=e.team_name,
                recorded_by_name=e.recorded_by_name,
                recorded_at=e.recorded_at,
                corrects_id=e.corrects_id,
            )
            for e in voice.entries
        ],
    )


@router.get(
    "/children/{child_id}/voice",
    response={200: VoiceEntriesOut, **ERROR_RESPONSES},
    summary="What a child said after the scene",
)
@reads_personal_data
def voice_list(request: HttpRequest, child_id: int = Path(..., ge=1, le=MAX_ID)) -> VoiceEntriesOut:
    """Every entry about the child, newest first, for whoever may see the child."""
    return _out(selectors.voices_for_child(actor=api_actor(request), child_id=child_id))


@router.post(
    "/children/{child_id}/voice",
    response={201: VoiceEntriesOut, **CREATE_RESPONSES},
    summary="Record what a child said",
)
@reads_personal_data
def voice_record(
    request: HttpRequest,
    payload: VoiceEntryIn,
    child_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str = idempotency_key_header("the child's entries"),
) -> tuple[int, VoiceEntriesOut]:
    """A new entry (entries are never changed: a correction names the entry it
    corrects). Answers with every entry about the child, the new one among them."""
    actor = api_actor(request)
    with transaction.atomic():

        def run() -> tuple[str, int]:
            entry = services.voice_record(actor=actor, child_id=child_id, **payload.model_dump())
            return RESOURCE, entry.pk

        created = idempotent_create(
            scope=scope_for(actor),
            key=idempotency_key,
            operation="voices.record",
            body={"child_id": child_id, "body": payload.model_dump(mode="json")},
            create=run,
        )
        voice = selectors.voices_for_child(
            actor=actor, child_id=child_id, purpose="Record what a child said"
        )
    return 201, _out(voice, int(created.resource_id))
