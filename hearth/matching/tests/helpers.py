"""Records of one made-up person made by different agencies, for the linking tests."""

from __future__ import annotations

import datetime as dt

from conftest import Wessex
from hearth.people.models import Person
from hearth.people.services import PersonDetails, person_create

REVIEWER = "data.quality@hearth.wessex.example"
POLICE = "response.officer@police.wessex.example"
FRONT_DOOR = "front.door@northshire.wessex.example"


def record(w: Wessex, email: str, given: str, family: str, born: dt.date | None = None) -> Person:
    """A person recorded by the agency ``email`` acts for, through the real service."""
    return person_create(
        actor=w.actor(email), details=PersonDetails(given, family, date_of_birth=born)
    )


def police_and_council_records(w: Wessex, given: str, family: str) -> tuple[Person, Person]:
    """The same child recorded by the police and by the Northshire front door."""
    born = dt.date(2016, 3, 4)
    return record(w, POLICE, given, family, born), record(w, FRONT_DOOR, given, family, born)


def a_pending_link(w: Wessex | None = None) -> int:
    """A possible match waiting for review (the police's and the front door's records of
    one made-up child, at 0.9, between the thresholds), whatever matcher is set: the id
    of the link. For tests that need a link to read, not to test the matcher."""
    from hearth.matching import services

    w = w or Wessex()
    police = record(w, POLICE, "Ottoline Mary", "Quarrington", dt.date(2016, 3, 4))
    council = record(w, FRONT_DOOR, "Ottoline", "Quarrington", dt.date(2016, 3, 4))
    [link] = services.links_record(
        matches=[services.Match(council.pk, police.pk, 0.9, ("Same family name",))]
    )
    return int(link.pk)
