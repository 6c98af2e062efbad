"""A child's school, nursery or college, chosen from the directory at intake (issue 6,
point 1): the education page, what the pages show, and the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hearth.accounts.services import api_key_issue
from hearth.core.errors import ValidationFailed
from hearth.incidents.directory import setting_choices
from hearth.incidents.documents import incident_record_document
from hearth.incidents.forms import EducationForm
from hearth.incidents.models import ChildInvolvement, Education
from hearth.incidents.services import child_involvement_update
from hearth.incidents.templatetags.incident_education import education
from hearth.incidents.tests.factories import family_document
from hearth.incidents.tests.test_api import as_json, fields_of
from hearth.incidents.tests.test_views import OFFICER, ClientFor, _errors, record_family
from hearth.schools.models import EducationSetting

ASHCOMBE = "880001"
BRACKENFORD = "880002"
CLOSED = "880003"
UNLISTED = "880999"


@pytest.fixture
def directory(db: None) -> None:
    """Three settings in two local authorities, one of them closed (URNs apart from the
    demo's, which start at 990001)."""
    for urn, name, status, la in (
        (ASHCOMBE, "Ashcombe Primary School", "open", "Northshire"),
        (BRACKENFORD, "Brackenford Academy", "open", "Southmoor"),
        (CLOSED, "Old Mill Infant School", "closed", "Northshire"),
    ):
        EducationSetting.objects.create(urn=urn, name=name, status=status, la_name=la)


def education_form(data: dict[str, str], **initial: str) -> EducationForm:
    return EducationForm(data, initial=initial, name="Ivy")


# --- The form -------------------------------------------------------------------------


def test_the_directory_is_searched_not_listed_whole(directory: None) -> None:
    assert {c.urn for c in setting_choices()} >= {ASHCOMBE, BRACKENFORD}
    assert CLOSED not in {c.urn for c in setting_choices()}
    html = education_form({}).as_p()
    assert 'name="school_search"' in html
    assert "Ashcombe Primary School" not in html  # no list of every school
    found = EducationForm(initial={}, name="Ivy", school_query="ashcombe").as_p()
    assert f'value="{ASHCOMBE}"' in found and "Ashcombe Primary School, Northshire" in found
    assert "Brackenford Academy" not in found and "Old Mill" not in found
    by_urn = EducationForm(initial={}, name="Ivy", school_query=BRACKENFORD).as_p()
    assert "Brackenford Academy, Southmoor (URN 880002)" in by_urn
    assert "If it is not in the list, give its name" in html


def test_registered_needs_a_setting_from_the_list_or_its_name(directory: None) -> None:
    form = education_form({"education": Education.REGISTERED})
    assert not form.is_valid()
    assert form.errors == {
        "education_setting_urn": ["Choose the school, nursery or college, or give its name"]
    }


@pytest.mark.parametrize("urn", [UNLISTED, CLOSED, "not a urn"])
def test_a_setting_not_in_the_list_is_refused(directory: None, urn: str) -> None:
    form = education_form({"education": Education.REGISTERED, "education_setting_urn": urn})
    assert not form.is_valid()
    assert form.errors == {
        "education_setting_urn": ["Choose a school, nursery or college from the list"]
    }


def test_a_setting_from_the_list_is_saved_by_its_urn(directory: None) -> None:
    form = education_form({"education": Education.REGISTERED, "education_setting_urn": ASHCOMBE})
    assert form.is_valid(), form.errors
    assert form.changes() == {"education": Education.REGISTERED, "education_setting_urn": ASHCOMBE}


def test_a_setting_not_listed_is_given_by_name(directory: None) -> None:
    data = {"education": Education.REGISTERED, "education_setting": "St Ives Montessori"}
    form = education_form(data)
    assert form.is_valid(), form.errors
    assert form.changes() == {
        "education": Education.REGISTERED,
        "education_setting": "St Ives Montessori",
    }


def test_a_child_not_registered_anywhere_has_no_setting(directory: None) -> None:
    form = education_form(
        {
            "education": Education.ELECTIVELY_HOME_EDUCATED,
            "education_setting_urn": ASHCOMBE,
            "education_setting": "Ashcombe Primary School",
        },
        education=Education.REGISTERED,
        education_setting_urn=ASHCOMBE,
        education_setting="Ashcombe Primary School",
    )
    assert form.is_valid(), form.errors
    # Cleared, although the boxes were sent back as they were shown.
    assert form.changes() == {
        "education": Education.ELECTIVELY_HOME_EDUCATED,
        "education_setting_urn": "",
        "education_setting": "",
    }


def test_an_unchanged_page_changes_nothing(directory: None) -> None:
    answers = {"education": Education.REGISTERED, "education_setting_urn": ASHCOMBE}
    form = education_form(answers, **answers)
    assert form.is_valid(), form.errors
    assert not form.has_changed()
    assert form.changes() == {}


# --- The pages ------------------------------------------------------------------------


def education_url(incident_id: int, child_id: int) -> str:
    return reverse("incident_child_step", args=[incident_id, child_id, "education"])


def test_the_officer_chooses_the_school_and_every_page_shows_it(
    client_for: ClientFor, directory: None
) -> None:
    client: Client = client_for(OFFICER)
    incident_id, people = record_family(client)
    ivy = people["ivy"]
    url = education_url(incident_id, ivy.pk)

    page = client.get(url).content.decode()
    assert 'name="school_search"' in page and "(URN 880002)" not in page
    # The search shows the settings to choose from, keeps the answers and saves nothing.
    found = client.post(
        url, {"education": "registered", "school_search": "Ashcombe", "find_school": ""}
    ).content.decode()
    assert 'name="education_setting_urn"' in found and f'value="{ASHCOMBE}"' in found
    assert "Ashcombe Primary School, Northshire (URN 880001)" in found
    assert "Brackenford Academy" not in found
    saved = ChildInvolvement.objects.get(incident_id=incident_id, child=ivy)
    assert saved.education_setting_urn != ASHCOMBE
    nothing = client.post(url, {"school_search": "Zzyzx", "find_school": ""}).content.decode()
    assert "No open school, nursery or college matches your search" in nothing

    refused = client.post(url, {"education": "registered", "education_setting": ""})
    assert refused.status_code == 200
    assert "Choose the school, nursery or college, or give its name" in _errors(refused)
    refused = client.post(url, {"education": "registered", "education_setting_urn": UNLISTED})
    assert "Choose a school, nursery or college from the list" in _errors(refused)

    response = client.post(
        url, {"education": "registered", "education_setting_urn": ASHCOMBE, "education_setting": ""}
    )
    assert response.status_code == 302, _errors(response)
    involvement = ChildInvolvement.objects.get(incident_id=incident_id, child=ivy)
    assert (involvement.education_setting_urn, involvement.education_setting) == (ASHCOMBE, "")

    shown = "Registered at a school, nursery or college: Ashcombe Primary School, Northshire"
    check = client.get(reverse("incident_check", args=[incident_id])).content.decode()
    assert f"{shown} (URN {ASHCOMBE})" in check
    submitted = client.post(reverse("incident_check", args=[incident_id]))
    assert submitted.status_code == 302
    detail = client.get(reverse("incident_detail", args=[incident_id])).content.decode()
    assert f"{shown} (URN {ASHCOMBE})" in detail
    child = client.get(reverse("child_detail", args=[ivy.pk])).content.decode()
    assert f"{shown} (URN {ASHCOMBE})" in child

    # After submission a change is an amendment, stored in the next version.
    response = client.post(url, {"education": "not_in_education", "education_setting_urn": ""})
    assert response.status_code == 302, _errors(response)
    involvement.refresh_from_db()
    assert (involvement.education, involvement.education_setting_urn) == ("not_in_education", "")
    versions = involvement.incident.versions.order_by("version")
    ivy_in = [next(c for c in v.snapshot["children"] if c["child"] == ivy.pk) for v in versions]
    assert [c["education_setting_urn"] for c in ivy_in] == [ASHCOMBE, ""]


# --- What a page shows ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("urn", "name", "shown"),
    [
        (
            ASHCOMBE,
            "",
            "Registered at a school, nursery or college: "
            "Ashcombe Primary School, Northshire (URN 880001)",
        ),
        (
            CLOSED,
            "Old Mill Infants",
            "Registered at a school, nursery or college: Old Mill Infants (URN 880003)",
        ),
        (CLOSED, "", "Registered at a school, nursery or college: URN 880003"),
        (
            "",
            "St Ives Montessori",
            "Registered at a school, nursery or college: St Ives Montessori",
        ),
        ("", "", "Registered at a school, nursery or college"),
    ],
)
def test_the_setting_is_shown_by_the_directory_then_what_was_stored(
    directory: None, urn: str, name: str, shown: str
) -> None:
    involvement = ChildInvolvement(
        education=Education.REGISTERED, education_setting_urn=urn, education_setting=name
    )
    assert education(involvement) == shown


