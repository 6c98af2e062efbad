"""The specialist routes through their services: SPECIALIST-1 planned for each child
victim, its deadline counted from the front door's decision, each step of a referral
idempotent and on the ledger, and each reason for unmet need produced."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hearth.audit.models import TimelineEvent
from hearth.core import calendar, clock
from hearth.core.errors import NotPermitted, ValidationFailed
from hearth.obligations import policy as ledger
from hearth.obligations.models import Obligation
from hearth.obligations.services import obligation_acknowledge, outcome_record
from hearth.obligations.sweeper import sweep
from hearth.obligations.tests.factories import FRONT_DOOR, of, submitted_incident, team
from hearth.people.models import Person
from hearth.referrals.services import decision_record
from hearth.specialist import policy, services
from hearth.specialist.models import SpecialistReferral, UnmetNeed
from hearth.specialist.tests.factories import SPECIALIST, service

pytestmark = pytest.mark.django_db


def child(incident: Any, name: str) -> Person:
    return incident.parties.get(role="child", person__given_names=name).person


def offer_of(incident: Any, name: str) -> Obligation:
    return Obligation.objects.get(
        route=policy.OFFER_ROUTE, incident=incident, subject=child(incident, name)
    )


def ccn_of(incident: Any, person: Person) -> Obligation:
    return Obligation.objects.get(
        route="child_concern_notification", incident=incident, subject=person
    )


def refer(wessex: Any, incident: Any, svc: Any, name: str = "Mia") -> SpecialistReferral:
    return services.referral_create(
        actor=wessex.actor(FRONT_DOOR),
        child_id=child(incident, name).pk,
        service_id=svc.pk,
        need="Therapeutic support after what she saw",
        parent_consent="given",
        child_view="She would like someone to talk to",
        child_words="I want the shouting to stop",
        parent_view="Her mother wants help for her",
    )


def reasons(person: Person) -> set[str]:
    return set(UnmetNeed.objects.open().filter(child=person).values_list("reason", flat=True))


def test_each_child_victim_is_offered_support_by_the_front_door(empty_directory: Any) -> None:
    service()
    incident = submitted_incident(empty_directory)
    offers = of(incident, policy.OFFER_ROUTE)
    assert {o.subject.given_names for o in offers} == {"Mia", "Leo", "Ava"}
    front_door = team("northshire-front-door")
    assert {o.team_id for o in offers} == {front_door.pk}
    assert all(o.status == ledger.Status.SENT and o.rule == "SPECIALIST-1" for o in offers)
    (deadline,) = offer_of(incident, "Mia").deadlines.all()
    assert deadline.estimated and "not made yet" in deadline.basis
    decide = ccn_of(incident, child(incident, "Mia")).deadlines.get(stage="decide")
    assert deadline.due_at == calendar.working_day_deadline(decide.due_at, 10)


def test_the_offer_is_counted_again_from_the_decision(empty_directory: Any) -> None:
    incident = submitted_incident(empty_directory)
    mia = child(incident, "Mia")
    decision_record(
        actor=empty_directory.actor(FRONT_DOOR),
        obligation=ccn_of(incident, mia),
        decision="early_help",
    )
    ccn = ccn_of(incident, mia)
    deadline = offer_of(incident, "Mia").deadlines.get()
    assert not deadline.estimated
    assert deadline.basis == "10 working days from the front door's decision"
    assert ccn.outcome_at is not None
    assert deadline.due_at == calendar.working_day_deadline(ccn.outcome_at, 10)
    # Leo's is not decided yet: still estimated.
    assert offer_of(incident, "Leo").deadlines.get().estimated
    assert TimelineEvent.objects.filter(
        verb="deadline.moved", subject_id=str(offer_of(incident, "Mia").pk)
    ).exists()


def test_routing_again_plans_nothing_twice(empty_directory: Any) -> None:
    from hearth.obligations.routing import incident_route

    incident = submitted_incident(empty_directory)
    before = of(incident, policy.OFFER_ROUTE)
    incident_route(actor=None, incident=incident)
    assert of(incident, policy.OFFER_ROUTE) == before and len(before) == 3


def test_not_needed_now_needs_a_reason_and_closes(empty_directory: Any) -> None:
    incident = submitted_incident(empty_directory)
    offer = offer_of(incident, "Leo")
    front_door = empty_directory.actor(FRONT_DOOR)
    with pytest.raises(ValidationFailed):
        outcome_record(actor=front_door, obligation=offer, outcome="not_needed", note=" ")
    with pytest.raises(ValidationFailed):
        outcome_record(actor=front_door, obligation=offer, outcome="referred")
    outcome_record(
        actor=front_door, obligation=offer, outcome="not_needed", note="Already in therapy"
    )
    offer.refresh_from_db()
    assert offer.status == ledger.Status.CLOSED and offer.outcome == "not_needed"


# --- unmet need: each reason through the services -------------------------------------------


def test_no_service_for_a_baby(empty_directory: Any) -> None:
    service()  # ages 4 to 16
    incident = submitted_incident(empty_directory)
    assert reasons(child(incident, "Ava")) == {"no_service"}
    assert reasons(child(incident, "Mia")) == set()
    need = UnmetNeed.objects.get(child=child(incident, "Ava"))
    assert need.age_band == "under_1" and need.area is not None
    assert need.area.name == "Northshire"
    assert need.lead_team == team("northshire-front-door")


def test_all_closed_or_full(empty_directory: Any) -> None:
    service(places_taken=12)
    service("Closed group", open_to_referrals=False)
    incident = submitted_incident(empty_directory)
    assert reasons(child(incident, "Mia")) == {"all_closed_or_full"}


def test_wait_too_long(empty_directory: Any) -> None:
    service(waiting_weeks=8)
    incident = submitted_incident(empty_directory)
    assert reasons(child(incident, "Mia")) == {"wait_too_long"}


def test_declined_for_lack_of_capacity_then_support_starts_elsewhere(
    empty_directory: Any,
) -> None:
    little_oaks = service()
    incident = submitted_incident(empty_directory)
    mia = child(incident, "Mia")
    referral = refer(empty_directory, incident, little_oaks)
    specialist = empty_directory.actor(SPECIALIST)
    services.referral_decline(
        actor=specialist, referral=referral, reason="no_capacity", note="No places until May"
    )
    assert reasons(mia) == {"declined_no_capacity"}
    referral.obligation.refresh_from_db()
    assert referral.obligation.status == ledger.Status.CLOSED
    assert referral.obligation.outcome == "declined"
    # Declining again changes nothing.
    services.referral_decline(actor=specialist, referral=referral, reason="no_capacity", note="x")
    assert UnmetNeed.objects.filter(child=mia).count() == 1


def test_not_offered_in_time(empty_directory: Any) -> None:
    service()
    incident = submitted_incident(empty_directory)
    mia = child(incident, "Mia")
    due = offer_of(incident, "Mia").deadlines.get().due_at
    sweep(now=due + dt.timedelta(minutes=1))
    assert "not_offered_in_time" in reasons(mia)
    sweep(now=due + dt.timedelta(days=5))
    assert UnmetNeed.objects.filter(child=mia, reason="not_offered_in_time").count() == 1


def test_a_waiting_list_place_too_far_off(empty_directory: Any) -> None:
    little_oaks = service()
    incident = submitted_incident(empty_directory)
    mia = child(incident, "Mia")
    referral = refer(empty_directory, incident, little_oaks)
    specialist = empty_directory.actor(SPECIALIST)
    today = clock.local_now().date()
    services.referral_accept(
        actor=specialist,
        referral=referral,
        waiting_list=True,
        expected_start_on=today + dt.timedelta(weeks=10),
    )
    assert reasons(mia) == {"wait_too_long"}


# --- a referral's life --------------------------------------------------------------------------


def test_a_referral_from_start_to_end(empty_directory: Any) -> None:
    little_oaks = service()
    incident = submitted_incident(empty_directory)
    mia = child(incident, "Mia")
    referral = refer(empty_directory, incident, little_oaks)
    obligation = referral.obligation
    assert obligation.team == little_oaks.team and obligation.status == ledger.Status.SENT
    assert obligation.referrer_agency_id == empty_directory.actor(FRONT_DOOR).agency_id
    ack = obligation.deadlines.get(stage="acknowledge")
    assert ack.basis == "2 working days from receipt"
    # Mia's offer is met by the referral.
    offer = offer_of(incident, "Mia")
    assert offer.status == ledger.Status.CLOSED and offer.outcome == "referred"
    # The same referral again the same day is the same referral.
    assert refer(empty_directory, incident, little_oaks).pk == referral.pk

    specialist = empty_directory.actor(SPECIALIST)
    services.referral_acknowledge(actor=specialist, referral=referral)
    services.referral_acknowledge(actor=specialist, referral=referral)
    today = clock.local_now().date()
    services.referral_accept(
        actor=specialist, referral=referral, waiting_list=True, expected_start_on=today
    )
    services.referral_accept(
        actor=specialist, referral=referral, waiting_list=True, expected_start_on=today
    )
    obligation.refresh_from_db()
    assert obligation.status == ledger.Status.OUTCOME_RECORDED
    assert obligation.outcome == "waiting_list"
    with pytest.raises(ValidationFailed):
        services.session_record(actor=specialist, referral=referral, on=today)
    services.referral_start(actor=specialist, referral=referral, started_on=today)
    services.referral_start(actor=specialist, referral=referral, started_on=today)
    services.session_record(actor=specialist, referral=referral, on=today)
    services.session_record(actor=specialist, referral=referral, on=today)
    assert referral.sessions.count() == 1
    with pytest.raises(ValidationFailed):
        services.referral_end(actor=specialist, referral=referral, outcome="ended_early")
    services.referral_end(
        actor=specialist,
        referral=referral,
        outcome="completed",
        child_view="It helped",
        parent_view="She sleeps better",
    )
    services.referral_end(actor=specialist, referral=referral, outcome="completed")
    obligation.refresh_from_db()
    assert obligation.status == ledger.Status.CLOSED and obligation.outcome == "completed"
    assert obligation.access_ends_at is not None
    verbs = list(
        TimelineEvent.objects.filter(subject_id=str(mia.pk), payload__route=policy.REFERRAL_ROUTE)
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "obligation.created",
        "obligation.acknowledged",
        "obligation.outcome_recorded",
        "specialist.started",
        "specialist.session",
        "obligation.outcome_recorded",
        "obligation.closed",
    ]


def test_support_starting_closes_unmet_need(empty_directory: Any) -> None:
    little_oaks = service(waiting_weeks=8)
    incident = submitted_incident(empty_directory)
    mia = child(incident, "Mia")
    assert reasons(mia) == {"wait_too_long"}
    referral = refer(empty_directory, incident, little_oaks)
    specialist = empty_directory.actor(SPECIALIST)
    today = clock.local_now().date()
    services.referral_accept(
        actor=specialist, referral=referral, waiting_list=False, start_on=today
    )
    services.referral_start(actor=specialist, referral=referral, started_on=today)
    assert reasons(mia) == set()
    need = UnmetNeed.objects.get(child=mia)
    assert need.closed_on == today and "Little Oaks therapy" in need.closed_because


def test_only_the_services_team_acts(empty_directory: Any) -> None:
    little_oaks = service()
    incident = submitted_incident(empty_directory)
    referral = refer(empty_directory, incident, little_oaks)
    with pytest.raises(NotPermitted):
        services.referral_acknowledge(actor=empty_directory.actor(FRONT_DOOR), referral=referral)
    with pytest.raises(NotPermitted):
        obligation_acknowledge(
            actor=empty_directory.actor(FRONT_DOOR), obligation=referral.obligation
        )


def test_a_service_that_does_not_fit_is_refused_with_its_reasons(empty_directory: Any) -> None:
    little_oaks = service()
    incident = submitted_incident(empty_directory)
    with pytest.raises(ValidationFailed) as refused:
        refer(empty_directory, incident, little_oaks, name="Ava")
    assert refused.value.fields["service"][0].startswith("For ages 4 to 16: the child is")
    with pytest.raises(ValidationFailed) as refused:
        services.referral_create(
            actor=empty_directory.actor(FRONT_DOOR),
            child_id=child(incident, "Mia").pk,
            service_id=little_oaks.pk,
            need="",
            parent_consent="maybe",
        )
    assert set(refused.value.fields) == {"need", "parent_consent"}


def test_nobody_else_refers_a_child_they_cannot_see(empty_directory: Any) -> None:
    from hearth.core.errors import NotFound

    little_oaks = service()
    incident = submitted_incident(empty_directory)
    with pytest.raises(NotFound):
        refer(_as(empty_directory, SPECIALIST), incident, little_oaks)


class _as:
    """The wessex fixture acting as someone else for ``refer``."""

    def __init__(self, wessex: Any, email: str) -> None:
        self.wessex, self.email = wessex, email

    def actor(self, _: str) -> Any:
        return self.wessex.actor(self.email)


def test_an_areas_settings_change_its_lead_team_and_timescales(empty_directory: Any) -> None:
    from hearth.obligations.tests.factories import NORTHSHIRE, area

    admin = empty_directory.actor("administrator@hearth.wessex.example")
    assert admin.is_host_administrator
    duty = team("northshire-front-door")
    with pytest.raises(NotPermitted):
        services.specialist_settings_set(
            actor=empty_directory.actor(FRONT_DOOR), area=area(NORTHSHIRE), offer_working_days=5
        )
    with pytest.raises(ValidationFailed):
        services.specialist_settings_set(actor=admin, area=area(NORTHSHIRE), offer_working_days=0)
    services.specialist_settings_set(
        actor=admin, area=area(NORTHSHIRE), lead_team=duty, offer_working_days=5
    )
    incident = submitted_incident(empty_directory)
    deadline = offer_of(incident, "Mia").deadlines.get()
    assert deadline.basis.startswith("5 working days from the front door's decision")
