"""Someone listed among an incident's children is a child: under 18 on the day of the
incident (Children Act 1989 s.105; issue 11 §3). Intake tells the officer when someone
listed as a child is an adult, on the page, at "Check your answers" and through the API;
the rule is ``policy.is_child``, in one place."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hearth.core.errors import ValidationFailed
from hearth.incidents import services
from hearth.incidents.documents import incident_record_document
from hearth.incidents.models import Incident
from hearth.incidents.policy import (
    ChildRecord,
    IncidentRecord,
    adult_listed_as_child,
    is_child,
    submission_problems,
)
from hearth.incidents.tests.factories import OCCURRED, family_document
from hearth.incidents.tests.test_api import Api, api_for, as_json, fields_of  # noqa: F401
from hearth.incidents.tests.test_views import date_fields, fill_details, start
from hearth.people.models import Person

OFFICER = "response.officer@police.wessex.example"
NOW = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
# Leo, born on 30 January 2008, is 18 on the day of family_document's incident.
LEO_AN_ADULT = dt.date(2008, 1, 30)


# --- The rule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "child"), [(None, True), (0, True), (15, True), (17, True), (18, False), (40, False)]
)
def test_a_child_is_under_18_and_an_unknown_age_counts_as_a_child(
    age: int | None, child: bool
) -> None:
    assert is_child(age) is child


def test_the_officer_is_told_in_plain_words_when_a_child_listed_is_an_adult() -> None:
    assert adult_listed_as_child("Leo Hart", 17) is None
    assert adult_listed_as_child("Leo Hart", 18) == (
        "Leo Hart is 18, so 18 or over, on the date of the incident: record them as an "
        "adult, not as a child"
    )


def _record(*children: ChildRecord) -> IncidentRecord:
    return IncidentRecord(
        is_police=False,
        police_reference="",
        occurred_at=NOW - dt.timedelta(days=1),
        reported_at=None,
        victims=1,
        perpetrators=1,
        children=list(children),
        no_children_attested=False,
        no_children_how="",
        arrest_made=None,
        no_arrest_reason="",
    )


def _child(name: str, age: int | None) -> ChildRecord:
    return ChildRecord(
        name=name,
        present=None,
        welfare_check_done=None,
        spoken_to=None,
        spoken_to_alone=None,
        not_spoken_to_reason="",
        not_alone_reason="",
        relationship_recorded=True,
        age=age,
    )


def test_an_adult_among_the_children_stops_submission_on_their_age_alone() -> None:
    problems = submission_problems(_record(_child("Mia", 8), _child("Leo", 19)), now=NOW)
    adult = [p for p in problems if p.field.startswith("children.1")]
    assert [(p.field, p.message) for p in adult] == [
        (
            "children.1.age",
            "Leo is 19, so 18 or over, on the date of the incident: record them as an adult, "
            "not as a child",
        )
    ]
    assert not any(p.field == "children.0.age" for p in problems)


# --- The services and the API ----------------------------------------------------------------


def _with_leo_born(born: dt.date, **changes: Any) -> Any:
    document = family_document(**changes)
    people = [replace(p, date_of_birth=born) if p.ref == "leo" else p for p in document.people]
    return replace(document, people=people)


@pytest.mark.django_db
def test_someone_18_or_over_is_refused_as_a_child_when_the_incident_is_recorded(
    wessex: Any,
) -> None:
    before = Incident.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        incident_record_document(actor=wessex.actor(OFFICER), document=_with_leo_born(LEO_AN_ADULT))
    assert refused.value.fields == {
        "children.1": [
            "Leo Hart is 18, so 18 or over, on the date of the incident: record them as an "
            "adult, not as a child"
        ]
    }
    assert Incident.objects.count() == before


@pytest.mark.django_db
def test_a_child_who_is_18_by_a_later_incident_date_stops_submission(wessex: Any) -> None:
    officer = wessex.actor(OFFICER)
    # 17 on the day first recorded; the date is then corrected to after his birthday.
    draft = incident_record_document(
        actor=officer,
        document=_with_leo_born(dt.date(2008, 12, 1), submit=False),
    )
    services.incident_update(
        actor=officer,
        incident=draft,
        changes=services.IncidentChanges(
            occurred_at=dt.datetime(2026, 12, 1, 20, tzinfo=dt.UTC),
            reported_at=dt.datetime(2026, 12, 1, 20, 5, tzinfo=dt.UTC),
        ),
    )
    with pytest.raises(ValidationFailed) as refused:
        services.incident_submit(actor=officer, incident=draft)
    assert refused.value.fields["children.1.age"] == [
        "Leo Hart is 18, so 18 or over, on the date of the incident: record them as an "
        "adult, not as a child"
    ]


@pytest.mark.django_db
def test_the_api_names_the_adult_listed_as_a_child_and_records_nothing(
    api_for: Callable[..., Api],  # noqa: F811
) -> None:
    police = api_for()
    before = Incident.objects.count()
    body = as_json(_with_leo_born(LEO_AN_ADULT))
    response = police.post(body)
    assert response.status_code == 422
    assert fields_of(response) == {
        "children.1.ref": [
            "Leo Hart is 18, so 18 or over, on the date of the incident: record them as an "
            "adult, not as a child"
        ]
    }
    assert Incident.objects.count() == before
    # A 17-year-old is a child.
    body = as_json(_with_leo_born(dt.date(2008, 11, 21)))
    assert police.post(body, key="key-2").status_code == 201


# --- The pages -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_child_page_says_on_the_date_of_birth_that_an_adult_is_not_a_child(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for(OFFICER)
    incident_id = start(client)
    fill_details(client, incident_id)  # 14 March 2026
    url = reverse("incident_person_find", args=[incident_id, "child"])
    response = client.post(
        url,
        {
            "given_names": "Jade",
            "family_name": "Quill",
            **date_fields("date_of_birth", dt.date(2007, 3, 14)),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    message = (
        "Jade Quill is 19, so 18 or over, on the date of the incident: record them as an "
        "adult, not as a child"
    )
    assert f'<a href="#id_date_of_birth_0">{message}</a>' in page
    assert message in page.split('id="date_of_birth-error"', 1)[-1]

    response = client.post(url, {"family_name": "Quill", "estimated_age": "20"})
    assert "Quill is 20, so 18 or over" in response.content.decode()
    assert 'href="#id_estimated_age"' in response.content.decode()
    # A 17-year-old goes on to the possible existing records.
    response = client.post(
        url,
        {
            "given_names": "Jade",
            "family_name": "Quill",
            **date_fields("date_of_birth", dt.date(2008, 3, 15)),
        },
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_check_your_answers_links_the_adult_listed_as_a_child_to_the_children_page(
    client_for: Callable[[str], Client], wessex: Any
) -> None:
    officer = wessex.actor(OFFICER)
    draft = incident_record_document(
        actor=officer, document=_with_leo_born(dt.date(2008, 12, 1), submit=False)
    )
    services.incident_update(
        actor=officer,
        incident=draft,
        changes=services.IncidentChanges(
            occurred_at=dt.datetime(2026, 12, 1, 20, tzinfo=dt.UTC),
            reported_at=dt.datetime(2026, 12, 1, 20, 5, tzinfo=dt.UTC),
        ),
    )
    client = client_for(OFFICER)
    with_time = reverse("incident_check", args=[draft.pk])
    response = client.post(with_time)
    page = response.content.decode()
    assert response.status_code == 200
    children = reverse("incident_children", args=[draft.pk])
    assert (
        f'<a href="{children}?change=1#main-content">Leo Hart is 18, so 18 or over, on the '
        "date of the incident: record them as an adult, not as a child</a>"
    ) in page
    draft.refresh_from_db()
    assert draft.status == Incident.Status.DRAFT


def test_the_document_fixture_is_a_day_when_leo_born_2008_is_18() -> None:
    born = Person(date_of_birth=LEO_AN_ADULT)
    assert born.age_on(OCCURRED.date()) == 18
    assert dataclasses.is_dataclass(family_document())
