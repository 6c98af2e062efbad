"""A route added by a new app and its registration alone, with no change to the ledger
core: proof that routes are plug-ins (issue 12). Started only by the tests that use it
(``tests/test_route_plugin.py``), never in a deployment.

The made-up rule WELFARE-CALL-1: every child under 5 at a police incident gets a welfare
call from the health visiting team of the area the incident happened in, acknowledged
within one working day; the call's outcome closes it. It shares with the health visitors,
on the obligations API, its own part ``welfare_call`` (``WelfareCallOut``): the child's
age on the day and the number of children under 5 at the incident."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import AppConfig
from ninja import Field, Schema

from hearth.core import calendar
from hearth.obligations import policy, registry

KEY = "example_welfare_call"


@dataclass(frozen=True)
class WelfareIn:
    """The plain data the rule needs."""

    incident_id: int
    received_at: dt.datetime
    team_id: int | None
    children: tuple[tuple[int, int | None], ...]  # (person id, age on the day)


def plan(read: WelfareIn) -> policy.RoutingResult:
    """The pure rule: plain data in, planned obligations out."""
    planned, unrouted = [], []
    for person_id, age in read.children:
        if age is None or age >= 5:
            continue
        if read.team_id is None:
            unrouted.append(policy.Unrouted(KEY, person_id, "No health visiting team is known"))
            continue
        due = calendar.working_day_deadline(read.received_at, 1, calendar.Jurisdiction.ENGLAND)
        planned.append(
            policy.PlannedObligation(
                key=f"{KEY}:{read.incident_id}:{person_id}",
                route=KEY,
                subject_id=person_id,
                team_id=read.team_id,
                incident_id=read.incident_id,
                rule="WELFARE-CALL-1",
                rule_version="1",
                reason=f"A child aged {age} was at the incident: a welfare call is due",
                send_now=True,
                deadlines=(
                    policy.PlannedDeadline(
                        stage=policy.Stage.ACKNOWLEDGE,
                        owner=policy.Owner.RECIPIENT,
                        due_at=due,
                        rule="WELFARE-CALL-1",
                        rule_version="1",
                        basis="1 working day from receipt",
                    ),
                ),
            )
        )
    return policy.RoutingResult(tuple(planned), tuple(unrouted))


def read(incident: Any) -> WelfareIn:
    """What the rule needs, read through other apps' public selectors only."""
    from hearth.accounts.models import TeamFunction
    from hearth.incidents.facts import children_at
    from hearth.obligations.reference import team_for

    team = (
        team_for(TeamFunction.HEALTH_VISITING, incident.local_authority_id)
        if incident.local_authority_id
        else None
    )
    return WelfareIn(
        incident_id=incident.pk,
        received_at=incident.submitted_at,
        team_id=team.pk if team else None,
        children=tuple((c.person.pk, c.age) for c in children_at(incident)),
    )


@dataclass(frozen=True)
class WelfareShare:
    """The route's own part of what it shares (``Shared.parts[KEY]``)."""

    age: int | None
    under_fives: int


def shares(obligation: Any, base: Any) -> Any:
    """What the welfare call shares beyond the core's: the child's age on the day, and how
    many children under 5 were at the incident."""
    from hearth.incidents.facts import children_at

    ages = {c.person.pk: c.age for c in children_at(obligation.incident)}
    part = WelfareShare(
        age=ages.get(obligation.subject_id),
        under_fives=sum(1 for age in ages.values() if age is not None and age < 5),
    )
    return dataclasses.replace(base, parts={KEY: part})


class WelfareCallOut(Schema):
    """What a welfare call shares on the obligations API."""

    age: int | None = Field(..., description="The child's age on the day of the incident.")
    under_fives: int = Field(..., description="The children under 5 at the incident.")


def welfare_call_out(detail: Any) -> WelfareCallOut:
    part: WelfareShare = detail.shared.part
    return WelfareCallOut(age=part.age, under_fives=part.under_fives)


WELFARE_CALL = registry.ApiShare(
    key="welfare_call",
    schema=WelfareCallOut,
    build=welfare_call_out,
    description="A welfare call: the child's age and the children under 5.",
)

ROUTE = registry.Route(
    key=KEY,
    label="Welfare call",
    rule="WELFARE-CALL-1",
    rule_version="1",
    for_child=True,
    outcomes={"called": "Called: the child is safe", "no_answer": "No answer: visit arranged"},
    read=read,
    plan=plan,
    order=300,
    shares=shares,
    api_shares=(WELFARE_CALL,),
)


class ExampleRouteConfig(AppConfig):
    name = "tests.example_route"
    label = "example_route"

    def ready(self) -> None:
        registry.register(ROUTE)
