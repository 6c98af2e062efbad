"""What the IDVA's and the MARAC coordinator's pages show (issue 14 §1): the alleged
perpetrator, a link to the incident where the viewer may open it, and for each household
child the front door's decision, their s.3 status, their risk level (CHILD-RISK-1) and,
for the MARAC only, their own words; and who sees a child's risk level (the child's front
door and the MARAC through the referral routes, not a school, another area's front door or
an IDVA service for a child not theirs)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hearth.accounts.services import api_key_issue
from hearth.audit.models import AccessEvent
from hearth.core.errors import NotFound
from hearth.incidents.models import Incident
from hearth.obligations import services
from hearth.obligations.models import Obligation
from hearth.obligations.selectors import obligation_get_for
from hearth.obligations.tests.factories import (
    FRONT_DOOR,
    IDVA,
    MARAC,
    OFFICER,
    PPU,
    SOUTH_FRONT_DOOR,
    checklist,
    of,
    submitted_incident,
    team,
)
from hearth.people.models import Person
from hearth.referrals import services as referral_services
from hearth.referrals.policy import Route
from hearth.referrals.selectors import ReferralShare
from hearth.risk import policy as risk_policy
from hearth.risk import services as risk_services
from hearth.risk.models import ChildRisk

DSL = "dsl@schools.wessex.example"
MIAS_WORDS = "Daddy was shouting and pushed Mummy. I hid with Ava&#x27;s blanket."


def _child(incident: Incident, name: str) -> Person:
    return incident.parties.get(role="child", person__given_names=name).person


def _mia_at_risk(wessex: Any, incident: Incident) -> ChildRisk:
    return risk_services.child_risk_record(
        actor=wessex.actor(OFFICER),
        child=_child(incident, "Mia"),
        incident=incident,
        factors=risk_policy.ChildRiskFactors(8, present_or_witnessed=True, own_fears=True),
    )


@pytest.fixture
def high_risk(wessex: Any) -> Incident:
    """Kerry's incident, graded high (MARAC and IDVA referrals), the MARAC referral sent,
    Mia's risk level recorded and the front door's decision on her notification."""
    incident = submitted_incident(wessex)
    checklist(wessex, incident, yes=15)
    _mia_at_risk(wessex, incident)
    mia = _child(incident, "Mia")
    notification = next(o for o in of(incident, Route.CHILD_CONCERN) if o.subject_id == mia.pk)
    referral_services.decision_record(
        actor=wessex.actor(FRONT_DOOR), obligation=notification, decision="early_help"
    )
    (marac,) = of(incident, Route.MARAC_REFERRAL)
    ppu = wessex.actor(PPU)
    referral_services.marac_referral_update(actor=ppu, obligation=marac, victim_aware=True)
    services.obligation_send(actor=ppu, obligation=marac)
    return incident


def _part(wessex: Any, email: str, obligation: Obligation) -> ReferralShare:
    detail = obligation_get_for(actor=wessex.actor(email), obligation_id=obligation.pk)
    part = detail.shared.part
    assert isinstance(part, ReferralShare)
    return part


def test_the_marac_sees_the_perpetrator_and_each_childs_decision_status_risk_and_words(
    wessex: Any, high_risk: Incident
) -> None:
    (marac,) = of(high_risk, Route.MARAC_REFERRAL)
    part = _part(wessex, MARAC, marac)
    (dean,) = part.perpetrators
    assert dean.person.full_name == "Dean Vance"
    assert dean.relationship == "married (now or in the past)"
    by_name = {item.child.given_names: item for item in part.children}
    assert set(by_name) == {"Mia", "Leo", "Ava"}
    mia, leo = by_name["Mia"], by_name["Leo"]
    assert (mia.decision, mia.decision_label) == ("early_help", "Early help")
    assert mia.decided_at is not None
    assert (leo.decision, leo.decision_label, leo.decided_at) == ("", "Not decided yet", None)
    assert mia.victim_status is not None and mia.victim_status.finding == "met"
    assert mia.risk is not None and mia.risk.level == risk_policy.ChildRiskLevel.SERIOUS
    assert leo.risk is None
    assert mia.shares_words and mia.own_words.startswith("Daddy was shouting")


def test_the_marac_page_shows_them_and_logs_what_it_showed(
    wessex: Any, high_risk: Incident, client_for: Callable[[str], Client]
) -> None:
    (marac,) = of(high_risk, Route.MARAC_REFERRAL)
    before = AccessEvent.objects.count()
    page = client_for(MARAC).get(reverse("obligation_detail", args=[marac.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "The alleged perpetrator" in body and "Dean Vance" in body
    assert "Born 15 September 1989" in body and "married (now or in the past)" in body
    assert "Early help" in body and "Not decided yet" in body
    assert "Yes, a victim in their own right" in body
    assert "Serious" in body and MIAS_WORDS in body
    # The MARAC may not open the police's incident: it is named, not linked.
    assert reverse("incident_detail", args=[high_risk.pk]) not in body
    assert "WX/2026/0001" in body
    event = AccessEvent.objects.order_by("-id").first()
    assert AccessEvent.objects.count() == before + 1 and event is not None
    logged = {(r.record_type, r.record_id) for r in event.records.all()}
    risk = ChildRisk.objects.get(child__given_names="Mia")
    dean = high_risk.parties.get(role="alleged_perpetrator").person
    assert ("risk.childrisk", str(risk.pk)) in logged
    assert ("people.person", str(dean.pk)) in logged


def test_the_referrer_sees_the_incident_linked(
    wessex: Any, high_risk: Incident, client_for: Callable[[str], Client]
) -> None:
    (marac,) = of(high_risk, Route.MARAC_REFERRAL)
    body = client_for(PPU).get(reverse("obligation_detail", args=[marac.pk])).content.decode()
    assert f'href="{reverse("incident_detail", args=[high_risk.pk])}"' in body


def test_the_idva_sees_the_household_but_not_the_childrens_words(
    wessex: Any, high_risk: Incident, client_for: Callable[[str], Client]
) -> None:
    (idva,) = of(high_risk, Route.IDVA_REFERRAL)
    part = _part(wessex, IDVA, idva)
    assert [p.person.full_name for p in part.perpetrators] == ["Dean Vance"]
    by_name = {item.child.given_names: item for item in part.children}
    assert set(by_name) == {"Mia", "Leo", "Ava"}
    mia = by_name["Mia"]
    assert mia.decision_label == "Early help" and mia.risk is not None
    assert not mia.shares_words and mia.own_words == ""
    body = client_for(IDVA).get(reverse("obligation_detail", args=[idva.pk])).content.decode()
    assert "Dean Vance" in body and "Early help" in body and "Serious" in body
    assert "Daddy was shouting" not in body
    assert "not with the IDVA service" in body


def test_the_childs_front_door_sees_their_risk_level_through_the_notification(
    wessex: Any, high_risk: Incident, client_for: Callable[[str], Client]
) -> None:
    mia = _child(high_risk, "Mia")
    notification = next(o for o in of(high_risk, Route.CHILD_CONCERN) if o.subject_id == mia.pk)
    part = _part(wessex, FRONT_DOOR, notification)
    assert part.child_risk is not None and part.child_risk.child_id == mia.pk
    body = (
        client_for(FRONT_DOOR)
        .get(reverse("obligation_detail", args=[notification.pk]))
        .content.decode()
    )
    assert "Risk level" in body and "Serious" in body
    leo = _child(high_risk, "Leo")
    other = next(o for o in of(high_risk, Route.CHILD_CONCERN) if o.subject_id == leo.pk)
    assert _part(wessex, FRONT_DOOR, other).child_risk is None


@pytest.mark.parametrize("email", [DSL, SOUTH_FRONT_DOOR, IDVA])
def test_a_school_another_area_or_an_idva_does_not_see_a_childs_risk_level(
    wessex: Any, high_risk: Incident, email: str
) -> None:
    mia = _child(high_risk, "Mia")
    actor = wessex.actor(email)
    assert not ChildRisk.objects.visible_to(actor).filter(child=mia).exists()
    notification = next(o for o in of(high_risk, Route.CHILD_CONCERN) if o.subject_id == mia.pk)
    with pytest.raises(NotFound):
        obligation_get_for(actor=actor, obligation_id=notification.pk)


def test_an_idva_sees_no_risk_of_a_child_not_in_the_victims_household(
    wessex: Any, high_risk: Incident
) -> None:
    other = submitted_incident(wessex, reference="WX/2026/0002")
    checklist(wessex, other, yes=15)
    (idva,) = of(other, Route.IDVA_REFERRAL)
    part = _part(wessex, IDVA, idva)
    assert {item.child.pk for item in part.children}.isdisjoint(
        {p.person_id for p in high_risk.parties.all()}
    )
    assert all(item.risk is None for item in part.children)


# --- The API ----------------------------------------------------------------------------------


def _api(wessex: Any, agency: str, role: str, team_slug: str) -> Callable[[str], Any]:
    issued = api_key_issue(
        actor=None,
        agency=wessex.agency(agency),
        name=f"{agency} {role}",
        roles=[role],
        team=team(team_slug),
    )
    client = Client()
    return lambda path: client.get(
        f"/api/v1{path}", headers={"Authorization": f"Bearer {issued.raw_key}"}
    )


def test_the_api_gives_the_idva_and_the_marac_the_same_household(
    wessex: Any, high_risk: Incident
) -> None:
    (marac,) = of(high_risk, Route.MARAC_REFERRAL)
    marac_team = Obligation.objects.get(pk=marac.pk).team
    get = _api(wessex, marac_team.agency.slug, "marac_coordinator", marac_team.slug)
    answer = get(f"/obligations/{marac.pk}")
    assert answer.status_code == 200, answer.content
    household = json.loads(answer.content)["shared"]["household"]
    (dean,) = household["perpetrators"]
    assert dean["person"]["name"] == "Dean Vance"
    assert dean["relationship"] == "married (now or in the past)"
    mia = next(c for c in household["children"] if c["child"]["name"] == "Mia Vance")
    assert mia["decision"] == "early_help" and mia["decision_label"] == "Early help"
    assert mia["victim_in_own_right"] == "met" and mia["victim_in_own_right_reasons"]
    assert mia["risk"]["level"] == 3 and mia["risk"]["rule"] == "CHILD-RISK-1"
    assert mia["own_words"].startswith("Daddy was shouting")
    leo = next(c for c in household["children"] if c["child"]["name"] == "Leo Hart")
    assert (leo["decision"], leo["decision_label"], leo["risk"]) == (
        None,
        "Not decided yet",
        None,
    )

    (idva,) = of(high_risk, Route.IDVA_REFERRAL)
    idva_team = Obligation.objects.get(pk=idva.pk).team
    get = _api(wessex, idva_team.agency.slug, "idva", idva_team.slug)
    household = json.loads(get(f"/obligations/{idva.pk}").content)["shared"]["household"]
    mia = next(c for c in household["children"] if c["child"]["name"] == "Mia Vance")
    assert mia["own_words"] is None and mia["risk"]["level"] == 3


def test_the_api_gives_the_front_door_the_childs_risk_level(
    wessex: Any, high_risk: Incident
) -> None:
    mia = _child(high_risk, "Mia")
    notification = next(o for o in of(high_risk, Route.CHILD_CONCERN) if o.subject_id == mia.pk)
    get = _api(
        wessex,
        "northshire-council-childrens-services",
        "front_door_practitioner",
        "northshire-front-door",
    )
    shared = json.loads(get(f"/obligations/{notification.pk}").content)["shared"]
    assert shared["child_risk"]["label"] == "Serious"
    assert shared["household"] is None
