"""A person of one agency cannot read another agency's records by guessing ids, on the
web or through the API, and gets the same 404 as for a record that does not exist
(issue 2, point 7; architecture §4). Administrators of any agency read no case, and a
response officer reads only the people of their own incidents (issue 11 §2)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hearth.accounts.models import Agency, Team, User
from hearth.accounts.services import api_key_issue, membership_add, user_ensure
from hearth.audit.models import AccessEvent
from hearth.core.actor import AgencyKind, Role
from hearth.demo.wessex import DEMO_PASSWORD
from hearth.encompass.models import EncompassNotification
from hearth.incidents.documents import incident_record_document
from hearth.incidents.models import ChildInvolvement, Incident
from hearth.incidents.policy import PartyRole
from hearth.incidents.tests.factories import family_document
from hearth.obligations.models import Obligation
from hearth.people.models import Person
from hearth.risk.models import CircumstanceChange

SOUTHMOOR_FRONT_DOOR = "front.door@southmoor.wessex.example"


def other_agencies_records() -> tuple[list[int], list[int]]:
    """Every team and person that Southmoor's front door has no reason to see."""
    teams = list(
        Team.objects.exclude(agency__slug="southmoor-council-childrens-services").values_list(
            "pk", flat=True
        )
    )
    people = list(
        User.objects.exclude(
            memberships__agency__slug="southmoor-council-childrens-services"
        ).values_list("pk", flat=True)
    )
    return teams, people


def page_without_tokens(response: Any) -> bytes:
    """The page as a person sees it: the per-response CSRF token and CSP nonce removed."""
    return re.sub(rb'(nonce|value)="[^"]*"', b"", response.content)


def missing_ids() -> tuple[int, int]:
    return Team.objects.latest("pk").pk + 1000, User.objects.latest("pk").pk + 1000


def test_guessing_ids_on_the_web_finds_nothing(client_for: Callable[[str], Client]) -> None:
    client = client_for(SOUTHMOOR_FRONT_DOOR)
    teams, people = other_agencies_records()
    assert len(teams) > 40 and len(people) > 40  # the demo area really has others' records
    missing_team, missing_person = missing_ids()
    missing = [
        client.get(reverse("team_detail", args=[missing_team])),
        client.get(reverse("colleague_detail", args=[missing_person])),
    ]
    for response in missing:
        assert response.status_code == 404
    events_before = AccessEvent.objects.count()
    for team_id in teams:
        response = client.get(reverse("team_detail", args=[team_id]))
        assert response.status_code == 404
        assert page_without_tokens(response) == page_without_tokens(
            missing[0]
        )  # forbidden looks exactly like missing
    for user_id in people:
        response = client.get(reverse("colleague_detail", args=[user_id]))
        assert response.status_code == 404
        assert page_without_tokens(response) == page_without_tokens(missing[1])
    # Nothing was shown, so nothing was logged as read.
    assert AccessEvent.objects.count() == events_before


def test_the_same_person_can_read_their_own_agency(client_for: Callable[[str], Client]) -> None:
    client = client_for(SOUTHMOOR_FRONT_DOOR)
    own = Team.objects.get(slug="southmoor-front-door")
    response = client.get(reverse("team_detail", args=[own.pk]))
    assert response.status_code == 200
    assert b"Sam Everett" in response.content


@pytest.fixture
def southmoor_system(wessex: Any) -> str:
    return api_key_issue(
        actor=None,
        agency=wessex.agency("southmoor-council-childrens-services"),
        name="Southmoor case system",
        roles=["front_door_practitioner"],
    ).raw_key


def test_guessing_ids_through_the_api_finds_nothing(southmoor_system: str) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {southmoor_system}")
    teams, people = other_agencies_records()
    missing_team, missing_person = missing_ids()
    missing = client.get(f"/api/v1/teams/{missing_team}")
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "not_found", "message": "Not found"}}
    for team_id in teams:
        response = client.get(f"/api/v1/teams/{team_id}")
        assert response.status_code == 404
        assert response.json() == missing.json()
    for user_id in [*people, missing_person]:
        response = client.get(f"/api/v1/colleagues/{user_id}")
        assert response.status_code == 404
        assert response.json() == missing.json()
    own = Team.objects.get(slug="southmoor-front-door")
    assert client.get(f"/api/v1/teams/{own.pk}").status_code == 200


def test_the_api_session_follows_the_same_rules(client_for: Callable[[str], Client]) -> None:
    client = client_for(SOUTHMOOR_FRONT_DOOR)
    northshire = Team.objects.get(slug="northshire-front-door")
    assert client.get(f"/api/v1/teams/{northshire.pk}").status_code == 404
    own = Team.objects.get(slug="southmoor-front-door")
    assert client.get(f"/api/v1/teams/{own.pk}").status_code == 200


