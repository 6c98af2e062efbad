"""What Tyler said, in the Wessex demo (issue 14 §4), so that his pages, the family page
and the Fenwrights' plan reviews have the child's voice to show:

- two days after Jason came back in breach of bail (``WX/DEMO/0005``), Brackenford Primary
  School's designated safeguarding lead, who knows Tyler through the school's Operation
  Encompass notification, saw him in the learning mentor's room;
- the next day a Northshire front door practitioner saw him at home, alone in his room.

Recorded through ``services.voice_record`` as each practitioner, at the time it would have
happened (the clock replays it). Seeding again records nothing more: a child who already
has an entry is left as he is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hearth.accounts.models import Agency, User
from hearth.accounts.selectors import actor_for_user
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.incidents.models import Incident
from hearth.voices import services
from hearth.voices.models import VoiceEntry

SCHOOL_DSL = "dsl03@schools.wessex.example"  # Brackenford Primary School
FRONT_DOOR = "front.door@northshire.wessex.example"


def _actor(email: str) -> Actor:
    actor = actor_for_user(user=User.objects.get(email=email), agency_id=None)
    assert actor is not None, f"{email} has no membership"  # seeded before this
    return actor


def seed_voices() -> list[VoiceEntry]:
    """Tyler's two entries (see the module's docstring); ``[]`` when the demo's incidents
    were not seeded or he already has entries."""
    incident = Incident.objects.filter(
        recorded_by_agency=Agency.objects.filter(slug="wessex-police").first(),
        police_reference="WX/DEMO/0005",
    ).first()
    if incident is None or incident.submitted_at is None:
        return []
    tyler = incident.parties.get(person__given_names="Tyler").person
    if VoiceEntry.objects.filter(child=tyler).exists():
        return []
    day = incident.submitted_at.astimezone(clock.LONDON).date()
    seen: list[tuple[int, int, str, dict[str, Any]]] = [
        (
            2,
            11,
            SCHOOL_DSL,
            {
                "where": "At school, in the learning mentor's room",
                "seen_alone": False,
                "present": "Learning mentor",
                "said": "I don't want Dad to come back to our house. I stayed awake to look "
                "after Mum.",
                "how_they_are": "Tired and quiet at first; asked twice whether his mum was at "
                "home. Ate a second breakfast at breakfast club.",
            },
        ),
        (
            3,
            16,
            FRONT_DOOR,
            {
                "where": "At home, in his bedroom",
                "seen_alone": True,
                "present": "",
                "said": "School is OK. I like Mr Patel. I keep my phone on in case Mum needs me.",
                "how_they_are": "Chatty about football, went quiet when asked about his dad.",
            },
        ),
    ]
    entries = []
    for days, hour, email, fields in seen:
        at = dt.datetime.combine(day + dt.timedelta(days=days), dt.time(hour), clock.LONDON)
        with clock.replaying_at(min(at, clock.now())):
            entries.append(
                services.voice_record(
                    actor=_actor(email),
                    child_id=tyler.pk,
                    seen_on=min(at, clock.now()).astimezone(clock.LONDON).date(),
                    **fields,
                )
            )
    return entries
