"""The child's voice after the scene (issue 14 §4): recorded and read by whoever may see
the child (a school that knows the child only through its Operation Encompass
notification included), 404 for anyone else, administrators seeing nothing; entries never
change; the words are on the page and in the API's answer, never in a log or a timeline
summary."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from hearth.accounts.services import api_key_issue
from hearth.audit.models import AccessEvent, TimelineEvent
from hearth.core.errors import NotFound, ValidationFailed
from hearth.encompass.tests.test_encompass import (
    ADMINISTRATOR,
    DSL,
    OTHER_DSL,
    SUBMITTED,
    at_schools,
    child,
)
from hearth.obligations.tests.factories import FRONT_DOOR, OFFICER, SOUTH_FRONT_DOOR
from hearth.voices import selectors, services
from hearth.voices.models import AppendOnly, VoiceEntry

pytestmark = pytest.mark.django_db

WORDS = "Mummy cried all night and I kept Ava quiet"
HOW = "Tired, hungry at breakfast club, brightened at playtime"
LATER = SUBMITTED + dt.timedelta(days=2, hours=12)  # Friday morning


@pytest.fixture
def mia(wessex: Any) -> Any:
    with time_machine.travel(SUBMITTED, tick=False):
        incident = at_schools(wessex, "WX/2026/0701")
    with time_machine.travel(LATER, tick=False):
        yield child(incident, "Mia")


def record(wessex: Any, email: str, child_id: int, **changes: Any) -> VoiceEntry:
    fields: dict[str, Any] = {
        "seen_on": LATER.date(),
        "where": "At school, in the learning mentor's room",
        "seen_alone": False,
        "present": "Learning mentor",
        "said": WORDS,
        "how_they_are": HOW,
    }
    return services.voice_record(
        actor=wessex.actor(email), child_id=child_id, **{**fields, **changes}
    )


# --- Services --------------------------------------------------------------------------


def test_a_school_that_knows_the_child_through_its_notification_records_and_reads(
    wessex: Any, mia: Any
) -> None:
    entry = record(wessex, DSL, mia.pk)
    assert entry.agency.name == "Brackenford Primary School"
    assert entry.team is not None and entry.recorded_by is not None
    event = TimelineEvent.objects.get(subject_id=str(mia.pk), verb="voice.recorded")
    assert event.summary == "What the child said recorded"
    assert WORDS not in json.dumps(event.payload) and "breakfast" not in event.summary

    voice = selectors.voices_for_child(actor=wessex.actor(DSL), child_id=mia.pk)
    assert [(v.said, v.alone, v.agency_name) for v in voice.entries] == [
        (WORDS, False, "Brackenford Primary School")
    ]
    read = AccessEvent.objects.filter(purpose="View what a child said").latest("pk")
    named = {(r.record_type, r.record_id) for r in read.records.all()}
    assert ("voices.voiceentry", str(entry.pk)) in named
    assert ("people.person", str(mia.pk)) in named


def test_the_front_door_and_the_officer_see_what_the_school_recorded(wessex: Any, mia: Any) -> None:
    record(wessex, DSL, mia.pk)
    record(wessex, FRONT_DOOR, mia.pk, seen_on=LATER.date(), where="At home", present="")
    for email in (FRONT_DOOR, OFFICER):
        voice = selectors.voices_for_child(actor=wessex.actor(email), child_id=mia.pk)
        assert {v.agency_name for v in voice.entries} == {
            "Brackenford Primary School",
            "Northshire Council children's services",
        }


@pytest.mark.parametrize("email", [OTHER_DSL, SOUTH_FRONT_DOOR, ADMINISTRATOR])
def test_who_may_not_see_the_child_gets_not_found(wessex: Any, mia: Any, email: str) -> None:
    record(wessex, DSL, mia.pk)
    with pytest.raises(NotFound):
        selectors.voices_for_child(actor=wessex.actor(email), child_id=mia.pk)
    with pytest.raises(NotFound):
        record(wessex, email, mia.pk)
    assert selectors.voices_for(actor=wessex.actor(email), child_ids=[mia.pk]) == []
    assert VoiceEntry.objects.visible_to(wessex.actor(email)).count() == 0
    assert VoiceEntry.objects.filter(child=mia).count() == 1


def test_missing_and_forbidden_children_are_the_same_not_found(wessex: Any, mia: Any) -> None:
    with pytest.raises(NotFound) as missing:
        selectors.voices_for_child(actor=wessex.actor(DSL), child_id=10**9)
    with pytest.raises(NotFound) as forbidden:
        selectors.voices_for_child(actor=wessex.actor(OTHER_DSL), child_id=mia.pk)
    assert str(missing.value) == str(forbidden.value)


def test_what_is_wrong_is_said_for_each_field(wessex: Any, mia: Any) -> None:
    with pytest.raises(ValidationFailed) as failed:
        record(
            wessex,
            DSL,
            mia.pk,
            seen_on=LATER.date() + dt.timedelta(days=1),
            where=" ",
            seen_alone=None,
            said="",
            how_they_are="",
        )
    assert failed.value.fields == {
        "seen_on": ["The date you saw the child must be today or in the past"],
        "where": ["Enter where you saw the child"],
        "seen_alone": ["Select whether you saw the child alone"],
        "said": ["Enter what the child said, or how they are if they did not speak"],
    }
    assert not VoiceEntry.objects.filter(child=mia).exists()
    # A child who did not speak: how they were is enough.
    assert record(wessex, DSL, mia.pk, said="", how_they_are="Would not talk; clung to her coat")


def test_entries_never_change_and_a_correction_names_the_entry(wessex: Any, mia: Any) -> None:
    first = record(wessex, DSL, mia.pk)
    first.said = "Something else"
    with pytest.raises(AppendOnly):
        first.save()
    with pytest.raises(AppendOnly):
        VoiceEntry.objects.filter(pk=first.pk).update(said="x")
    with pytest.raises(AppendOnly):
        VoiceEntry.objects.filter(pk=first.pk).delete()
    fixed = record(
        wessex, DSL, mia.pk, said="Mummy cried and I kept Ava quiet", corrects_id=first.pk
    )
    assert fixed.corrects_id == first.pk
    assert TimelineEvent.objects.filter(subject_id=str(mia.pk), verb="voice.corrected").exists()
    # Only an entry about the same child can be corrected.
    leo_id = mia.parties.first().incident.parties.get(person__given_names="Leo").person_id
    with pytest.raises(ValidationFailed) as failed:
        record(wessex, DSL, leo_id, corrects_id=first.pk)
    assert "corrects_id" in failed.value.fields
    assert VoiceEntry.objects.get(pk=first.pk).said == WORDS


def test_voices_for_leaves_out_children_the_viewer_may_not_see(wessex: Any, mia: Any) -> None:
    record(wessex, DSL, mia.pk, seen_on=LATER.date() - dt.timedelta(days=1))
    views = selectors.voices_for(actor=wessex.actor(FRONT_DOOR), child_ids=[mia.pk, 10**9])
    assert [v.child_id for v in views] == [mia.pk]
    assert (
        selectors.voices_for(actor=wessex.actor(FRONT_DOOR), child_ids=[mia.pk], since=LATER.date())
        == []
    )


def test_the_words_are_in_no_log_record(
    wessex: Any, mia: Any, client_for: Callable[[str], Client], caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    school = client_for(DSL)
    school.post(
        reverse("voice_new", args=[mia.pk]),
        {
            "seen_on_0": LATER.day,
            "seen_on_1": LATER.month,
            "seen_on_2": LATER.year,
            "where": "At school",
            "seen_alone": "yes",
            "said": WORDS,
            "how_they_are": HOW,
        },
    )
    assert VoiceEntry.objects.filter(said=WORDS).exists()
    page = school.get(reverse("voice_list", args=[mia.pk]))
    assert WORDS in page.content.decode()
    logged = "\n".join(f"{r.getMessage()} {r.args!r} {r.__dict__!r}" for r in caplog.records)
    assert "voice.recorded" in logged  # the recording was logged ...
    assert WORDS not in logged and "breakfast club" not in logged  # ... never the words


# --- Pages -----------------------------------------------------------------------------


def test_the_pages_record_and_list_newest_first(
    wessex: Any, mia: Any, client_for: Callable[[str], Client]
) -> None:
    school = client_for(DSL)
    new = reverse("voice_new", args=[mia.pk])
    form = school.get(new)
    assert form.status_code == 200
    assert "Record what Mia said" in form.content.decode()

    # Nothing filled in: the error summary, and nothing is lost of what was typed.
    failed = school.post(new, {"said": WORDS, "seen_on_0": "31", "seen_on_1": "2"})
    html = failed.content.decode()
    assert failed.status_code == 200
    assert "<title>Error: " in html
    assert "There is a problem" in html
    assert "The date you saw the child must include a year" in html
    assert "Enter where you saw the child" in html
    assert WORDS in html
    assert not VoiceEntry.objects.filter(child=mia).exists()

    def post(day: dt.date, where: str) -> Any:
        return school.post(
            new,
            {
                "seen_on_0": day.day,
                "seen_on_1": day.month,
                "seen_on_2": day.year,
                "where": where,
                "seen_alone": "no",
                "present": "Class teacher",
                "said": WORDS,
            },
        )

    future = post(LATER.date() + dt.timedelta(days=3), "At school")
    assert "must be today or in the past" in future.content.decode()
    done = post(LATER.date() - dt.timedelta(days=1), "At breakfast club")
    assert done.status_code == 302 and done.url == reverse("voice_list", args=[mia.pk])
    post(LATER.date(), "In the playground")
    listing = school.get(reverse("voice_list", args=[mia.pk])).content.decode()
    assert listing.index("In the playground") < listing.index("At breakfast club")
    assert "Brackenford Primary School" in listing
    assert "What Mia said has been recorded" in listing


def test_who_may_not_see_the_child_gets_404_pages(
    wessex: Any, mia: Any, client_for: Callable[[str], Client]
) -> None:
    for email in (OTHER_DSL, SOUTH_FRONT_DOOR):
        other = client_for(email)
        assert other.get(reverse("voice_list", args=[mia.pk])).status_code == 404
        assert other.get(reverse("voice_new", args=[mia.pk])).status_code == 404
        assert other.post(reverse("voice_new", args=[mia.pk]), {}).status_code == 404


def test_the_childs_pages_show_the_latest_and_link_to_recording(
    wessex: Any, mia: Any, client_for: Callable[[str], Client]
) -> None:
    record(wessex, DSL, mia.pk)
    new = reverse("voice_new", args=[mia.pk])
    record_page = client_for(FRONT_DOOR).get(reverse("child_safeguarding_record", args=[mia.pk]))
    html = record_page.content.decode()
    assert record_page.status_code == 200
    assert WORDS in html and f'href="{new}"' in html
    child_page = client_for(OFFICER).get(reverse("child_detail", args=[mia.pk]))
    assert WORDS in child_page.content.decode()
    assert f'href="{new}"' in child_page.content.decode()


# --- API -------------------------------------------------------------------------------


def _key(wessex: Any, agency: str, role: str) -> str:
    return api_key_issue(
        actor=None, agency=wessex.agency(agency), name="Case system", roles=[role]
    ).raw_key


def _call(key: str, method: str, path: str, body: Any = None, idem: str = "v1") -> Any:
    return Client().generic(
        method,
        f"/api/v1{path}",
        json.dumps(body) if body is not None else "",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_IDEMPOTENCY_KEY=idem,
    )


def test_the_api_records_once_per_key_and_reads(wessex: Any, mia: Any) -> None:
    front_door = _key(wessex, "northshire-council-childrens-services", "front_door_practitioner")
    south = _key(wessex, "southmoor-council-childrens-services", "front_door_practitioner")
    path = f"/children/{mia.pk}/voice"
    body = {
        "seen_on": LATER.date().isoformat(),
        "where": "At the front door's office",
        "seen_alone": True,
        "said": WORDS,
    }
    made = _call(front_door, "POST", path, body)
    assert made.status_code == 201, made.content
    again = _call(front_door, "POST", path, body)
    assert again.status_code == 201 and again.json() == made.json()
    assert VoiceEntry.objects.filter(child=mia).count() == 1
    assert made.json()["recorded_id"] == VoiceEntry.objects.get(child=mia).pk
    assert _call(front_door, "POST", path, {**body, "said": "x"}).status_code == 409
    refused = _call(front_door, "POST", path, {**body, "where": "", "said": ""}, idem="v2")
    assert refused.status_code == 422
    read = _call(front_door, "GET", path)
    assert read.status_code == 200
    assert [e["said"] for e in read.json()["entries"]] == [WORDS]
    assert _call(south, "GET", path).status_code == 404
    assert _call(south, "POST", path, body, idem="v3").status_code == 404
    assert _call(front_door, "GET", "/children/999999999/voice").status_code == 404
