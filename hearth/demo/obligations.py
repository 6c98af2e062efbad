"""What the Wessex agencies have done with the demo incidents' obligations, so that every
inbox has something in it: decided and closed, mid-assessment, acknowledged but not yet
decided, never acknowledged (overdue and escalating), a high-risk victim's IDVA referral
(acknowledged, so her children's follow-ups are due) and MARAC referral (waiting for the
public protection unit to send it).

Each step is taken through the services, as the person who would have taken it, at the
time they would have (the clock replays it). Seeding again repeats nothing: each step is
taken only if the obligation has not got that far.
"""

from __future__ import annotations

import datetime as dt

from hearth.accounts.models import Agency, User
from hearth.accounts.selectors import actor_for_user
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.encompass import policy as enc
from hearth.encompass import services as encompass
from hearth.incidents.models import Incident
from hearth.obligations import services
from hearth.obligations.models import Obligation
from hearth.referrals import services as referral_services
from hearth.referrals.policy import Decision, Route, Status
from hearth.risk import services as risk_services
from hearth.risk.instruments import instrument
from hearth.risk.models import RiskAssessment
from hearth.risk.policy import Answer

OFFICER = "response.officer@police.wessex.example"
NORTH_FRONT_DOOR = "front.door@northshire.wessex.example"
SOUTH_FRONT_DOOR = "front.door@southmoor.wessex.example"
IDVA = "idva@idva.wessex.example"


def _actor(email: str) -> Actor:
    actor = actor_for_user(user=User.objects.get(email=email), agency_id=None)
    assert actor is not None, f"{email} has no membership"  # seeded before this
    return actor


def _incident(reference: str) -> Incident:
    return Incident.objects.get(
        recorded_by_agency=Agency.objects.get(slug="wessex-police"), police_reference=reference
    )


def _later(incident: Incident, **delta: float) -> dt.datetime:
    assert incident.submitted_at is not None
    return min(incident.submitted_at + dt.timedelta(**delta), clock.now())


def _notifications(incident: Incident) -> list[Obligation]:
    return list(incident.obligations.filter(route=Route.CHILD_CONCERN).order_by("id"))


def _decide(email: str, incident: Incident, decision: Decision, *, hours: float) -> None:
    actor = _actor(email)
    for obligation in _notifications(incident):
        if obligation.status in (Status.SENT, Status.ACKNOWLEDGED):
            with clock.replaying_at(_later(incident, hours=hours)):
                referral_services.decision_record(
                    actor=actor, obligation=obligation, decision=decision, note="Demo decision"
                )


def _high_risk_checklist(incident: Incident) -> None:
    """The officer's DASH for the third call to the Fenwrights: 15 yes answers."""
    victim = incident.parties.get(role="adult_victim").person
    if RiskAssessment.objects.filter(incident=incident, victim=victim).exists():
        return
    officer = _actor(OFFICER)
    perpetrator = incident.parties.get(role="alleged_perpetrator").person
    with clock.replaying_at(_later(incident, minutes=20)):
        assessment = risk_services.assessment_start(
            actor=officer, victim=victim, incident=incident, perpetrator=perpetrator
        )
        risk_services.assessment_safety_record(
            actor=officer,
            assessment=assessment,
            checks=risk_services.SafetyChecks(
                safe_to_talk="yes",
                safe_contact_number="07700 900461",
                safe_times="Weekday mornings, when the children are at school",
                afraid_of="Her ex-partner",
                perpetrator_whereabouts="In custody",
                children_whereabouts="At their grandmother's",
            ),
        )
        for index, item in enumerate(instrument("police_dash").items):
            risk_services.assessment_answer(
                actor=officer,
                assessment=assessment,
                item_key=item.key,
                answer=Answer.YES if index < 15 else Answer.NO,
            )
        # Completing it routes the incident again: an IDVA referral and a MARAC referral.
        risk_services.assessment_complete(actor=officer, assessment=assessment)


