"""The sweeper's Operation Encompass ladder (``enc.ENCOMPASS_LADDER``, issue 6 point 6):
a school's notification not acknowledged by the start of the school day reminds its DSLs
and mailbox at once, its deputy DSLs half an hour later and the local authority's
education safeguarding team an hour later (who may then read it, not act on it), each
step once however often the sweeper runs; an acknowledged one climbs no further; one to
the education safeguarding team itself climbs the usual working-day ladder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from conftest import Wessex, _SeedCopy
from hearth.accounts.models import Role
from hearth.accounts.services import membership_add, team_escalation_set
from hearth.audit.models import TimelineEvent
from hearth.core.clock import LONDON
from hearth.core.errors import NotFound, NotPermitted
from hearth.core.models import OutboundMessage
from hearth.encompass import policy as enc
from hearth.encompass import services
from hearth.encompass.models import EncompassNotification
from hearth.encompass.selectors import (
    encompass_inbox_for,
    encompass_notification_get_for,
)
from hearth.incidents.models import Incident
from hearth.incidents.tests.factories import family_document
from hearth.obligations.models import Obligation
from hearth.obligations.sweeper import sweep
from hearth.obligations.tests.factories import (
    EDUCATION,
    FRONT_DOOR_MANAGER,
    of,
    submitted_incident,
    team,
)
from hearth.referrals.policy import Status, Step
from hearth.schools.models import EducationSetting

pytestmark = pytest.mark.django_db

SCHOOL = "Brackenford Primary School"
SCHOOL_TEAM = "brackenford-primary-school-safeguarding"
EDUCATION_TEAM = "northshire-education-safeguarding"
DSL = "dsl03@schools.wessex.example"
DEPUTY = "deputy.dsl@schools.wessex.example"

SEEDED = dt.datetime(2026, 11, 30, 12, 0, tzinfo=LONDON)  # a Monday in the autumn term
SUBMITTED = dt.datetime(2026, 12, 1, 22, 0, tzinfo=LONDON)  # Tuesday evening
DUE = dt.datetime(2026, 12, 2, 8, 45, tzinfo=LONDON)  # Wednesday's start, Northshire's terms
MINUTE = dt.timedelta(minutes=1)


_SEEDED_AT_A_FIXED_MOMENT = _SeedCopy()


@pytest.fixture
def wessex(db: None) -> Wessex:
    """The demo seeded at a fixed moment (once per test process, then copied for each
    test), so its term calendars cover these tests' dates whenever they run."""
    with time_machine.travel(SEEDED):
        _SEEDED_AT_A_FIXED_MOMENT.seed()
    return Wessex()


def submitted(wessex: Any, reference: str, education: dict[str, dict[str, str]]) -> Incident:
    """``family_document``'s family, Mia's and Leo's education as given."""
    children = [
        replace(c, involvement={**c.involvement, "education_setting": "", **education[c.ref]})
        if c.ref in education
        else c
        for c in family_document().children
    ]
    with time_machine.travel(SUBMITTED, tick=False):
        return submitted_incident(wessex, reference=reference, children=children)


def at_school(wessex: Any, reference: str) -> EncompassNotification:
    urn = EducationSetting.objects.get(name=SCHOOL).urn
    registered = {"education": "registered", "education_setting_urn": urn}
    incident = submitted(wessex, reference, {"mia": registered, "leo": registered})
    (obligation,) = of(incident, enc.ROUTE)
    return obligation.encompass


def steps(obligation: Obligation) -> dict[str, int]:
    """How many times each ladder step was recorded on the notification."""
    recorded = TimelineEvent.objects.filter(
        subject_id=str(obligation.pk), verb__startswith="deadline."
    )
    return {s.value: recorded.filter(verb=f"deadline.{s.value}").count() for s in Step}


