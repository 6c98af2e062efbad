"""Linking one person's records across agencies (issue 16 §2): the thresholds, automatic
links, the queue, reviewers' decisions, idempotency, and the hook that links each person
recorded once the recording commits."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Q
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from conftest import Wessex
from hearth.audit.models import TimelineEvent
from hearth.core.background import run_ready_tasks
from hearth.core.errors import InvalidTransition, NotFound, ValidationFailed
from hearth.matching import policy, selectors, services
from hearth.matching.models import PersonLink
from hearth.matching.tests.helpers import REVIEWER, police_and_council_records, record
from hearth.people.models import Person

RULES = "hearth.people.matching.RuleBasedMatcher"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wessex")]

POLICE = "response.officer@police.wessex.example"
FRONT_DOOR = "front.door@northshire.wessex.example"


@pytest.fixture(autouse=True)
def rule_based_matcher(settings: Any) -> None:
    """The rule-based matcher, whose probabilities are known (1.0 for the same names and
    date of birth, 0.9 for the same first name, family name and date of birth), so that
    each band is reached on purpose; test_links_probabilistic.py runs the real model."""
    settings.HEARTH_PERSON_MATCHER = RULES


# --- Pure policy ---------------------------------------------------------------------------


def test_decide_links_at_or_above_auto_link_queues_between_and_ignores_below() -> None:
    limits = policy.Thresholds(auto_link=0.99, review=0.8)
    assert policy.decide(0.99, limits) == policy.LinkStatus.LINKED
    assert policy.decide(1.0, limits) == policy.LinkStatus.LINKED
    assert policy.decide(0.98, limits) == policy.LinkStatus.PENDING
    assert policy.decide(0.8, limits) == policy.LinkStatus.PENDING
    assert policy.decide(0.79, limits) is None


def test_thresholds_out_of_order_are_refused() -> None:
    with pytest.raises(ValueError, match="review threshold"):
        policy.Thresholds(auto_link=0.7, review=0.8)


def test_only_pending_is_confirmed_or_rejected_and_only_links_in_force_are_undone() -> None:
    s, a = policy.LinkStatus, policy.Action
    assert policy.next_status(s.PENDING, a.CONFIRM) == s.CONFIRMED
    assert policy.next_status(s.PENDING, a.REJECT) == s.REJECTED
    assert policy.next_status(s.LINKED, a.UNDO) == s.UNDONE
    assert policy.next_status(s.CONFIRMED, a.UNDO) == s.UNDONE
    assert policy.next_status(s.REJECTED, a.CONFIRM) is None
    assert policy.next_status(s.UNDONE, a.CONFIRM) is None
    assert policy.next_status(s.PENDING, a.UNDO) is None


def test_components_join_records_through_links_transitively() -> None:
    groups = policy.components([(1, 2), (2, 3), (7, 8)], {1, 3, 7, 9})
    assert groups[1] == groups[3] == frozenset({1, 2, 3})
    assert groups[7] == frozenset({7, 8})
    assert groups[9] == frozenset({9})


# --- Linking -------------------------------------------------------------------------------


def test_exact_name_and_date_of_birth_at_another_agency_is_linked_automatically() -> None:
    w = Wessex()
    police_child, council_child = police_and_council_records(w, "Ottoline", "Quarrington")
    links = services.link_person(person=council_child)
    assert len(links) == 1
    link = links[0]
    assert link.status == policy.LinkStatus.LINKED
    assert {link.person_a_id, link.person_b_id} == {police_child.pk, council_child.pk}
    assert link.person_a_id < link.person_b_id
    assert link.probability >= 0.99
    assert link.explanation  # the matcher's reasons, in words
    event = TimelineEvent.objects.get(subject_id=str(link.pk), verb="link.linked")
    assert event.payload["person_ids"] == [link.person_a_id, link.person_b_id]
    ids = selectors.linked_person_ids([council_child.pk])[council_child.pk]
    assert ids == {police_child.pk, council_child.pk}


def test_a_weaker_match_waits_for_review_and_counts_for_nothing_until_confirmed() -> None:
    w = Wessex()
    police_child = record(w, POLICE, "Ottoline Mary", "Quarrington", dt.date(2016, 3, 4))
    council_child = record(w, FRONT_DOOR, "Ottoline", "Quarrington", dt.date(2016, 3, 4))
    [link] = services.link_person(person=council_child)
    assert link.status == policy.LinkStatus.PENDING
    assert 0.8 <= link.probability < 0.99
    assert selectors.linked_person_ids([police_child.pk])[police_child.pk] == {police_child.pk}
    reviewer = w.actor(REVIEWER)
    services.link_confirm(actor=reviewer, link_id=link.pk, reason="Same school and address")
    link.refresh_from_db()
    assert link.status == policy.LinkStatus.CONFIRMED
    assert link.decided_by_id == reviewer.user_id
    assert link.reason == "Same school and address"
    assert selectors.linked_person_ids([police_child.pk])[police_child.pk] == {
        police_child.pk,
        council_child.pk,
    }
    event = TimelineEvent.objects.get(subject_id=str(link.pk), verb="link.confirmed")
    assert event.payload == {
        "from": "pending",
        "to": "confirmed",
        "person_ids": [link.person_a_id, link.person_b_id],
    }
    assert "school" not in event.summary.lower()  # the reason stays on the link


def test_below_the_review_threshold_nothing_is_recorded() -> None:
    w = Wessex()
    record(w, POLICE, "Ottoline", "Quarrington", dt.date(2016, 3, 4))
    other = record(w, FRONT_DOOR, "Bartholomew", "Quarrington", dt.date(2011, 9, 30))
    assert services.link_person(person=other) == []
    assert not PersonLink.objects.exists()


def test_records_of_the_same_agency_are_not_linked() -> None:
    w = Wessex()
    record(w, POLICE, "Ottoline", "Quarrington", dt.date(2016, 3, 4))
    again = record(w, POLICE, "Ottoline", "Quarrington", dt.date(2016, 3, 4))
    assert services.link_person(person=again) == []


@override_settings(HEARTH_MATCH_AUTO_LINK=0.85, HEARTH_MATCH_REVIEW=0.6)
def test_the_thresholds_come_from_settings() -> None:
    w = Wessex()
    record(w, POLICE, "Ottoline Mary", "Quarrington", dt.date(2016, 3, 4))
    council_child = record(w, FRONT_DOOR, "Ottoline", "Quarrington", dt.date(2016, 3, 4))
    [link] = services.link_person(person=council_child)
    assert link.status == policy.LinkStatus.LINKED  # 0.9 is above 0.85 here


def test_a_rejected_pair_is_never_proposed_again() -> None:
    w = Wessex()
    record(w, POLICE, "Ottoline Mary", "Quarrington", dt.date(2016, 3, 4))
    council_child = record(w, FRONT_DOOR, "Ottoline", "Quarrington", dt.date(2016, 3, 4))
    [link] = services.link_person(person=council_child)
    services.link_reject(actor=w.actor(REVIEWER), link_id=link.pk, reason="Twins")
    assert services.link_person(person=council_child) == []
    link.refresh_from_db()
    assert link.status == policy.LinkStatus.REJECTED
    assert PersonLink.objects.count() == 1
    assert TimelineEvent.objects.filter(subject_id=str(link.pk), verb="link.rejected").exists()


def test_an_undone_link_stops_counting_and_is_not_proposed_again() -> None:
    w = Wessex()
    police_child, council_child = police_and_council_records(w, "Ottoline", "Quarrington")
    [link] = services.link_person(person=council_child)
    services.link_undo(actor=w.actor(REVIEWER), link_id=link.pk, reason="Different parents")
    link.refresh_from_db()
    assert link.status == policy.LinkStatus.UNDONE
    assert selectors.linked_person_ids([police_child.pk])[police_child.pk] == {police_child.pk}
    assert services.link_person(person=police_child) == []
    assert TimelineEvent.objects.filter(subject_id=str(link.pk), verb="link.undone").exists()


def test_decisions_need_a_reason_and_the_right_status() -> None:
    w = Wessex()
    _, council_child = police_and_council_records(w, "Ottoline", "Quarrington")
    [link] = services.link_person(person=council_child)
    reviewer = w.actor(REVIEWER)
    with pytest.raises(ValidationFailed) as refused:
        services.link_undo(actor=reviewer, link_id=link.pk, reason="   ")
    assert refused.value.fields == {"reason": ["Enter the reason for your decision"]}
    with pytest.raises(InvalidTransition):
        services.link_confirm(actor=reviewer, link_id=link.pk, reason="Looks right")
    link.refresh_from_db()
    assert link.status == policy.LinkStatus.LINKED


def test_only_a_data_quality_reviewer_decides() -> None:
    w = Wessex()
    _, council_child = police_and_council_records(w, "Ottoline", "Quarrington")
    [link] = services.link_person(person=council_child)
    for someone in (FRONT_DOOR, POLICE, "administrator@hearth.wessex.example"):
        with pytest.raises(NotFound):
            services.link_undo(actor=w.actor(someone), link_id=link.pk, reason="Because")
    link.refresh_from_db()
    assert link.status == policy.LinkStatus.LINKED


def test_recording_a_person_queues_their_matching_for_the_worker() -> None:
    w = Wessex()
    run_ready_tasks()  # the demo's own people
    police_child = record(w, POLICE, "Ottoline", "Quarrington", dt.date(2016, 3, 4))
    assert run_ready_tasks() == 1
    council_child = record(w, FRONT_DOOR, "Ottoline", "Quarrington", dt.date(2016, 3, 4))
    # The recording waits for nothing: the task is queued in its transaction...
    assert not PersonLink.objects.exists()
    [queued] = DBTaskResult.objects.ready()
    assert queued.task.name == "link_recorded_people"
    assert queued.task_result.kwargs == {"person_ids": [council_child.pk]}
    # ...and the worker links them.
    assert run_ready_tasks() == 1
    link = PersonLink.objects.get()
    assert {link.person_a_id, link.person_b_id} == {police_child.pk, council_child.pk}


def test_a_recording_rolled_back_queues_nothing() -> None:
    w = Wessex()
    run_ready_tasks()  # the demo's own people
    DBTaskResult.objects.all().delete()

    def failing_intake() -> None:
        with transaction.atomic():
            record(w, POLICE, "Ottoline", "Quarrington", dt.date(2016, 3, 4))
            raise RuntimeError("the intake failed after recording the person")

    with pytest.raises(RuntimeError):
        failing_intake()
    assert not Person.objects.filter(family_name="Quarrington").exists()
    assert not DBTaskResult.objects.exists()


def test_recording_people_in_bulk_links_each() -> None:
    from hearth.people.services import PersonDetails, people_record_many

    w = Wessex()
    police_child = record(w, POLICE, "Ottoline", "Quarrington", dt.date(2016, 3, 4))
    run_ready_tasks()  # the demo's own people and the police's child
    [council_child, _] = people_record_many(
        actor=w.actor(FRONT_DOOR),
        people=[
            (PersonDetails("Ottoline", "Quarrington", dt.date(2016, 3, 4)), None),
            (PersonDetails("Zebedee", "Unmatchable", dt.date(2001, 1, 1)), None),
        ],
    )
    assert DBTaskResult.objects.ready().count() == 1  # one task for the two
    run_ready_tasks()
    assert [(lk.person_a_id, lk.person_b_id) for lk in PersonLink.objects.all()] == [
        (police_child.pk, council_child.pk)
    ]


def test_same_person_ids_join_certain_records_and_links() -> None:
    w = Wessex()
    police_child = record(w, POLICE, "Ottoline Mary", "Quarrington", dt.date(2016, 3, 4))
    council_child = record(w, FRONT_DOOR, "Ottoline", "Quarrington", dt.date(2016, 3, 4))
    [link] = services.link_person(person=council_child)
    services.link_confirm(actor=w.actor(REVIEWER), link_id=link.pk, reason="Checked")
    assert selectors.same_person_ids(police_child) >= {police_child.pk, council_child.pk}
    assert Person.objects.filter(pk__in=selectors.same_person_ids(council_child)).count() >= 2


def test_a_failing_matcher_never_undoes_the_recording(settings: Any) -> None:
    w = Wessex()
    run_ready_tasks()  # the demo's own people
    DBTaskResult.objects.all().delete()
    settings.HEARTH_PERSON_MATCHER = "hearth.matching.tests.test_links.BrokenMatcher"
    person = record(w, POLICE, "Ottoline", "Quarrington", dt.date(2016, 3, 4))
    assert run_ready_tasks() == 1
    assert Person.objects.filter(pk=person.pk).exists()
    assert not PersonLink.objects.filter(Q(person_a=person) | Q(person_b=person)).exists()
    # The worker records the failure on the task (the next link_people links them).
    [failed] = DBTaskResult.objects.all()
    assert failed.status == "FAILED"


class BrokenMatcher:
    """A matcher whose model file is missing: every lookup fails."""

    def find_candidates(self, query: Any, *, within: Any, limit: int = 10) -> list[Any]:
        raise FileNotFoundError("no model file")