# --- Administrators see configuration, never case content (issue 11 §2) ----------------------

ADMIN = "administrator@hearth.wessex.example"
OFFICER = "response.officer@police.wessex.example"


def an_agency_of_each_kind() -> dict[str, Agency]:
    """One agency of every kind, the one holding most case records where there is a choice
    (the force that records, the council that raised a concern, the school most told)."""
    chosen: dict[str, Agency] = {}
    for kind in AgencyKind.values:
        agencies = Agency.objects.filter(kind=kind)
        chosen[kind] = max(
            agencies.order_by("pk"),
            key=lambda a: (
                Incident.objects.filter(recorded_by_agency=a).count()
                + Obligation.objects.filter(team__agency=a).count()
            ),
        )
    return chosen


def case_pages() -> list[str]:
    """Every page of the demo that shows a case: each person, victim's risk, child, child's
    safeguarding record, incident, obligation and Operation Encompass notification."""
    people = list(Person.objects.values_list("pk", flat=True))
    children = set(ChildInvolvement.objects.values_list("child_id", flat=True))
    incidents = list(Incident.objects.values_list("pk", flat=True))
    obligations = list(Obligation.objects.values_list("pk", flat=True))
    notifications = list(EncompassNotification.objects.values_list("obligation_id", flat=True))
    assert people and children and incidents and obligations and notifications
    return [
        *(reverse("person_detail", args=[p]) for p in people),
        *(reverse("risk_victim", args=[p]) for p in people),
        *(reverse("child_detail", args=[c]) for c in children),
        *(reverse("child_safeguarding_record", args=[c]) for c in children),
        *(reverse("incident_detail", args=[i]) for i in incidents),
        *(reverse("obligation_detail", args=[o]) for o in obligations),
        *(reverse("encompass_detail", args=[n]) for n in notifications),
    ]


def case_api() -> list[str]:
    """Every API read of a case in the demo."""
    children = set(ChildInvolvement.objects.values_list("child_id", flat=True))
    incidents = list(Incident.objects.values_list("pk", flat=True))
    return [
        *(f"/api/v1/incidents/{i}" for i in incidents),
        *(f"/api/v1/incidents/{i}/obligations" for i in incidents),
        *(f"/api/v1/incidents/{i}/assessments" for i in incidents),
        *(f"/api/v1/children/{c}" for c in children),
        *(f"/api/v1/obligations/{o}" for o in Obligation.objects.values_list("pk", flat=True)),
        *(
            f"/api/v1/encompass/notifications/{n}"
            for n in EncompassNotification.objects.values_list("obligation_id", flat=True)
        ),
    ]


@pytest.fixture
def administrator_everywhere(wessex: Any) -> dict[str, Agency]:
    """The demo's administrator (of the service and of Wessex Police) made an
    administrator of one agency of every kind, through the services."""
    agencies = an_agency_of_each_kind()
    admin = wessex.user(ADMIN)
    for agency in agencies.values():
        membership_add(actor=None, user=admin, agency=agency, role=Role.ADMINISTRATOR)
    return agencies


def act_for(client: Client, agency: Agency) -> None:
    response = client.post(reverse("choose_agency"), {"agency": agency.pk})
    assert response.status_code == 302, f"could not act for {agency.name}"
    client.get(reverse("home"))  # shows (and so clears) "You are now working for ..."


@pytest.mark.parametrize("kind", AgencyKind.values)
def test_an_administrator_acting_for_any_kind_of_agency_sees_no_case(
    kind: str, administrator_everywhere: dict[str, Agency], client_for: Callable[[str], Client]
) -> None:
    agency = administrator_everywhere[kind]
    client = client_for(ADMIN)
    act_for(client, agency)
    missing = page_without_tokens(client.get(reverse("person_detail", args=[999_999])))
    shown = [url for url in case_pages() if client.get(url).status_code != 404]
    assert shown == [], f"an administrator of {agency.name} reads cases"
    # Forbidden looks exactly like missing.
    first = Person.objects.order_by("pk").first()
    assert first is not None
    assert page_without_tokens(client.get(reverse("person_detail", args=[first.pk]))) == missing
    # Through the API with the session, and with the agency's administrator key.
    assert [url for url in case_api() if client.get(url).status_code != 404] == []
    key = api_key_issue(actor=None, agency=agency, name="Admin tools", roles=[Role.ADMINISTRATOR])
    system = Client(HTTP_AUTHORIZATION=f"Bearer {key.raw_key}")
    assert [url for url in case_api() if system.get(url).status_code != 404] == []
    # Lists and inboxes name no one either.
    names = [p.full_name.encode() for p in Person.objects.all()]
    for url in (
        reverse("incident_list"),
        reverse("inbox_home"),
        reverse("referrals_sent"),
        reverse("encompass_inbox"),
        reverse("encompass_sent"),
        *(reverse("team_inbox", args=[t]) for t in agency.teams.values_list("pk", flat=True)),
    ):
        response = client.get(url, follow=True)
        assert response.status_code in (200, 403, 404), url
        assert not [n for n in names if n in response.content], url


