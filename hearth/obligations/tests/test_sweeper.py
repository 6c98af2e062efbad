"""The sweeper with the clock frozen and moved on: overdue, reminder, manager, escalation
team, each exactly once per deadline, even with two sweepers at once (concurrently on
PostgreSQL, where rows are really locked)."""

from __future__ import annotations

import datetime as dt
import re
import threading
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from hearth.audit.models import TimelineEvent
from hearth.core.clock import LONDON
from hearth.core.models import OutboundMessage
from hearth.incidents.models import Incident
from hearth.obligations.models import Deadline
from hearth.obligations.sweeper import sweep
from hearth.obligations.tests.factories import of, submitted_incident, team
from hearth.referrals.policy import Route, Step

SUBMITTED = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)  # a Tuesday
DUE = dt.datetime(2026, 12, 2, 23, 59, 59, tzinfo=LONDON)  # the end of Wednesday


def london(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=LONDON)


# The children's schools are not known, so the incident also sends an Operation
# Encompass notification to the education safeguarding team, on its own clock: these
# tests follow the child concern notifications' deadlines.


def ours(incident: Incident) -> list[Deadline]:
    return list(
        Deadline.objects.filter(
            obligation__incident=incident, obligation__route=Route.CHILD_CONCERN
        ).order_by("id")
    )


def steps_recorded(incident: Incident) -> dict[str, int]:
    """How many times each ladder step was recorded on the incident's obligations."""
    ids = [str(o.pk) for o in incident.obligations.filter(route=Route.CHILD_CONCERN)]
    events = TimelineEvent.objects.filter(subject_id__in=ids, verb__startswith="deadline.")
    return {step.value: events.filter(verb=f"deadline.{step.value}").count() for step in Step}


def messages_to(address: str, incident: Incident) -> int:
    ids = [str(o.pk) for o in incident.obligations.filter(route=Route.CHILD_CONCERN)]
    return OutboundMessage.objects.filter(recipient=address, about_id__in=ids).count()


@pytest.fixture
def incident(wessex: Any) -> Incident:
    with time_machine.travel(SUBMITTED):
        return submitted_incident(wessex)


@pytest.mark.django_db
def test_each_step_happens_once_as_the_clock_moves_on(incident: Incident) -> None:
    deadlines = ours(incident)
    assert len(deadlines) == 6  # three children, each: acknowledge and decide
    assert {d.due_at for d in deadlines} == {DUE}
    front_door = team("northshire-front-door")
    manager = "front.door.manager@northshire.wessex.example"
    duty = team("northshire-childrens-services-duty-manager")

    sweep(now=DUE - dt.timedelta(seconds=1))
    assert steps_recorded(incident) == {
        "overdue": 0,
        "reminder": 0,
        "manager": 0,
        "escalation_team": 0,
    }

    for _ in range(2):  # a second sweep at the same moment finds nothing more to do
        sweep(now=DUE + dt.timedelta(seconds=30))
    assert steps_recorded(incident) == {
        "overdue": 6,
        "reminder": 6,
        "manager": 0,
        "escalation_team": 0,
    }
    assert messages_to(front_door.email, incident) == 3 + 6  # sent, then the reminders

    for _ in range(2):
        sweep(now=london(2026, 12, 3, 9, 0))
    assert steps_recorded(incident)["manager"] == 6
    assert messages_to(manager, incident) == 6

    for _ in range(2):
        sweep(now=london(2026, 12, 4, 9, 0))
    assert steps_recorded(incident) == {
        "overdue": 6,
        "reminder": 6,
        "manager": 6,
        "escalation_team": 6,
    }
    assert messages_to(duty.email, incident) == 6
    sweep(now=london(2026, 12, 20, 9, 0))
    assert steps_recorded(incident)["escalation_team"] == 6


@pytest.mark.django_db
def test_a_missed_run_catches_up_in_order(incident: Incident) -> None:
    sweep(now=london(2026, 12, 10, 12, 0))
    assert steps_recorded(incident) == {
        "overdue": 6,
        "reminder": 6,
        "manager": 6,
        "escalation_team": 6,
    }
    for deadline in ours(incident):
        assert (
            deadline.overdue_at
            == deadline.reminder_at
            == deadline.manager_at
            == deadline.escalation_team_at
        )


@pytest.mark.django_db
def test_met_deadlines_and_ended_obligations_are_left_alone(
    wessex: Any, incident: Incident
) -> None:
    from hearth.obligations import services

    first, second, _ = of(incident, Route.CHILD_CONCERN)
    with time_machine.travel(london(2026, 12, 2, 9, 0)):
        services.obligation_acknowledge(
            actor=wessex.actor("front.door@northshire.wessex.example"), obligation=first
        )
        services.obligation_withdraw(
            actor=wessex.actor("front.door.manager@northshire.wessex.example"),
            obligation=second,
            reason="Duplicate",
        )
    sweep(now=london(2026, 12, 3, 0, 30))
    # The first's acknowledgement was met, its decision was not; the second is withdrawn.
    assert steps_recorded(incident)["overdue"] == 1 + 0 + 2


@pytest.mark.django_db
def test_a_step_another_sweeper_already_claimed_is_not_repeated(incident: Incident) -> None:
    Deadline.objects.filter(obligation__incident=incident).update(overdue_at=DUE, reminder_at=DUE)
    sweep(now=DUE + dt.timedelta(minutes=1))
    assert steps_recorded(incident)["reminder"] == 0


@pytest.mark.django_db
def test_the_command_sweeps_once_and_says_what_it_did(incident: Incident, capsys: Any) -> None:
    with time_machine.travel(DUE + dt.timedelta(minutes=1)):
        call_command("sweep_obligations")
    out = capsys.readouterr().out
    assert re.search(r"^Checked \d+ missed deadlines: \d+ overdue, \d+ reminder", out, re.M)
    assert steps_recorded(incident)["overdue"] == 6


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_sweepers_running_at_once_send_each_reminder_once(wessex: Any) -> None:
    with time_machine.travel(SUBMITTED):
        incident = submitted_incident(wessex)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            for moment in (
                DUE + dt.timedelta(seconds=30),
                london(2026, 12, 3, 9, 0),
                london(2026, 12, 4, 9, 0),
            ):
                sweep(now=moment)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert steps_recorded(incident) == {
        "overdue": 6,
        "reminder": 6,
        "manager": 6,
        "escalation_team": 6,
    }
    assert messages_to(team("northshire-front-door").email, incident) == 3 + 6