# --- The service and the API ----------------------------------------------------------


def test_the_service_refuses_a_urn_the_directory_does_not_list(wessex: Any, directory: Any) -> None:
    incident = incident_record_document(
        actor=wessex.actor(OFFICER), document=family_document(submit=False)
    )
    involvement = incident.child_involvements.first()
    assert involvement is not None
    with pytest.raises(ValidationFailed) as refused:
        child_involvement_update(
            actor=wessex.actor(OFFICER),
            involvement=involvement,
            changes={"education_setting_urn": UNLISTED},
        )
    assert list(refused.value.fields) == ["education_setting_urn"]


@pytest.fixture
def police(wessex: Any) -> Client:
    issued = api_key_issue(
        actor=None,
        agency=wessex.agency("wessex-police"),
        name="Wessex police record system",
        roles=["public_protection_officer"],
    )
    client = Client(headers={"Authorization": f"Bearer {issued.raw_key}"})
    return client


def post_incident(client: Client, body: dict[str, Any], key: str) -> Any:
    return client.post(
        "/api/v1/incidents",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def family_at(urn: str) -> dict[str, Any]:
    body = as_json(family_document())
    body["children"][0]["involvement"]["education_setting_urn"] = urn
    return body


def test_the_api_records_a_school_from_the_directory(police: Client, directory: None) -> None:
    response = post_incident(police, family_at(ASHCOMBE), "school-1")
    assert response.status_code == 201, response.content
    involvement = response.json()["children"][0]["involvement"]
    assert involvement["education_setting_urn"] == ASHCOMBE
    read = police.get(f"/api/v1/incidents/{response.json()['id']}").json()
    assert read["children"][0]["involvement"]["education_setting_urn"] == ASHCOMBE


@pytest.mark.parametrize("urn", [UNLISTED, CLOSED])
def test_the_api_refuses_a_school_not_in_the_directory(
    police: Client, directory: None, urn: str
) -> None:
    before = ChildInvolvement.objects.count()
    fields = fields_of(post_incident(police, family_at(urn), f"school-{urn}"))
    assert list(fields) == ["children.0.involvement.education_setting_urn"]
    assert ChildInvolvement.objects.count() == before