def test_an_administrator_acting_for_the_force_cannot_record_a_victims_change(
    client_for: Callable[[str], Client], wessex: Any
) -> None:
    client = client_for(ADMIN)
    act_for(client, wessex.agency("wessex-police"))
    victim = Incident.objects.get(police_reference="WX/DEMO/0001").parties.get(
        role=PartyRole.ADULT_VICTIM
    )
    before = CircumstanceChange.objects.count()
    response = client.post(
        reverse("risk_victim", args=[victim.person_id]),
        {
            "kind": "separation",
            "changed_on-day": "1",
            "changed_on-month": "12",
            "changed_on-year": "2026",
            "note": "",
        },
    )
    assert response.status_code == 404
    assert CircumstanceChange.objects.count() == before


def test_administrators_still_reach_their_configuration_pages(
    client_for: Callable[[str], Client], wessex: Any
) -> None:
    client = client_for(ADMIN)
    for url in (
        reverse("team_list"),
        reverse("risk_area_list"),
        reverse("encompass_area_list"),
        reverse("school_list"),
    ):
        assert client.get(url).status_code == 200, url
    act_for(client, wessex.agency("wessex-police"))
    assert client.get(reverse("team_list")).status_code == 200


# --- A response officer reads the people of their own incidents only (issue 11 §2) ------------


@pytest.fixture
def colleagues_incident(wessex: Any) -> Incident:
    """A submitted incident recorded by another response officer of the same force."""
    police = wessex.agency("wessex-police")
    colleague = user_ensure(
        actor=None,
        email="second.officer@police.wessex.example",
        first_name="Rowan",
        last_name="Hale",
        password=DEMO_PASSWORD,
        is_demo=True,
    )
    team = wessex.user(OFFICER).memberships.get(agency=police).team
    membership_add(actor=None, user=colleague, agency=police, role=Role.RESPONSE_OFFICER, team=team)
    actor = wessex.actor(colleague.email)
    return incident_record_document(actor=actor, document=family_document(reference="WX/2026/0777"))


def test_a_response_officer_reads_no_one_outside_their_own_incidents(
    client_for: Callable[[str], Client], colleagues_incident: Incident
) -> None:
    client = client_for(OFFICER)
    assert client.get(reverse("incident_detail", args=[colleagues_incident.pk])).status_code == 404
    people = list(colleagues_incident.parties.values_list("person_id", flat=True))
    children = list(colleagues_incident.child_involvements.values_list("child_id", flat=True))
    assert len(people) == 5 and len(children) == 3
    urls = [
        *(reverse("person_detail", args=[p]) for p in people),
        *(reverse("risk_victim", args=[p]) for p in people),
        *(reverse("child_detail", args=[c]) for c in children),
        *(reverse("child_safeguarding_record", args=[c]) for c in children),
        *(f"/api/v1/children/{c}" for c in children),
        f"/api/v1/incidents/{colleagues_incident.pk}",
    ]
    assert [url for url in urls if client.get(url).status_code != 404] == []
    victim = colleagues_incident.parties.get(role=PartyRole.ADULT_VICTIM).person_id
    before = CircumstanceChange.objects.count()
    response = client.post(
        reverse("risk_victim", args=[victim]),
        {
            "kind": "other",
            "note": "Moved",
            "changed_on-day": "1",
            "changed_on-month": "12",
            "changed_on-year": "2026",
        },
    )
    assert response.status_code == 404
    assert CircumstanceChange.objects.count() == before


def test_the_colleague_and_public_protection_read_the_same_people(
    client_for: Callable[[str], Client], colleagues_incident: Incident
) -> None:
    victim = colleagues_incident.parties.get(role=PartyRole.ADULT_VICTIM).person_id
    for email in ("second.officer@police.wessex.example", "ppu.officer@police.wessex.example"):
        client = client_for(email)
        assert client.get(reverse("person_detail", args=[victim])).status_code == 200
        assert client.get(reverse("risk_victim", args=[victim])).status_code == 200
