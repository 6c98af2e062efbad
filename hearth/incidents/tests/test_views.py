"""The officer's journey through the pages, the incident and child pages, the list, and
who may see what (issue 3, points 2, 4-8, 10 and 11)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from hearth.accounts.models import TeamFunction
from hearth.accounts.services import membership_add, team_ensure, user_ensure
from hearth.audit.models import AccessAction, AccessEvent
from hearth.core.actor import Role
from hearth.demo.wessex import DEMO_PASSWORD
from hearth.incidents.documents import incident_record_document
from hearth.incidents.forms import parse_time
from hearth.incidents.models import ChildInvolvement, Incident, Party
from hearth.incidents.services import incident_start
from hearth.incidents.tests.factories import family_document
from hearth.people.models import Person, Relationship

OFFICER = "response.officer@police.wessex.example"
PPU = "ppu.officer@police.wessex.example"
FRONT_DOOR = "front.door@northshire.wessex.example"
DSL = "dsl@schools.wessex.example"
OTHER_OFFICER = "second.officer@police.wessex.example"

ClientFor = Callable[[str], Client]


# --- Driving the pages as an officer would --------------------------------------------------


def date_fields(prefix: str, day: dt.date | None) -> dict[str, str]:
    if day is None:
        return {f"{prefix}_0": "", f"{prefix}_1": "", f"{prefix}_2": ""}
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def start(client: Client) -> int:
    response = client.post(reverse("incident_start"))
    assert response.status_code == 302
    match = resolve(response["Location"])
    assert match.url_name == "incident_details"
    return int(match.kwargs["incident_id"])


def post(client: Client, name: str, args: list[Any], data: dict[str, Any], **query: str) -> Any:
    url = reverse(name, args=args)
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    response = client.post(url, data)
    assert response.status_code == 302, _errors(response)
    return response


def _errors(response: Any) -> str:
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    found = re.findall(
        r'class="govuk-error-message">\s*<span[^>]*>Error:</span>([^<]*)', response.content.decode()
    )
    return f"form errors: {[e.strip() for e in found]}"


def fill_details(client: Client, incident_id: int, reference: str = "WX/2026/9001") -> None:
    post(
        client,
        "incident_details",
        [incident_id],
        {
            "police_reference": reference,
            **date_fields("occurred_date", dt.date(2026, 3, 14)),
            "occurred_time": "22:40",
            **date_fields("reported_date", dt.date(2026, 3, 14)),
            "reported_time": "10:45pm",
            "location_line_1": "3 Quillon Row",
            "location_town": "Ashcombe",
            "location_postcode": "WX1 9QR",
            "local_authority": "",
            "other_attending": "PC 4417",
        },
    )


def fill_what_happened(client: Client, incident_id: int) -> None:
    post(
        client,
        "incident_what_happened",
        [incident_id],
        {
            "abuse_types": ["physical_or_sexual", "controlling_or_coercive"],
            "pattern": "course_of_conduct",
            "summary": "Neighbour heard shouting and a crash.",
            "injuries": "",
        },
    )
    post(
        client,
        "incident_police_action",
        [incident_id],
        {
            "weapons_used": "no",
            "weapons_description": "",
            "crimes_recorded": "Assault",
            "arrest_made": "yes",
            "no_arrest_reason": "",
        },
    )


def add_person(
    client: Client,
    incident_id: int,
    role: str,
    given: str,
    family: str,
    born: dt.date | None,
    **details: Any,
) -> Person:
    """Name and date of birth, past any possible existing records ("None of these"),
    then the details page."""
    response = post(
        client,
        "incident_person_find",
        [incident_id, role],
        {"given_names": given, "family_name": family, **date_fields("date_of_birth", born)},
    )
    response = client.get(response["Location"])
    if response.status_code == 200:  # someone like them is already recorded
        response = client.post(response.wsgi_request.path, {"choice": "new"})
    assert response.status_code == 302
    assert resolve(response["Location"]).url_name == "incident_person_details"
    response = client.post(response["Location"], {"sex": "unknown", **details})
    assert response.status_code == 302, _errors(response)
    return Person.objects.filter(given_names=given, family_name=family).latest("pk")


def relate_child(client: Client, incident_id: int, child: Person, ties: dict[Person, str]) -> None:
    data: dict[str, Any] = {}
    for adult, kinship in ties.items():
        data[f"kinship_{adult.pk}"] = kinship
        if kinship == "parent":
            data[f"responsibility_{adult.pk}"] = "on"
    post(client, "incident_child_relationships", [incident_id, child.pk], data)


def child_step(
    client: Client, incident_id: int, child: Person, step: str, data: dict[str, Any]
) -> None:
    post(client, "incident_child_step", [incident_id, child.pk, step], data)


def record_family(client: Client, reference: str = "WX/2026/9001") -> tuple[int, dict[str, Person]]:
    """The issue's journey: two adults and three children (one present and spoken to
    alone, one not there, one a baby), up to "Check your answers"."""
    incident_id = start(client)
    fill_details(client, incident_id, reference)
    fill_what_happened(client, incident_id)
    victim = add_person(
        client, incident_id, "adult-victim", "Tamsin", "Quillfeather", dt.date(1991, 5, 2)
    )
    perpetrator = add_person(
        client, incident_id, "alleged-perpetrator", "Rowan", "Quillfeather", dt.date(1988, 8, 19)
    )
    post(
        client,
        "incident_relationship",
        [incident_id],
        {f"kinship_{victim.pk}_{perpetrator.pk}": "married"},
    )
    ivy = add_person(
        client,
        incident_id,
        "child",
        "Ivy",
        "Quillfeather",
        dt.date(2018, 2, 9),
        address_line_1="3 Quillon Row",
        address_town="Ashcombe",
    )
    relate_child(client, incident_id, ivy, {victim: "parent", perpetrator: "parent"})
    child_step(
        client,
        incident_id,
        ivy,
        "presence",
        {"present": "yes", "where_present": "On the stairs", "normally_resident": "yes"},
    )
    child_step(
        client, incident_id, ivy, "experience", {"experienced": ["saw", "heard"], "injured": "no"}
    )
    child_step(
        client,
        incident_id,
        ivy,
        "welfare",
        {"welfare_check_done": "yes", "welfare_check_by": "PC 4417"},
    )
    child_step(
        client,
        incident_id,
        ivy,
        "conversation",
        {
            "spoken_to": "yes",
            "spoken_to_alone": "yes",
            "spoken_where": "Her bedroom, door open",
            "others_present": "PC 4417 only",
        },
    )
    child_step(
        client,
        incident_id,
        ivy,
        "voice",
        {
            "own_words": "Daddy threw the lamp at Mummy.",
            "demeanour": "Quiet",
            "worries": "That Daddy comes back",
        },
    )
    child_step(client, incident_id, ivy, "communication", {"communication": "English"})
    child_step(
        client,
        incident_id,
        ivy,
        "education",
        {"education": "registered", "education_setting": "Ashcombe Primary School"},
    )
    otto = add_person(client, incident_id, "child", "Otto", "Fernsby", dt.date(2013, 11, 1))
    relate_child(client, incident_id, otto, {victim: "parent", perpetrator: "step_parent"})
    child_step(client, incident_id, otto, "presence", {"present": "no", "normally_resident": "yes"})
    child_step(client, incident_id, otto, "experience", {"experienced": ["experienced_effects"]})
    baby = add_person(client, incident_id, "child", "Wren", "Quillfeather", dt.date(2026, 1, 5))
    relate_child(client, incident_id, baby, {victim: "parent", perpetrator: "parent"})
    child_step(client, incident_id, baby, "presence", {"present": "yes", "where_present": "Cot"})
    child_step(client, incident_id, baby, "experience", {"experienced": ["heard"]})
    child_step(client, incident_id, baby, "welfare", {"welfare_check_done": "yes"})
    child_step(
        client,
        incident_id,
        baby,
        "conversation",
        {"spoken_to": "no", "not_spoken_to_reason": "A baby"},
    )
    post(client, "incident_pregnancy", [incident_id], {"victim_pregnant": "no"})
    people = {"victim": victim, "perpetrator": perpetrator, "ivy": ivy, "otto": otto, "wren": baby}
    return incident_id, people


# --- The journey -------------------------------------------------------------------------------


def test_an_officer_records_a_family_through_the_pages_and_submits(client_for: ClientFor) -> None:
    client = client_for(OFFICER)
    incident_id, people = record_family(client)

    check = client.get(reverse("incident_check", args=[incident_id]))
    assert check.status_code == 200
    page = check.content.decode()
    assert "govuk-error-summary" not in page, _errors(check)
    assert "Daddy threw the lamp at Mummy." in page
    assert "Married (now or in the past)" in page

    response = client.post(reverse("incident_check", args=[incident_id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("incident_detail", args=[incident_id]) + "?submitted=1"
    incident = Incident.objects.get(pk=incident_id)
    assert incident.status == Incident.Status.SUBMITTED
    assert incident.version == 1
    assert incident.police_reference == "WX/2026/9001"
    assert incident.occurred_at == dt.datetime(2026, 3, 14, 22, 40, tzinfo=dt.UTC)
    assert incident.reported_at == dt.datetime(2026, 3, 14, 22, 45, tzinfo=dt.UTC)
    ivy = ChildInvolvement.objects.get(incident=incident, child=people["ivy"])
    assert (ivy.saw, ivy.heard, ivy.spoken_to_alone) == (True, True, True)
    assert ivy.own_words == "Daddy threw the lamp at Mummy."
    assert Relationship.objects.get(
        person=people["victim"], other=people["ivy"]
    ).parental_responsibility
    assert people["ivy"].addresses.get().address.line_1 == "3 Quillon Row"

    summary = client.get(response["Location"])
    text = summary.content.decode()
    assert summary.status_code == 200
    assert "Incident submitted" in text
    # The next step is in the success banner, before the children (issue 17).
    assert "Next step: start the risk checklist" in text
    assert text.index("Start the risk checklist") < text.index("Victim in their own right")
    assert text.count("Start the risk checklist") == 1
    assert text.count("Victim in their own right") == 3
    assert "There is a baby under 18 months" in text
    assert "This meets the statutory definition of domestic abuse" in text
    assert reverse("child_detail", args=[people["ivy"].pk]) in text

    record = client.get(reverse("child_detail", args=[people["ivy"].pk]))
    assert record.status_code == 200
    assert "Daddy threw the lamp at Mummy." in record.content.decode()
    assert "Victim in their own right" in record.content.decode()


def test_each_page_can_be_saved_as_a_draft_and_found_again(client_for: ClientFor) -> None:
    client = client_for(OFFICER)
    incident_id = start(client)
    response = client.post(
        reverse("incident_what_happened", args=[incident_id]),
        {"summary": "Half-written", "pattern": "not_known", "save_draft": "1"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("incident_start")
    drafts = client.get(response["Location"]).content.decode()
    assert reverse("incident_check", args=[incident_id]) in drafts
    assert Incident.objects.get(pk=incident_id).summary == "Half-written"


def test_submission_is_refused_without_children_or_the_attestation(client_for: ClientFor) -> None:
    client = client_for(OFFICER)
    incident_id = start(client)
    fill_details(client, incident_id)
    fill_what_happened(client, incident_id)
    victim = add_person(client, incident_id, "adult-victim", "Tamsin", "Quillfeather", None)
    perpetrator = add_person(
        client, incident_id, "alleged-perpetrator", "Rowan", "Quillfeather", None
    )
    post(
        client,
        "incident_relationship",
        [incident_id],
        {f"kinship_{victim.pk}_{perpetrator.pk}": "married"},
    )

    refused = client.post(reverse("incident_check", args=[incident_id]))
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "<title>Error: " in page
    assert "govuk-error-summary" in page
    assert "Add every child who lives in or is related to the household" in page
    assert f"{reverse('incident_children', args=[incident_id])}?change=1#add-child" in page
    incident = Incident.objects.get(pk=incident_id)
    assert incident.status == Incident.Status.DRAFT  # nothing lost
    assert incident.summary == "Neighbour heard shouting and a crash."

    # The confirmation needs to say how the officer knows.
    empty = client.post(
        reverse("incident_children", args=[incident_id]), {"confirm": "on", "how": ""}
    )
    assert empty.status_code == 200
    assert "Enter how you established there are no children" in empty.content.decode()

    post(
        client,
        "incident_children",
        [incident_id],
        {"confirm": "on", "how": "Asked both adults separately; no children's belongings"},
    )
    submitted = client.post(reverse("incident_check", args=[incident_id]))
    assert submitted.status_code == 302
    assert Incident.objects.get(pk=incident_id).status == Incident.Status.SUBMITTED


def test_each_problem_links_to_the_page_that_fixes_it(client_for: ClientFor) -> None:
    client = client_for(OFFICER)
    incident_id = start(client)
    child = add_person(client, incident_id, "child", "Ivy", "Quillfeather", dt.date(2018, 2, 9))
    page = client.get(reverse("incident_check", args=[incident_id])).content.decode()
    assert "Enter the police reference" in page
    assert f"{reverse('incident_details', args=[incident_id])}?change=1#id_police_reference" in page
    presence = reverse("incident_child_step", args=[incident_id, child.pk, "presence"])
    assert f"{presence}?change=1#id_present_1" in page
    assert "Select whether Ivy Quillfeather was present" in page
    # Fixing it from the link goes back to "Check your answers".
    response = client.post(f"{presence}?change=1", {"present": "no"})
    assert response["Location"] == reverse("incident_check", args=[incident_id])


def test_a_person_recorded_earlier_is_offered_with_the_reasons(client_for: ClientFor) -> None:
    client = client_for(OFFICER)
    first = start(client)
    known = add_person(client, first, "child", "Marnie", "Quillfeather", dt.date(2017, 4, 3))

    second = start(client)
    post(
        client,
        "incident_person_find",
        [second, "child"],
        {
            "given_names": "marnie",
            "family_name": "QUILLFEATHER",
            **date_fields("date_of_birth", dt.date(2017, 3, 4)),
        },
    )
    before = AccessEvent.objects.order_by("pk").values_list("pk", flat=True).last() or 0
    offered = client.get(reverse("incident_person_matches", args=[second, "child"]))
    assert offered.status_code == 200
    page = offered.content.decode()
    assert "Marnie Quillfeather, born 3 April 2017" in page
    assert "Strong match" in page
    assert "same name; date of birth with day and month swapped" in page
    # Explained comparison by comparison, with its probability (issue 16 §1).
    assert "% likely" in page
    assert "Compared: " in page and "day and month swapped" in page.split("Compared: ", 1)[1]
    assert "None of these: add the child as a new person" in page
    search = AccessEvent.objects.filter(pk__gt=before, action=AccessAction.SEARCH).get()
    assert search.query["family_name"] == "QUILLFEATHER"
    assert search.records.filter(record_id=str(known.pk)).exists()

    response = client.post(
        reverse("incident_person_matches", args=[second, "child"]), {"choice": str(known.pk)}
    )
    assert response["Location"] == reverse("incident_child_relationships", args=[second, known.pk])
    assert Party.objects.filter(incident_id=second, person=known).exists()
    assert Person.objects.filter(family_name="Quillfeather").count() == 1


def test_adding_a_person_shows_field_errors_in_govuk_words(client_for: ClientFor) -> None:
    client = client_for(OFFICER)
    incident_id = start(client)
    url = reverse("incident_person_find", args=[incident_id, "child"])
    response = client.post(
        url, {"given_names": "Ivy", "family_name": "", **date_fields("date_of_birth", None)}
    )
    page = response.content.decode()
    assert "Enter the child&#x27;s family name" in page
    assert "Enter the child&#x27;s date of birth, or how old they are" in page
    assert "<title>Error: " in page
    assert 'href="#id_date_of_birth_0"' in page

    response = client.post(
        url,
        {
            "family_name": "Quillfeather",
            "date_of_birth_0": "31",
            "date_of_birth_1": "2",
            "date_of_birth_2": "2019",
        },
    )
    assert "Date of birth must be a real date" in response.content.decode()

    post(
        client,
        "incident_person_find",
        [incident_id, "child"],
        {"family_name": "Zzyzx", "estimated_age": "7"},
    )
    details = reverse("incident_person_details", args=[incident_id, "child"])
    response = client.post(
        details, {"nhs_number": "943 476 5918", "unique_pupil_number": "B80120000500X"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a real NHS number: this one&#x27;s check digit is wrong" in page
    assert 'href="#id_nhs_number"' in page
    assert not Person.objects.filter(family_name="Zzyzx").exists()


def test_an_amendment_through_the_pages_keeps_the_earlier_version(
    client_for: ClientFor, wessex: Any
) -> None:
    incident = incident_record_document(
        actor=wessex.actor(OFFICER), document=family_document("WX/2026/7001")
    )
    client = client_for(OFFICER)
    response = client.post(
        reverse("incident_what_happened", args=[incident.pk]) + "?change=1",
        {
            "abuse_types": incident.abuse_types,
            "pattern": incident.pattern,
            "summary": incident.summary,
            "injuries": "Bruising to the left arm",
        },
    )
    assert response["Location"] == reverse("incident_check", args=[incident.pk])
    incident.refresh_from_db()
    assert incident.version == 2
    # Saving a page unchanged stores no new version.
    client.post(
        reverse("incident_pregnancy", args=[incident.pk]) + "?change=1", {"victim_pregnant": "no"}
    )
    incident.refresh_from_db()
    assert incident.version == 2
    page = client.get(reverse("incident_detail", args=[incident.pk])).content.decode()
    assert "2 (amended)" in page and "1 (submitted)" in page
    assert "Amended: incident details changed" in page


def test_a_concern_has_no_police_pages(client_for: ClientFor) -> None:
    client = client_for(DSL)
    concern_id = start(client)
    assert Incident.objects.get(pk=concern_id).kind == Incident.Kind.CONCERN
    details = client.get(reverse("incident_details", args=[concern_id])).content.decode()
    assert "police_reference" not in details
    assert client.get(reverse("incident_police_action", args=[concern_id])).status_code == 404
    response = client.post(
        reverse("incident_what_happened", args=[concern_id]),
        {"summary": "x", "pattern": "not_known"},
    )
    assert response["Location"] == reverse("incident_adults", args=[concern_id])


def test_the_navigation_offers_recording_to_those_who_record(client_for: ClientFor) -> None:
    officer = client_for(OFFICER).get(reverse("home")).content.decode()
    assert "Record an incident" in officer and reverse("incident_list") in officer
    dsl = client_for(DSL).get(reverse("home")).content.decode()
    assert "Raise a concern" in dsl
    front_door = client_for(FRONT_DOOR).get(reverse("home")).content.decode()
    assert reverse("incident_start") not in front_door


# --- Who sees what --------------------------------------------------------------------------------


@pytest.fixture
def other_officer(wessex: Any) -> str:
    """A second response officer in the same force."""
    police = wessex.agency("wessex-police")
    team = team_ensure(
        actor=None,
        agency=police,
        slug="response-south",
        name="Response South",
        function=TeamFunction.RESPONSE,
    )
    user = user_ensure(
        actor=None,
        email=OTHER_OFFICER,
        first_name="Sol",
        last_name="Ketter",
        password=DEMO_PASSWORD,
        is_demo=True,
    )
    membership_add(actor=None, user=user, agency=police, role=Role.RESPONSE_OFFICER, team=team)
    return OTHER_OFFICER


def without_tokens(response: Any) -> bytes:
    return re.sub(rb'(nonce|value)="[^"]*"', b"", response.content)


def test_a_response_officer_cannot_see_another_officers_incident(
    client_for: ClientFor, wessex: Any, other_officer: str
) -> None:
    theirs = incident_record_document(
        actor=wessex.actor(other_officer), document=family_document("WX/2026/8001")
    )
    client = client_for(OFFICER)
    missing_id = Incident.objects.latest("pk").pk + 1000
    child = theirs.child_involvements.first()
    assert child is not None
    for name, found, missing in [
        ("incident_detail", [theirs.pk], [missing_id]),
        ("incident_check", [theirs.pk], [missing_id]),
        ("incident_details", [theirs.pk], [missing_id]),
        ("child_detail", [child.child_id], [missing_id]),
    ]:
        forbidden = client.get(reverse(name, args=found))
        absent = client.get(reverse(name, args=missing))
        assert forbidden.status_code == absent.status_code == 404
        assert without_tokens(forbidden) == without_tokens(absent)
    listed = client.get(reverse("incident_list"), {"reference": "WX/2026/8001"}).content.decode()
    assert "WX/2026/8001" not in listed.replace('value="WX/2026/8001"', "")
    # The one who recorded it does see it.
    assert (
        client_for(other_officer).get(reverse("incident_detail", args=[theirs.pk])).status_code
        == 200
    )


def test_public_protection_sees_every_incident_the_force_recorded(
    client_for: ClientFor, wessex: Any, other_officer: str
) -> None:
    theirs = incident_record_document(
        actor=wessex.actor(other_officer), document=family_document("WX/2026/8002")
    )
    client = client_for(PPU)
    assert client.get(reverse("incident_detail", args=[theirs.pk])).status_code == 200
    listed = client.get(reverse("incident_list"), {"reference": "WX/2026/8002"}).content.decode()
    assert reverse("incident_detail", args=[theirs.pk]) in listed
    assert "1 result" in listed
    # Public protection may also amend it.
    assert client.get(reverse("incident_check", args=[theirs.pk])).status_code == 200


def test_a_front_door_practitioner_sees_no_incident(client_for: ClientFor, wessex: Any) -> None:
    incident = incident_record_document(
        actor=wessex.actor(OFFICER), document=family_document("WX/2026/8003")
    )
    client = client_for(FRONT_DOOR)
    assert client.get(reverse("incident_detail", args=[incident.pk])).status_code == 404
    listed = client.get(reverse("incident_list")).content.decode()
    assert "0 results" in listed


def test_a_dsl_sees_only_the_concerns_their_school_raised(
    client_for: ClientFor, wessex: Any
) -> None:
    police_incident = incident_record_document(
        actor=wessex.actor(OFFICER), document=family_document("WX/2026/8004")
    )
    dsl = wessex.actor(DSL)
    concern = incident_start(actor=dsl)
    client = client_for(DSL)
    assert client.get(reverse("incident_detail", args=[concern.pk])).status_code == 200
    assert client.get(reverse("incident_detail", args=[police_incident.pk])).status_code == 404
    listed = client.get(reverse("incident_list")).content.decode()
    assert reverse("incident_detail", args=[concern.pk]) in listed
    assert reverse("incident_detail", args=[police_incident.pk]) not in listed

    other_school = next(
        m.agency for m in wessex.user(DSL).memberships.all() if m.agency_id != dsl.agency_id
    )
    client.post(reverse("choose_agency"), {"agency": other_school.pk})
    assert client.get(reverse("incident_detail", args=[concern.pk])).status_code == 404


def test_someone_who_may_see_but_not_change_an_incident_is_refused(
    client_for: ClientFor, wessex: Any
) -> None:
    dsl = wessex.actor(DSL)
    concern = incident_start(actor=dsl)
    colleague = user_ensure(
        actor=None,
        email="deputy.dsl@schools.wessex.example",
        first_name="Dee",
        last_name="Puty",
        password=DEMO_PASSWORD,
        is_demo=True,
    )
    school = wessex.agency(
        next(
            m.agency.slug
            for m in wessex.user(DSL).memberships.all()
            if m.agency_id == dsl.agency_id
        )
    )
    membership_add(
        actor=None, user=colleague, agency=school, role=Role.DESIGNATED_SAFEGUARDING_LEAD
    )
    client = client_for(colleague.email)
    assert client.get(reverse("incident_detail", args=[concern.pk])).status_code == 200
    assert client.get(reverse("incident_details", args=[concern.pk])).status_code == 403
    assert client.post(reverse("incident_check", args=[concern.pk])).status_code == 403


def test_reading_the_pages_is_logged(client_for: ClientFor, wessex: Any) -> None:
    incident = incident_record_document(
        actor=wessex.actor(OFFICER), document=family_document("WX/2026/8005")
    )
    client = client_for(OFFICER)
    child = incident.child_involvements.first()
    assert child is not None
    for url in [
        reverse("incident_detail", args=[incident.pk]),
        reverse("incident_check", args=[incident.pk]),
        reverse("child_detail", args=[child.child_id]),
        reverse("incident_child_step", args=[incident.pk, child.child_id, "voice"]),
        reverse("incident_list"),
        reverse("incident_start"),
    ]:
        before = AccessEvent.objects.count()
        assert client.get(url).status_code == 200
        event = AccessEvent.objects.latest("pk")
        assert AccessEvent.objects.count() > before
        assert event.user == wessex.user(OFFICER)
        assert event.route == resolve(url).url_name


# --- The list ----------------------------------------------------------------------------------


def test_the_list_filters_and_shows_the_newest_first(client_for: ClientFor, wessex: Any) -> None:
    officer = wessex.actor(OFFICER)
    older = incident_record_document(actor=officer, document=family_document("WX/2026/6001"))
    newer = incident_record_document(
        actor=officer,
        document=family_document(
            "WX/2026/6002",
            children=[],
            relationships=family_document().relationships[:1],
            no_children_how="Checked with both adults",
        ),
    )
    occurred = older.occurred_at
    assert occurred is not None
    Incident.objects.filter(pk=newer.pk).update(occurred_at=occurred + dt.timedelta(days=1))
    client = client_for(PPU)
    page = client.get(reverse("incident_list"), {"reference": "WX/2026/600"}).content.decode()
    assert page.index("WX/2026/6002") < page.index("WX/2026/6001")
    with_children = client.get(
        reverse("incident_list"), {"reference": "WX/2026/600", "children": "with"}
    ).content.decode()
    assert "WX/2026/6001" in with_children and "WX/2026/6002" not in with_children
    day = occurred.date()
    dated = client.get(
        reverse("incident_list"),
        {
            "reference": "WX/2026/600",
            **date_fields("occurred_from", day),
            **date_fields("occurred_to", day),
        },
    ).content.decode()
    assert "WX/2026/6001" in dated and "WX/2026/6002" not in dated
    wrong = client.get(
        reverse("incident_list"),
        {
            **date_fields("occurred_from", day),
            **date_fields("occurred_to", day - dt.timedelta(days=1)),
        },
    ).content.decode()
    assert "The to date must be the same as or after the from date" in wrong


def test_the_list_makes_no_more_queries_for_more_incidents(
    client_for: ClientFor, wessex: Any, django_assert_max_num_queries: Any
) -> None:
    officer = wessex.actor(OFFICER)
    incident_record_document(actor=officer, document=family_document("WX/2026/5000"))
    client = client_for(PPU)
    client.get(reverse("incident_list"))  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("incident_list")).status_code == 200
    for number in range(1, 11):
        incident_record_document(actor=officer, document=family_document(f"WX/2026/50{number:02d}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("incident_list")).status_code == 200


@pytest.mark.parametrize(
    ("typed", "time"),
    [
        ("22:40", dt.time(22, 40)),
        ("22.40", dt.time(22, 40)),
        ("2240", dt.time(22, 40)),
        ("10:40pm", dt.time(22, 40)),
        ("10:40 PM", dt.time(22, 40)),
        ("10pm", dt.time(22, 0)),
        ("12am", dt.time(0, 0)),
        ("midday", dt.time(12, 0)),
        ("9:05", dt.time(9, 5)),
        ("10", None),
        ("25:00", None),
        ("13pm", None),
        ("half ten", None),
    ],
)
def test_times_are_read_as_people_type_them(typed: str, time: dt.time | None) -> None:
    assert parse_time(typed) == time


def test_someone_already_in_the_incident_is_not_offered_again(client_for: ClientFor) -> None:
    client = client_for(OFFICER)
    incident_id = start(client)
    add_person(client, incident_id, "adult-victim", "Marnie", "Quillfeather", dt.date(1990, 4, 3))
    post(
        client,
        "incident_person_find",
        [incident_id, "child"],
        {
            "given_names": "Marnie",
            "family_name": "Quillfeather",
            **date_fields("date_of_birth", dt.date(1990, 4, 3)),
        },
    )
    response = client.get(reverse("incident_person_matches", args=[incident_id, "child"]))
    assert response.status_code == 302
    assert resolve(response["Location"]).url_name == "incident_person_details"
