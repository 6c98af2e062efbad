"""FOLLOW-UP-1 generalised (issue 14 §4): whenever support for an adult victim starts (an
IDVA or MARAC referral acknowledged, or whatever another app records and says with the
ledger's ``support_started``), each related child gets one follow-up owned by their lead
agency, unless one is already open for them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from hearth.core.clock import LONDON
from hearth.incidents.models import Incident
from hearth.obligations import services
from hearth.obligations.models import Obligation, UnroutedWork
from hearth.obligations.services.steps import support_started
from hearth.obligations.tests.factories import (
    FRONT_DOOR,
    IDVA,
    MARAC,
    PPU,
    checklist,
    of,
    submitted_incident,
)
from hearth.people.models import Person, Relationship
from hearth.referrals import policy
from hearth.referrals import services as referral_services
from hearth.referrals.policy import Route, Status

STARTED = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)


def _plan(
    *children: policy.FollowUpChild, open_ids: frozenset[int] = frozenset(), **source: Any
) -> policy.RoutingResult:
    return policy.follow_ups_for_adult_support(
        victim_id=201,
        incident_id=7,
        acknowledged_at=STARTED,
        children=list(children),
        open_child_ids=open_ids,
        **source,
    )


# --- The rule (pure) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "words"),
    [
        (Route.IDVA_REFERRAL, "IDVA support acknowledged"),
        (Route.MARAC_REFERRAL, "MARAC referral acknowledged"),
    ],
)
def test_an_idva_or_marac_referral_acknowledged_keeps_the_first_key(
    source: Route, words: str
) -> None:
    (plan,) = _plan(policy.FollowUpChild(101, 10, age=8), source=source, source_ref="55").planned
    assert plan.key == "FOLLOW-UP-1:incident:7:child:101"
    assert plan.reason == (
        f"The adult victim's support started: {words}. The child must be seen and their "
        "safety and support confirmed too"
    )
    assert (plan.route, plan.subject_id, plan.team_id) == (Route.CHILD_FOLLOW_UP, 101, 10)
    assert plan.data == {"victim_id": 201, "support_route": str(source)}


@pytest.mark.parametrize(
    ("source", "ref", "words", "key_end"),
    [
        ("marac_action", "88", "", ":after:marac_action:88"),
        ("family_plan_support", "201:2026-12-01", "", ":after:family_plan_support:201:2026-12-01"),
        ("refuge_placement", "91", "A refuge place started", ":after:refuge_placement:91"),
    ],
)
def test_any_other_support_has_its_own_key_and_says_what_started(
    source: str, ref: str, words: str, key_end: str
) -> None:
    (plan,) = _plan(
        policy.FollowUpChild(101, 10, age=8), source=source, source_ref=ref, source_words=words
    ).planned
    assert plan.key == "FOLLOW-UP-1:incident:7:child:101" + key_end
    assert (words or policy.SUPPORT_SOURCE_WORDS[source]) in plan.reason
    assert plan.data["support_route"] == source


def test_the_same_support_plans_the_same_keys_and_another_support_others() -> None:
    child = policy.FollowUpChild(101, 10, age=8)
    first = _plan(child, source="marac_action", source_ref="88").planned
    again = _plan(child, source="marac_action", source_ref="88").planned
    other = _plan(child, source="marac_action", source_ref="89").planned
    assert [p.key for p in first] == [p.key for p in again]
    assert first[0].key != other[0].key


def test_a_child_with_a_follow_up_open_gets_no_second_one() -> None:
    result = _plan(
        policy.FollowUpChild(101, 10, age=8),
        policy.FollowUpChild(102, 10, age=12),
        open_ids=frozenset({101}),
        source="marac_action",
        source_ref="88",
    )
    assert [p.subject_id for p in result.planned] == [102]
    assert result.unrouted == ()


def test_a_child_whose_follow_up_closed_gets_a_new_one_for_a_later_support() -> None:
    # Only open follow-ups are passed in: a closed one stops nothing.
    result = _plan(policy.FollowUpChild(101, 10, age=8), source="marac_action", source_ref="90")
    assert [p.subject_id for p in result.planned] == [101]


def test_a_child_named_twice_gets_one_follow_up() -> None:
    child = policy.FollowUpChild(101, 10, age=8)
    result = _plan(child, child, source=Route.IDVA_REFERRAL)
    assert len(result.planned) == 1


@pytest.mark.parametrize(("age", "followed"), [(None, True), (0, True), (17, True), (18, False)])
def test_only_a_child_under_18_is_followed_up(age: int | None, followed: bool) -> None:
    result = _plan(policy.FollowUpChild(101, 10, age=age), source=Route.IDVA_REFERRAL)
    assert [p.subject_id for p in result.planned] == ([101] if followed else [])


def test_a_child_with_no_lead_agency_is_unrouted_even_when_another_is_open() -> None:
    result = _plan(
        policy.FollowUpChild(101, None, age=8),
        policy.FollowUpChild(102, None, age=8),
        open_ids=frozenset({102}),
        source="marac_action",
        source_ref="88",
    )
    assert result.planned == ()
    assert [(u.route, u.subject_id) for u in result.unrouted] == [(Route.CHILD_FOLLOW_UP, 101)]


def test_the_follow_up_is_due_ten_working_days_after_the_support_started() -> None:
    (plan,) = _plan(policy.FollowUpChild(101, 10, age=8), source="marac_action").planned
    (deadline,) = plan.deadlines
    assert deadline.stage == policy.Stage.OUTCOME
    assert deadline.due_at == dt.datetime(2026, 12, 15, 23, 59, 59, tzinfo=LONDON)


# --- On the database --------------------------------------------------------------------------


def _victim(incident: Incident) -> Person:
    return incident.parties.get(role="adult_victim").person


def _started(incident: Incident, *, source: str = "family_plan_support", **kwargs: Any) -> None:
    """Another app says the adult's support started, as the marac and families apps do:
    the real signal, inside the sender's transaction."""
    arguments: dict[str, Any] = {
        "actor": None,
        "adult_id": _victim(incident).pk,
        "incident_id": incident.pk,
        "source": source,
        "source_words": "A refuge place recorded on the family plan",
        "source_obligation_id": None,
        "started_at": STARTED,
        "child_ids": [],
    }
    with transaction.atomic():
        support_started.send(sender=object, **{**arguments, **kwargs})