def _school_notification(incident: Incident) -> Obligation | None:
    return (
        incident.obligations.filter(route=enc.ROUTE, encompass__setting__isnull=False)
        .select_related("encompass__setting")
        .first()
    )


def _school(incident: Incident, *, minutes: float, support: str = "", how: str = "") -> None:
    """The school's DSL acknowledges the incident's Operation Encompass notification
    ``minutes`` after it fell due (negative: before the school day started), records the
    support the school will give and, if ``how``, how it went."""
    obligation = _school_notification(incident)
    if obligation is None or obligation.status != Status.SENT:
        return
    setting = obligation.encompass.setting
    assert setting is not None
    contact = setting.contacts.current().order_by("role", "id").first()
    assert contact is not None, "every demo school has a DSL"
    dsl = actor_for_user(user=contact.user, agency_id=obligation.team.agency_id)
    assert dsl is not None
    due = obligation.deadlines.get().due_at
    notification = obligation.encompass
    with clock.replaying_at(min(due + dt.timedelta(minutes=minutes), clock.now())):
        encompass.notification_open(actor=dsl, notification=notification)
        encompass.notification_acknowledge(actor=dsl, notification=notification)
        if support:
            encompass.notification_support_record(
                actor=dsl, notification=notification, support=support
            )
    if how:
        with clock.replaying_at(min(due + dt.timedelta(days=14), clock.now())):
            encompass.notification_outcome_record(actor=dsl, notification=notification, outcome=how)


def _seed_schools_responses() -> None:
    """Operation Encompass: acknowledged in time with support given and closed; in time
    with silent support; acknowledged late (in the force's late list); never
    acknowledged (the Brindlecombes: overdue, climbing to the deputies and then the
    education safeguarding team); and the latest acknowledged, support not yet chosen."""
    _school(
        _incident("WX/DEMO/0001"),
        minutes=-50,
        support=enc.EncompassSupport.OVERT,
        how="Tyler met the learning mentor weekly for six weeks and is settled in class.",
    )
    _school(_incident("WX/DEMO/0002"), minutes=-35, support=enc.EncompassSupport.SILENT)
    _school(_incident("WX/DEMO/0003"), minutes=150, support=enc.EncompassSupport.ALREADY_KNOWN)
    _school(_incident("WX/DEMO/0005"), minutes=-20)


def seed_obligations() -> None:
    # The first call to the Fenwrights, four months ago: early help, long closed.
    _decide(NORTH_FRONT_DOOR, _incident("WX/DEMO/0001"), Decision.EARLY_HELP, hours=20)
    # The second: an assessment under way, its 45-working-day clock running.
    _decide(
        NORTH_FRONT_DOOR,
        _incident("WX/DEMO/0002"),
        Decision.CHILD_IN_NEED_ASSESSMENT,
        hours=22,
    )
    # The Karwells, in Southmoor: acknowledged the next morning, but no decision since.
    karwell = _incident("WX/DEMO/0003")
    for obligation in _notifications(karwell):
        if obligation.status == Status.SENT:
            with clock.replaying_at(_later(karwell, hours=10)):
                services.obligation_acknowledge(
                    actor=_actor(SOUTH_FRONT_DOOR), obligation=obligation
                )
    # The Brindlecombes (WX/DEMO/0004) were never acknowledged: overdue, and the sweeper
    # escalates them to the Northshire front door's manager and then its duty manager.
    third = _incident("WX/DEMO/0005")
    _high_risk_checklist(third)
    idva = third.obligations.filter(route=Route.IDVA_REFERRAL).first()
    if idva is not None and idva.status == Status.SENT:
        with clock.replaying_at(_later(third, days=1)):
            # The IDVA service starts supporting Shona: Tyler and Poppy get follow-ups.
            services.obligation_acknowledge(actor=_actor(IDVA), obligation=idva)
    _seed_schools_responses()
