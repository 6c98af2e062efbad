"""The demo's entries for Tyler are recorded once, by the school that knows him through
its Operation Encompass notification and by the front door."""

from __future__ import annotations

from typing import Any

import pytest

from hearth.voices import selectors
from hearth.voices.demo import FRONT_DOOR, SCHOOL_DSL, seed_voices
from hearth.voices.models import VoiceEntry

pytestmark = pytest.mark.django_db


def test_tylers_entries_are_seeded_once(wessex: Any) -> None:
    # The demo is seeded with the Wessex area (seed_wessex): seeding again adds nothing.
    made = list(VoiceEntry.objects.order_by("id"))
    assert [e.agency.name for e in made] == [
        "Brackenford Primary School",
        "Northshire Council children's services",
    ]
    assert seed_voices() == []
    assert VoiceEntry.objects.count() == 2
    voice = selectors.voices_for_child(actor=wessex.actor(SCHOOL_DSL), child_id=made[0].child_id)
    assert len(voice.entries) == 2 and voice.entries[0].alone  # the newest, at home
    assert selectors.voices_for(actor=wessex.actor(FRONT_DOOR), child_ids=[made[0].child_id])