def told(obligation: Obligation, step: Step) -> list[str]:
    """Who was sent the message of one ladder step about the notification."""
    return sorted(
        OutboundMessage.objects.filter(
            about_id=str(obligation.pk), purpose=f"Deadline {step.value}"
        ).values_list("recipient", flat=True)
    )


def sweep_twice(at: dt.datetime) -> None:
    """Two sweeps at one moment (as two sweepers, or a retry): the second finds nothing."""
    with time_machine.travel(at, tick=False):
        sweep(now=at)
        sweep(now=at)


def counts(*values: int) -> dict[str, int]:
    return dict(zip([s.value for s in Step], values, strict=True))


def test_an_unacknowledged_notification_climbs_from_the_dsl_to_the_education_team(
    wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    notification = at_school(wessex, "WX/2026/0700")
    obligation = notification.obligation
    school = team(SCHOOL_TEAM)
    education = team(EDUCATION_TEAM)
    officer = wessex.actor(EDUCATION)

    sweep_twice(DUE - MINUTE)
    assert steps(obligation) == counts(0, 0, 0, 0)

    # At the start of the school day: the DSL and the school's mailbox.
    sweep_twice(DUE)
    assert steps(obligation) == counts(1, 1, 0, 0)
    assert told(obligation, Step.REMINDER) == sorted([school.email, DSL])
    sweep_twice(DUE + 29 * MINUTE)
    assert steps(obligation) == counts(1, 1, 0, 0)

    # Half an hour later: the deputy DSL, and no one else.
    sweep_twice(DUE + 30 * MINUTE)
    assert steps(obligation) == counts(1, 1, 1, 0)
    assert told(obligation, Step.MANAGER) == [DEPUTY]
    # The education team may not read it yet.
    with time_machine.travel(DUE + 59 * MINUTE), pytest.raises(NotFound):
        encompass_notification_get_for(actor=officer, obligation_id=obligation.pk)
    sweep_twice(DUE + 59 * MINUTE)
    assert steps(obligation) == counts(1, 1, 1, 0)

    # An hour after the due time: the local authority's education safeguarding team.
    sweep_twice(DUE + 60 * MINUTE)
    assert steps(obligation) == counts(1, 1, 1, 1)
    assert told(obligation, Step.ESCALATION_TEAM) == [education.email]
    notification.refresh_from_db()
    assert notification.escalated_to == education
    later = DUE + 3 * dt.timedelta(hours=1)
    sweep_twice(later)
    assert steps(obligation) == counts(1, 1, 1, 1)
    # Every message names the notification by number, never a child.
    ladder = OutboundMessage.objects.filter(
        about_id=str(obligation.pk), purpose__startswith="Deadline"
    )
    assert ladder.count() == 4
    for message in ladder:
        assert "Mia" not in message.subject and "Vance" not in message.subject
        assert f"notification {obligation.pk}" in message.subject

    # The education team's officer may now read it to follow it up, not act on it.
    with time_machine.travel(later):
        detail = encompass_notification_get_for(actor=officer, obligation_id=obligation.pk)
        assert not detail.is_recipient and not detail.is_referrer
        assert [c["name"] for c in detail.view.content["children"]] == ["Mia Vance", "Leo Hart"]
        with pytest.raises(NotPermitted):
            services.notification_acknowledge(actor=officer, notification=notification)
        # It is not in their own inbox: it was not sent to them.
        assert obligation.pk not in {
            i.obligation.pk for i in encompass_inbox_for(actor=officer).items
        }
        client = client_for(EDUCATION)
        page = client.get(reverse("encompass_detail", args=[obligation.pk]))
        assert page.status_code == 200
        assert "Acknowledge</button>" not in page.content.decode()
        acknowledge = reverse("encompass_acknowledge", args=[obligation.pk])
        assert client.post(acknowledge).status_code == 403
    notification.refresh_from_db()
    obligation.refresh_from_db()
    assert notification.first_opened_at is None  # reading it is not the school opening it
    assert obligation.status == Status.SENT


def test_an_acknowledged_notification_climbs_no_further(wessex: Wessex) -> None:
    dsl = wessex.actor(DSL)
    in_time = at_school(wessex, "WX/2026/0710")
    after_reminder = at_school(wessex, "WX/2026/0711")
    with time_machine.travel(DUE - 30 * MINUTE):
        services.notification_acknowledge(actor=dsl, notification=in_time)
    sweep_twice(DUE)
    with time_machine.travel(DUE + 10 * MINUTE):
        # Recording the support acknowledges it too.
        services.notification_support_record(
            actor=dsl, notification=after_reminder, support="already_known"
        )
    for moment in (DUE + 30 * MINUTE, DUE + 60 * MINUTE, DUE + dt.timedelta(days=3)):
        sweep_twice(moment)

    assert steps(in_time.obligation) == counts(0, 0, 0, 0)
    assert not OutboundMessage.objects.filter(
        about_id=str(in_time.obligation_id), purpose__startswith="Deadline"
    ).exists()
    assert steps(after_reminder.obligation) == counts(1, 1, 0, 0)
    assert told(after_reminder.obligation, Step.MANAGER) == []
    assert told(after_reminder.obligation, Step.ESCALATION_TEAM) == []
    for notification in (in_time, after_reminder):
        notification.refresh_from_db()
        assert notification.escalated_to is None


def test_a_notification_to_the_education_team_climbs_the_usual_ladder(wessex: Wessex) -> None:
    education = team(EDUCATION_TEAM)
    duty = team("northshire-childrens-services-duty-manager")
    team_escalation_set(actor=None, team=education, escalation_team=duty)
    membership_add(
        actor=None,
        user=wessex.user(FRONT_DOOR_MANAGER),
        agency=education.agency,
        team=education,
        role=Role.EDUCATION_SAFEGUARDING_OFFICER,
        is_manager=True,
    )
    incident = submitted(
        wessex,
        "WX/2026/0720",
        {
            "mia": {"education": "electively_home_educated"},
            "leo": {"education": "not_in_education"},
        },
    )
    (obligation,) = of(incident, enc.ROUTE)
    notification = obligation.encompass
    assert obligation.team == education and notification.setting is None
    assert [c.child.given_names for c in notification.children.all()] == ["Mia", "Leo"]
    (due,) = obligation.deadlines.all()
    assert due.due_at == DUE  # the next school day by the local authority's terms
    # Delivered to the team's mailbox: there are no DSLs to tell.
    assert sorted(
        OutboundMessage.objects.filter(
            about_id=str(obligation.pk), purpose="Operation Encompass notification"
        ).values_list("recipient", flat=True)
    ) == [education.email]
    with time_machine.travel(DUE - MINUTE):
        inbox = encompass_inbox_for(actor=wessex.actor(EDUCATION))
        assert obligation.pk in {i.obligation.pk for i in inbox.items}

    sweep_twice(DUE)
    assert steps(obligation) == counts(1, 1, 0, 0)
    assert told(obligation, Step.REMINDER) == [education.email]
    # Not the school day's ladder: nothing at half an hour or an hour.
    sweep_twice(DUE + 60 * MINUTE)
    assert steps(obligation) == counts(1, 1, 0, 0)
    # The team's manager at 09:00 on the next working day, its escalation team a working
    # day after that.
    thursday = dt.datetime(2026, 12, 3, 9, 0, tzinfo=LONDON)
    sweep_twice(thursday - MINUTE)
    assert steps(obligation) == counts(1, 1, 0, 0)
    sweep_twice(thursday)
    assert steps(obligation) == counts(1, 1, 1, 0)
    assert told(obligation, Step.MANAGER) == [FRONT_DOOR_MANAGER]
    sweep_twice(thursday + dt.timedelta(days=1))
    assert steps(obligation) == counts(1, 1, 1, 1)
    assert told(obligation, Step.ESCALATION_TEAM) == [duty.email]
    notification.refresh_from_db()
    assert notification.escalated_to is None
