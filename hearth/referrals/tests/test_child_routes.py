"""Every child route acts only for a child, under 18 on the day of the incident (Children
Act 1989 s.105), and a child who harmed (the alleged perpetrator, under 18) is a child
to safeguard: their front door is told, with that reason (issue 11 §3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from hearth.core.clock import LONDON
from hearth.core.errors import ValidationFailed
from hearth.incidents.documents import (
    ChildIn,
    IncidentDocument,
    PersonIn,
    RelationshipIn,
    incident_record_document,
)
from hearth.incidents.services import IncidentChanges
from hearth.obligations.tests.factories import NORTHSHIRE, OFFICER, area, of, team
from hearth.referrals import policy
from hearth.referrals.policy import Route
from hearth.risk import policy as risk_policy
from hearth.risk import services as risk_services

NORTH = 1
AREAS = {
    NORTH: policy.AreaRouting(
        area_id=NORTH,
        area_name="Northshire",
        front_door_team_id=10,
        marac_team_id=11,
        idva_team_id=12,
    )
}
RECEIVED = dt.datetime(2026, 11, 20, 23, 0, tzinfo=LONDON)


def _routed(*children: policy.ChildIn) -> list[policy.PlannedObligation]:
    incident = policy.IncidentIn(
        incident_id=7, received_at=RECEIVED, referral_source="6", children=children, victims=()
    )
    return list(policy.route_incident(incident, AREAS).planned)


@pytest.mark.parametrize(
    ("age", "notified"), [(None, True), (0, True), (17, True), (18, False), (19, False)]
)
def test_the_front_door_is_told_about_a_child_under_18_only(
    age: int | None, notified: bool
) -> None:
    planned = _routed(policy.ChildIn(101, NORTH, age=age))
    assert [p.subject_id for p in planned] == ([101] if notified else [])


def test_the_front_door_is_told_about_a_child_who_harmed_with_the_reason() -> None:
    (plan,) = _routed(policy.ChildIn(101, NORTH, age=15, harmed=True))
    assert plan.route == Route.CHILD_CONCERN
    assert plan.reason.startswith(
        "A child who harmed an adult at a domestic abuse incident (the alleged perpetrator, "
        "under 18: child-to-parent abuse, for example) is a child to safeguard, living in "
        "Northshire: their children's services front door is told"
    )


def test_a_follow_up_is_for_children_under_18_only() -> None:
    result = policy.follow_ups_for_adult_support(
        victim_id=1,
        incident_id=7,
        support_route=Route.IDVA_REFERRAL,
        acknowledged_at=RECEIVED,
        children=[
            policy.FollowUpChild(person_id=101, lead_team_id=10, age=9),
            policy.FollowUpChild(person_id=102, lead_team_id=10, age=18),
            policy.FollowUpChild(person_id=103, lead_team_id=10),
        ],
    )
    assert [p.subject_id for p in result.planned] == [101, 103]


# --- On the database: a child who harmed their mother ------------------------------------------

OCCURRED = dt.datetime(2026, 11, 20, 22, 40, tzinfo=dt.UTC)


def child_to_parent(
    born: dt.date = dt.date(2011, 5, 1), *, listed_as_child: bool = True
) -> IncidentDocument:
    """Jayden (15 on the day unless told) pushed his mother, Kerry. No other child."""
    return IncidentDocument(
        people=[
            PersonIn(
                ref="mother",
                given_names="Kerry",
                family_name="Vance",
                date_of_birth=dt.date(1984, 4, 2),
                sex="female",
                address_line_1="14 Larch Close",
                address_town="Ashcombe",
                address_postcode="WX1 4LC",
            ),
            PersonIn(
                ref="jayden",
                given_names="Jayden",
                family_name="Vance",
                date_of_birth=born,
                sex="male",
            ),
        ],
        victims=["mother"],
        perpetrators=["jayden"],
        children=[
            ChildIn(
                "jayden",
                {
                    "present": True,
                    "normally_resident": True,
                    "welfare_check_done": True,
                    "welfare_check_by": "PC 4417",
                    "spoken_to": True,
                    "spoken_to_alone": False,
                    "not_alone_reason": "Spoken to with an appropriate adult, as the suspect",
                    "own_words": "I lost it when she took my phone.",
                    "education": "registered",
                    "education_setting": "Ashcombe Academy",
                },
            )
        ]
        if listed_as_child
        else [],
        relationships=[
            RelationshipIn("mother", "jayden", "parent", parental_responsibility=True),
        ],
        details=IncidentChanges(
            police_reference="WX/2026/0303",
            occurred_at=OCCURRED,
            reported_at=OCCURRED + dt.timedelta(minutes=5),
            location_line_1="14 Larch Close",
            location_town="Ashcombe",
            abuse_types=["physical_or_sexual"],
            pattern="single_incident",
            arrest_made=True,
            victim_pregnant="no",
            local_authority_id=None,
        ),
    )


def _record(wessex: Any, document: IncidentDocument) -> Any:
    details = replace(document.details, local_authority_id=area(NORTHSHIRE).pk)
    return incident_record_document(
        actor=wessex.actor(OFFICER), document=replace(document, details=details)
    )


@pytest.mark.django_db
def test_a_child_who_harmed_their_mother_is_recorded_and_their_front_door_told(
    wessex: Any,
) -> None:
    incident = _record(wessex, child_to_parent())
    # Submitted without attesting that there are no children: Jayden is one.
    assert incident.status == "submitted" and not incident.no_children_attested
    jayden = incident.parties.get(role="alleged_perpetrator").person
    assert incident.child_involvements.filter(child=jayden).exists()
    (notification,) = of(incident, Route.CHILD_CONCERN)
    assert notification.subject_id == jayden.pk
    assert notification.team_id == team("northshire-front-door").pk
    assert "A child who harmed an adult at a domestic abuse incident" in notification.reason


@pytest.mark.django_db
def test_an_alleged_perpetrator_under_18_must_be_listed_as_a_child_too(wessex: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _record(wessex, child_to_parent(listed_as_child=False))
    assert refused.value.fields == {
        "perpetrators.0": [
            "Jayden Vance is 15, so under 18, on the date of the incident: list them in "
            "children too, as a child who harmed, with what happened to them"
        ]
    }


@pytest.mark.django_db
def test_an_adult_perpetrator_is_not_a_child_who_harmed(wessex: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _record(wessex, child_to_parent(born=dt.date(2000, 1, 1)))
    assert list(refused.value.fields) == ["children.0"]
    assert "can be listed as a child too only when under 18" in refused.value.message + str(
        refused.value.fields
    )


@pytest.mark.django_db
def test_a_childs_risk_level_is_refused_for_someone_18_or_over(wessex: Any) -> None:
    incident = _record(wessex, child_to_parent(born=dt.date(2008, 11, 21)))  # 17
    jayden = incident.parties.get(role="alleged_perpetrator").person
    officer = wessex.actor(OFFICER)
    risk = risk_services.child_risk_record(
        actor=officer, child=jayden, incident=incident, factors=risk_policy.ChildRiskFactors(17)
    )
    assert risk.level >= 1
    jayden.date_of_birth = dt.date(2008, 11, 19)  # corrected: 18 the day before
    jayden.save(update_fields=["date_of_birth"])
    with pytest.raises(ValidationFailed, match="18 or over, on the date of the incident"):
        risk_services.child_risk_record(
            actor=officer,
            child=jayden,
            incident=incident,
            factors=risk_policy.ChildRiskFactors(18),
        )
