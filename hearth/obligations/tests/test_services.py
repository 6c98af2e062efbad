"""The ledger through its services: routing on submission, the front door's decision,
IDVA and MARAC referrals, each child's follow-up, redirecting and withdrawing, access
granted by an obligation, and the notify port's refusal of an unsafe contact."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
import time_machine

from hearth.audit.models import AccessEvent, TimelineEvent
from hearth.core.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from hearth.core.models import OutboundMessage
from hearth.encompass import policy as enc
from hearth.encompass import services as encompass
from hearth.encompass.models import EncompassNotification
from hearth.incidents.documents import PersonIn, RelationshipIn, incident_record_document
from hearth.incidents.tests.factories import family_document
from hearth.obligations import routing, services
from hearth.obligations.models import Deadline, Obligation, UnroutedWork
from hearth.obligations.selectors import (
    child_record_for,
    inbox_for,
    incident_obligations_for,
    obligation_get_for,
)
from hearth.obligations.tests.factories import (
    EDUCATION,
    FRONT_DOOR,
    FRONT_DOOR_MANAGER,
    IDVA,
    MARAC,
    NORTHSHIRE,
    OFFICER,
    PPU,
    SOUTH_FRONT_DOOR,
    area,
    checklist,
    of,
    submitted_incident,
    team,
)
from hearth.people import services as people_services
from hearth.referrals import policy
from hearth.referrals import services as referral_services
from hearth.referrals.policy import ASSESSMENT_STAGE, Route, Stage, Status
from hearth.risk.selectors import assessment_get_for

pytestmark = pytest.mark.django_db


def test_submitting_an_incident_notifies_each_childs_front_door_once(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    notifications = of(incident, Route.CHILD_CONCERN)
    assert len(notifications) == 3
    front_door = team("northshire-front-door")
    assert {o.team_id for o in notifications} == {front_door.pk}
    assert {o.status for o in notifications} == {Status.SENT}
    assert all(o.rule == "CCN-1" and o.data["referral_source"] == "6" for o in notifications)
    stages = sorted(
        Deadline.objects.filter(obligation=notifications[0]).values_list("stage", flat=True)
    )
    assert stages == [Stage.ACKNOWLEDGE, Stage.DECIDE]

    again = routing.incident_route(actor=wessex.actor(OFFICER), incident=incident)
    assert again.created == []
    assert Obligation.objects.filter(incident=incident, route=Route.CHILD_CONCERN).count() == 3


def test_the_front_door_team_is_told_by_email_without_names(wessex: Any) -> None:
    # Mail goes after the submission commits.
    incident = submitted_incident(wessex)
    sent = OutboundMessage.objects.filter(
        recipient=team("northshire-front-door").email,
        about_id__in=[str(o.pk) for o in of(incident, Route.CHILD_CONCERN)],
    )
    assert sent.count() == 3
    assert all("Vance" not in m.subject and "Mia" not in m.subject for m in sent)


def test_a_child_with_no_known_local_authority_is_shown_as_unrouted(wessex: Any) -> None:
    incident = submitted_incident(wessex, la=None)
    assert of(incident, Route.CHILD_CONCERN) == []
    unrouted = UnroutedWork.objects.filter(incident=incident, resolved_at__isnull=True)
    assert unrouted.filter(route=Route.CHILD_CONCERN).count() == 3
    progress = incident_obligations_for(actor=wessex.actor(OFFICER), incident_id=incident.pk)
    assert not progress.complete
    assert len([u for u in progress.unrouted if u.route == Route.CHILD_CONCERN]) == 3


def test_the_front_door_acknowledges_and_decides_and_the_referrer_sees_it(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    practitioner = wessex.actor(FRONT_DOOR)
    first, second, third = of(incident, Route.CHILD_CONCERN)
    services.obligation_acknowledge(actor=practitioner, obligation=first)
    services.obligation_acknowledge(actor=practitioner, obligation=first)  # a retry
    first.refresh_from_db()
    assert first.status == Status.ACKNOWLEDGED and first.acknowledged_by_id == practitioner.user_id
    assert (
        TimelineEvent.objects.filter(
            verb="obligation.acknowledged", subject_id=str(first.pk)
        ).count()
        == 1
    )

    referral_services.decision_record(
        actor=practitioner, obligation=first, decision="early_help", note="Family hub"
    )
    first.refresh_from_db()
    assert (first.status, first.outcome) == (Status.CLOSED, "early_help")
    assert not Deadline.objects.filter(obligation=first, met_at__isnull=True).exists()

    # Deciding without acknowledging first acknowledges too.
    referral_services.decision_record(
        actor=practitioner,
        obligation=second,
        decision="child_in_need_assessment",
        assessment_started_on=dt.date(2026, 11, 23),
    )
    second.refresh_from_db()
    assert second.status == Status.OUTCOME_RECORDED and second.acknowledged_at is not None
    (assessment,) = second.assessments.all()
    clock = Deadline.objects.get(assessment=assessment)
    assert clock.stage == ASSESSMENT_STAGE

    seen = incident_obligations_for(actor=wessex.actor(PPU), incident_id=incident.pk)
    decided = {o.pk: o.outcome_label for o in seen.obligations}
    assert decided[first.pk] == "Early help"
    assert not seen.complete

    with pytest.raises(ValidationFailed) as error:
        referral_services.assessment_record(
            actor=practitioner,
            assessment=assessment,
            started_on=dt.date(2026, 11, 23),
            authorised_on=dt.date(2026, 11, 30),
            factors=["21", "3A"],
        )
    assert "factors" in error.value.fields
    referral_services.assessment_record(
        actor=practitioner,
        assessment=assessment,
        started_on=dt.date(2026, 11, 23),
        authorised_on=dt.date(2026, 11, 30),
        factors=["3A", "3B"],
    )
    second.refresh_from_db()
    assert second.status == Status.CLOSED
    clock.refresh_from_db()
    assert clock.met_at is not None

    referral_services.decision_record(
        actor=practitioner, obligation=third, decision="no_further_action"
    )
    # The children's schools are not known: their education safeguarding team was told,
    # and the incident is complete only once that notification is closed too, and each
    # child's offer of specialist support (SPECIALIST-1) has its outcome.
    assert not incident_obligations_for(actor=wessex.actor(PPU), incident_id=incident.pk).complete
    for offer in of(incident, "specialist_offer"):
        services.outcome_record(
            actor=practitioner, obligation=offer, outcome="not_needed", note="Already supported"
        )
    education = wessex.actor(EDUCATION)
    for notification in EncompassNotification.objects.filter(obligation__incident=incident):
        encompass.notification_support_record(
            actor=education, notification=notification, support="already_known"
        )
        encompass.notification_outcome_record(
            actor=education, notification=notification, outcome="Known to the team already"
        )
    assert incident_obligations_for(actor=wessex.actor(PPU), incident_id=incident.pk).complete


def test_only_the_receiving_team_acts_and_a_decision_needs_a_known_code(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    first = of(incident, Route.CHILD_CONCERN)[0]
    with pytest.raises(NotPermitted):
        services.obligation_acknowledge(actor=wessex.actor(SOUTH_FRONT_DOOR), obligation=first)
    with pytest.raises(ValidationFailed):
        referral_services.decision_record(
            actor=wessex.actor(FRONT_DOOR), obligation=first, decision="maybe"
        )
    first.refresh_from_db()
    assert first.status == Status.SENT


def test_a_high_risk_victim_is_referred_to_the_idva_service_and_each_child_followed_up(
    wessex: Any,
) -> None:
    incident = submitted_incident(wessex)
    checklist(wessex, incident, yes=14)
    (idva,) = of(incident, Route.IDVA_REFERRAL)
    assert idva.team.slug == "wessex-idva-team" and idva.status == Status.SENT
    assert of(incident, Route.CHILD_FOLLOW_UP) == []

    services.obligation_acknowledge(actor=wessex.actor(IDVA), obligation=idva)
    follow_ups = of(incident, Route.CHILD_FOLLOW_UP)
    assert len(follow_ups) == 3
    assert {o.team.slug for o in follow_ups} == {"northshire-front-door"}
    assert all(list(o.triggered_by.all()) == [idva] for o in follow_ups)
    assert {d.stage for o in follow_ups for d in o.deadlines.all()} == {Stage.OUTCOME}

    services.outcome_record(actor=wessex.actor(IDVA), obligation=idva, outcome="engaged")
    idva.refresh_from_db()
    assert idva.status == Status.CLOSED
    # Closing the adult's referral never closes a child's follow-up.
    assert {o.status for o in of(incident, Route.CHILD_FOLLOW_UP)} == {Status.SENT}

    with pytest.raises(ValidationFailed):
        services.outcome_record(
            actor=wessex.actor(FRONT_DOOR), obligation=follow_ups[0], outcome="safe_and_supported"
        )
    services.outcome_record(
        actor=wessex.actor(FRONT_DOOR),
        obligation=follow_ups[0],
        outcome="safe_and_supported",
        note="Seen at home with mum on 1 December; attending school, IDVA safety plan covers her",
    )
    follow_ups[0].refresh_from_db()
    assert follow_ups[0].status == Status.CLOSED


def test_a_marac_referral_waits_for_the_referrer_and_links_every_child(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    checklist(wessex, incident, yes=15)
    (marac,) = of(incident, Route.MARAC_REFERRAL)
    assert marac.status == Status.CREATED and marac.team.slug == "northshire-marac-coordination"
    referral = marac.marac_referral
    assert referral.criteria == ["visible_high_risk"]
    assert referral.safe_contact_number == "07700 900123"
    assert referral.children.count() == 3
    assert all(link.notification is not None for link in referral.children.all())

    ppu = wessex.actor(PPU)
    with pytest.raises(ValidationFailed, match="knows about this referral"):
        services.obligation_send(actor=ppu, obligation=marac)
    with pytest.raises(ValidationFailed):
        referral_services.marac_referral_update(actor=ppu, obligation=marac, victim_aware=False)
    referral_services.marac_referral_update(
        actor=ppu,
        obligation=marac,
        victim_aware=False,
        not_aware_reason="The perpetrator checks her phone",
        consent_given=False,
    )
    services.obligation_send(actor=ppu, obligation=marac)
    marac.refresh_from_db()
    assert marac.status == Status.SENT
    assert Deadline.objects.filter(
        obligation=marac, stage=Stage.SEND, met_at__isnull=False
    ).exists()
    assert Deadline.objects.filter(obligation=marac, stage=Stage.ACKNOWLEDGE).exists()

    services.obligation_acknowledge(actor=wessex.actor(MARAC), obligation=marac)
    assert len(of(incident, Route.CHILD_FOLLOW_UP)) == 3


def test_a_marac_referral_with_a_child_lacking_a_notification_cannot_be_sent(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    checklist(wessex, incident, yes=15)
    (marac,) = of(incident, Route.MARAC_REFERRAL)
    link = marac.marac_referral.children.first()
    assert link is not None
    withdrawn = link.notification
    assert withdrawn is not None
    services.obligation_withdraw(
        actor=wessex.actor(FRONT_DOOR_MANAGER), obligation=withdrawn, reason="Sent to us in error"
    )
    link.notification = None
    link.save()
    ppu = wessex.actor(PPU)
    referral_services.marac_referral_update(actor=ppu, obligation=marac, victim_aware=True)
    with pytest.raises(ValidationFailed, match="no child concern notification"):
        services.obligation_send(actor=ppu, obligation=marac)
    referral_services.marac_child_notification_raise(
        actor=ppu, obligation=marac, child_id=link.child_id
    )
    link.refresh_from_db()
    assert link.notification is not None and link.notification.pk != withdrawn.pk
    services.obligation_send(actor=ppu, obligation=marac)


def test_only_a_manager_withdraws_and_only_with_a_reason(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    first = of(incident, Route.CHILD_CONCERN)[0]
    with pytest.raises(NotPermitted):
        services.obligation_withdraw(actor=wessex.actor(FRONT_DOOR), obligation=first, reason="Dup")
    with pytest.raises(ValidationFailed):
        services.obligation_withdraw(
            actor=wessex.actor(FRONT_DOOR_MANAGER), obligation=first, reason=" "
        )
    services.obligation_withdraw(
        actor=wessex.actor(FRONT_DOOR_MANAGER), obligation=first, reason="Duplicate"
    )
    first.refresh_from_db()
    assert first.status == Status.WITHDRAWN and first.withdrawn_reason == "Duplicate"
    with pytest.raises(InvalidTransition):
        services.obligation_acknowledge(actor=wessex.actor(FRONT_DOOR), obligation=first)


def test_redirecting_keeps_the_clock_and_the_new_team_must_acknowledge(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    first = of(incident, Route.CHILD_CONCERN)[0]
    due_before = sorted(first.deadlines.values_list("due_at", flat=True))
    services.obligation_acknowledge(actor=wessex.actor(FRONT_DOOR), obligation=first)
    south = team("southmoor-front-door")
    with pytest.raises(ValidationFailed):
        services.obligation_redirect(
            actor=wessex.actor(FRONT_DOOR), obligation=first, to_team=south, reason=""
        )
    services.obligation_redirect(
        actor=wessex.actor(FRONT_DOOR), obligation=first, to_team=south, reason="Lives in Southmoor"
    )
    first.refresh_from_db()
    assert (first.team_id, first.status) == (south.pk, Status.SENT)
    assert sorted(first.deadlines.values_list("due_at", flat=True)) == due_before
    assert first.deadlines.get(stage=Stage.ACKNOWLEDGE).met_at is None
    assert first.redirections.get().reason == "Lives in Southmoor"
    # Northshire no longer sees it; Southmoor does.
    with pytest.raises(NotFound):
        obligation_get_for(actor=wessex.actor(FRONT_DOOR), obligation_id=first.pk)
    services.obligation_acknowledge(actor=wessex.actor(SOUTH_FRONT_DOOR), obligation=first)


def test_the_recipient_sees_what_the_route_shares_only_while_the_obligation_grants_it(
    wessex: Any,
) -> None:
    incident = submitted_incident(wessex)
    first = of(incident, Route.CHILD_CONCERN)[0]
    practitioner = wessex.actor(FRONT_DOOR)
    detail = obligation_get_for(actor=practitioner, obligation_id=first.pk)
    assert detail.shared.part.child_voice is not None
    assert detail.shared.incident_summary.startswith("Neighbour called police")
    assert [p.full_name for _, p in detail.shared.adults] == ["Kerry Vance", "Dean Vance"]
    assert len(detail.shared.siblings) == 2
    event = AccessEvent.objects.filter(user_id=practitioner.user_id).latest("id")
    assert {r.record_type for r in event.records.all()} >= {
        "obligations.obligation",
        "people.person",
        "incidents.incident",
    }
    with pytest.raises(NotFound):
        obligation_get_for(actor=wessex.actor(SOUTH_FRONT_DOOR), obligation_id=first.pk)
    with pytest.raises(NotFound):
        obligation_get_for(
            actor=wessex.actor("administrator@hearth.wessex.example"), obligation_id=first.pk
        )

    referral_services.decision_record(
        actor=practitioner, obligation=first, decision="no_further_action"
    )
    first.refresh_from_db()
    assert first.access_ends_at is not None
    with time_machine.travel(first.access_ends_at - dt.timedelta(minutes=1)):
        obligation_get_for(actor=practitioner, obligation_id=first.pk)
    with time_machine.travel(first.access_ends_at + dt.timedelta(minutes=1)):
        with pytest.raises(NotFound):
            obligation_get_for(actor=practitioner, obligation_id=first.pk)
        # The referrer keeps seeing the decision on its own incident.
        obligation_get_for(actor=wessex.actor(PPU), obligation_id=first.pk)


def test_the_childs_record_lists_every_obligation_across_agencies(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    checklist(wessex, incident, yes=14)
    services.obligation_acknowledge(
        actor=wessex.actor(IDVA), obligation=of(incident, Route.IDVA_REFERRAL)[0]
    )
    child_id = of(incident, Route.CHILD_CONCERN)[0].subject_id
    record = child_record_for(actor=wessex.actor(FRONT_DOOR), child_id=child_id)
    assert sorted(o.route for o in record.obligations) == [
        Route.CHILD_CONCERN,
        Route.CHILD_FOLLOW_UP,
        enc.ROUTE,
        "specialist_offer",
    ]
    assert len(record.open) == 4
    with pytest.raises(NotFound):
        child_record_for(actor=wessex.actor(SOUTH_FRONT_DOOR), child_id=child_id)
    with pytest.raises(NotFound):
        child_record_for(actor=wessex.actor(IDVA), child_id=child_id)


def test_the_inbox_puts_overdue_work_first_and_shows_siblings_together(wessex: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)):
        old = submitted_incident(wessex, reference="WX/2026/0100")
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)):
        new = submitted_incident(wessex, reference="WX/2026/0101")
        inbox = inbox_for(actor=wessex.actor(FRONT_DOOR), team_id=team("northshire-front-door").pk)
        ours = [
            r
            for r in inbox.rows
            if r.obligation.incident_id in (old.pk, new.pk)
            and r.obligation.route == Route.CHILD_CONCERN
        ]
        assert [r.obligation.incident_id for r in ours] == [old.pk] * 3 + [new.pk] * 3
        overdue = [r.is_overdue for r in inbox.rows]
        assert overdue == sorted(overdue, reverse=True)  # every overdue row comes first
        assert inbox.overdue >= 3 and all(r.is_overdue for r in ours[:3])
        assert not any(r.is_overdue for r in ours[3:])
        assert ours[0].time_left.startswith("Overdue by")
        assert len(ours[0].siblings) == 2
    assert not inbox.is_manager
    managed = inbox_for(
        actor=wessex.actor(FRONT_DOOR_MANAGER), team_id=team("northshire-front-door").pk
    )
    assert managed.is_manager and sum(managed.by_status.values()) == managed.total
    assert ("Not claimed", managed.total) in managed.by_person


def test_a_message_to_a_contact_marked_unsafe_is_refused_and_recorded(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    ppu_team = team("wessex-police-public-protection-unit")
    victim = incident.parties.get(role="adult_victim").person
    people_services.contact_mark_unsafe(
        actor=wessex.actor(PPU),
        person=victim,
        channel="email",
        value=ppu_team.email.upper(),
        reason="The perpetrator has access to this mailbox",
    )
    first = of(incident, Route.CHILD_CONCERN)[0]
    services.obligation_acknowledge(actor=wessex.actor(FRONT_DOOR), obligation=first)
    refused = OutboundMessage.objects.get(recipient=ppu_team.email, status="refused")
    assert refused.refused_reason and refused.about_id == str(first.pk)


def test_policy_labels_cover_every_route_and_status() -> None:
    assert set(policy.ROUTE_LABELS) == set(Route)
    assert set(policy.STATUS_LABELS) == set(Status)


def test_a_new_incident_after_a_marac_referral_meets_the_repeat_criterion(wessex: Any) -> None:
    ppu = wessex.actor(PPU)
    with time_machine.travel(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC)):
        first = submitted_incident(wessex)
        checklist(wessex, first, yes=15)
        (marac,) = of(first, Route.MARAC_REFERRAL)
        referral_services.marac_referral_update(actor=ppu, obligation=marac, victim_aware=True)
        services.obligation_send(actor=ppu, obligation=marac)
    # The same victim and perpetrator a week later: a low score, but a repeat.
    again = {p.role: p.person_id for p in first.parties.exclude(role="child")}
    document = family_document(
        reference="WX/2026/0002",
        people=[
            PersonIn("victim", existing_person_id=again["adult_victim"]),
            PersonIn("perpetrator", existing_person_id=again["alleged_perpetrator"]),
        ],
        children=[],
        relationships=[RelationshipIn("victim", "perpetrator", "married")],
        no_children_how="Both adults said the children were away with family this week",
    )
    details = replace(
        document.details,
        occurred_at=dt.datetime(2026, 11, 28, 20, tzinfo=dt.UTC),
        reported_at=dt.datetime(2026, 11, 28, 20, 5, tzinfo=dt.UTC),
        local_authority_id=area(NORTHSHIRE).pk,
    )
    second = incident_record_document(
        actor=wessex.actor(OFFICER), document=replace(document, details=details)
    )
    assessment = checklist(wessex, second, yes=2)
    (repeat,) = of(second, Route.MARAC_REFERRAL)
    assert repeat.marac_referral.criteria == ["repeat"]
    # The risk pages show the same criterion, from the ledger's referral date.
    shown = assessment_get_for(actor=ppu, assessment_id=assessment.pk).marac
    assert shown is not None and shown.met_keys == ("repeat",)


def test_the_marac_sees_a_referral_only_once_it_is_sent(wessex: Any) -> None:
    incident = submitted_incident(wessex)
    checklist(wessex, incident, yes=15)
    (marac,) = of(incident, Route.MARAC_REFERRAL)
    coordinator = wessex.actor(MARAC)
    with pytest.raises(NotFound):
        obligation_get_for(actor=coordinator, obligation_id=marac.pk)
    ppu = wessex.actor(PPU)
    referral_services.marac_referral_update(actor=ppu, obligation=marac, victim_aware=True)
    services.obligation_send(actor=ppu, obligation=marac)
    assert obligation_get_for(actor=coordinator, obligation_id=marac.pk).obligation == marac


def test_the_alert_links_to_the_obligation_in_full_and_names_no_one(
    wessex: Any,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
    deliver_outbox: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        incident = submitted_incident(wessex)
    deliver_outbox()
    first = of(incident, Route.CHILD_CONCERN)[0]
    (alert,) = [m for m in mailoutbox if f"/obligations/{first.pk}/" in m.body]
    assert f"http://127.0.0.1:8000/obligations/{first.pk}/" in alert.body
    assert alert.to == [team("northshire-front-door").email]
    words = set(alert.body.split()) | set(alert.subject.split())
    assert not {"Mia", "Vance", "Kerry"} & words