def _follow_ups(incident: Incident) -> list[Obligation]:
    return of(incident, Route.CHILD_FOLLOW_UP)


def _child(incident: Incident, given: str, born: dt.date) -> Person:
    return Person.objects.create(
        given_names=given,
        family_name="Vance",
        date_of_birth=born,
        recorded_by_agency=incident.recorded_by_agency,
    )


def test_the_idva_acknowledging_follows_up_each_child_through_the_same_rule(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    checklist(wessex, incident, yes=14)
    (idva,) = of(incident, Route.IDVA_REFERRAL)
    services.obligation_acknowledge(actor=wessex.actor(IDVA), obligation=idva)
    follow_ups = _follow_ups(incident)
    assert len(follow_ups) == 3
    assert {o.key for o in follow_ups} == {
        f"FOLLOW-UP-1:incident:{incident.pk}:child:{o.subject_id}" for o in follow_ups
    }
    assert all(o.reason.startswith("The adult victim's support started: IDVA") for o in follow_ups)
    assert all(list(o.triggered_by.all()) == [idva] for o in follow_ups)
    assert {o.team.slug for o in follow_ups} == {"northshire-front-door"}


def test_support_started_by_another_app_follows_up_each_child_once(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    _started(incident)
    follow_ups = _follow_ups(incident)
    assert len(follow_ups) == 3
    day = STARTED.date().isoformat()
    victim = _victim(incident)
    assert all(o.key.endswith(f":after:family_plan_support:{victim.pk}:{day}") for o in follow_ups)
    assert all("A refuge place recorded on the family plan" in o.reason for o in follow_ups)
    assert all(o.status == Status.SENT for o in follow_ups)
    assert all(not o.triggered_by.exists() for o in follow_ups)
    # The same support said again makes nothing new; nor does another while they are open.
    _started(incident)
    _started(incident, source="marac_action", source_words="A MARAC action")
    assert len(_follow_ups(incident)) == 3


def test_a_support_after_the_idva_makes_nothing_new_while_the_follow_ups_are_open(
    wessex: Any,
) -> None:
    incident = submitted_incident(wessex)
    checklist(wessex, incident, yes=14)
    (idva,) = of(incident, Route.IDVA_REFERRAL)
    services.obligation_acknowledge(actor=wessex.actor(IDVA), obligation=idva)
    _started(incident, source="marac_action", source_words="A MARAC action for her")
    assert len(_follow_ups(incident)) == 3


def test_a_child_whose_follow_up_closed_is_followed_up_again_after_a_later_support(
    wessex: Any,
) -> None:
    incident = submitted_incident(wessex)
    _started(incident)
    first = _follow_ups(incident)[0]
    services.outcome_record(
        actor=wessex.actor(FRONT_DOOR),
        obligation=first,
        outcome="safe_and_supported",
        note="Seen at school with her teacher on 3 December",
    )
    _started(incident, started_at=STARTED + dt.timedelta(days=30))
    again = [o for o in _follow_ups(incident) if o.subject_id == first.subject_id]
    assert len(again) == 2 and {o.status for o in again} == {Status.CLOSED, Status.SENT}
    assert len(_follow_ups(incident)) == 4  # the other two were still open


def test_children_the_adult_cares_for_are_followed_up_and_adults_are_not(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    victim = _victim(incident)
    sam = _child(incident, "Sam", dt.date(2016, 3, 4))  # not at the incident
    Relationship.objects.create(person=victim, other=sam, kinship="parent")
    tia = _child(incident, "Tia", dt.date(2019, 7, 1))  # recorded from the child's side
    Relationship.objects.create(person=tia, other=victim, kinship="step_child")
    grown = _child(incident, "Jon", dt.date(2005, 1, 1))  # 21: not a child
    Relationship.objects.create(person=victim, other=grown, kinship="parent")
    cousin = _child(incident, "Ned", dt.date(2017, 1, 1))  # not cared for by her
    Relationship.objects.create(person=victim, other=cousin, kinship="cousin")
    named = _child(incident, "Ivy", dt.date(2020, 2, 2))  # given by the sender
    _started(incident, child_ids=[named.pk])
    followed = {o.subject_id for o in _follow_ups(incident)}
    assert {sam.pk, tia.pk, named.pk} <= followed
    assert grown.pk not in followed and cousin.pk not in followed
    assert len(followed) == 6


def test_the_household_children_of_a_marac_referral_are_followed_up(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    checklist(wessex, incident, yes=15)
    (marac,) = of(incident, Route.MARAC_REFERRAL)
    zoe = _child(incident, "Zoe", dt.date(2015, 8, 8))  # lives with her, not at the incident
    marac.marac_referral.children.create(child=zoe)
    _started(
        incident,
        source="marac_referral",
        source_words="",
        source_obligation_id=marac.pk,
    )
    follow_ups = _follow_ups(incident)
    assert zoe.pk in {o.subject_id for o in follow_ups}
    assert all(list(o.triggered_by.all()) == [marac] for o in follow_ups)
    assert all("MARAC referral acknowledged" in o.reason for o in follow_ups)


def test_the_marac_acknowledging_after_the_idva_makes_nothing_new(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    checklist(wessex, incident, yes=15)
    (idva,) = of(incident, Route.IDVA_REFERRAL)
    services.obligation_acknowledge(actor=wessex.actor(IDVA), obligation=idva)
    (marac,) = of(incident, Route.MARAC_REFERRAL)
    ppu = wessex.actor(PPU)
    referral_services.marac_referral_update(actor=ppu, obligation=marac, victim_aware=True)
    services.obligation_send(actor=ppu, obligation=marac)
    services.obligation_acknowledge(actor=wessex.actor(MARAC), obligation=marac)
    assert len(_follow_ups(incident)) == 3


def test_a_child_with_no_lead_agency_is_unrouted(wessex: Any) -> None:
    incident = submitted_incident(wessex, la=None)
    _started(incident)
    assert _follow_ups(incident) == []
    unrouted = UnroutedWork.objects.filter(incident=incident, route=Route.CHILD_FOLLOW_UP)
    assert unrouted.count() == 3
    assert {u.reason for u in unrouted} == {"No lead agency is known for this child's follow-up"}


def test_the_follow_up_page_says_what_started_it(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    _started(incident, source_words="")
    follow_up = _follow_ups(incident)[0]
    body = (
        client_for(FRONT_DOOR)
        .get(reverse("obligation_detail", args=[follow_up.pk]))
        .content.decode()
    )
    assert "Support for the adult victim started on the family plan" in body
