""" "Why you can see this" reads as English: "An offer of specialist support addressed to
your team", not "A offer"."""

from __future__ import annotations

from typing import Any

from hearth.incidents.models import Incident
from hearth.search.selectors import search_for
from hearth.search.tests.conftest import FRONT_DOOR


def test_an_offer_takes_an(wessex: Any, incident: Incident) -> None:
    mia = search_for(actor=wessex.actor(FRONT_DOOR), query="Mia Vance").results[0]
    assert "An offer of specialist support addressed to your team (Northshire front door)" in (
        mia.why
    )
    assert "A child concern notification addressed to your team (Northshire front door)" in (
        mia.why
    )
    assert not [why for why in mia.why if why.startswith("A o")]
