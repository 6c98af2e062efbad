"""Reads that only the obligations pages need, beside ``selectors`` and under the same
rules: every read starts from ``visible_to(actor)`` (anything outside it is ``NotFound``),
every read of personal data writes one access event naming the records returned, and
list reads take a fixed number of queries whatever the number of rows.

- ``referrals_for``: what the referrer's agency sent (for the police, every obligation
  arising from the incidents the officer may see), newest first, optionally only those
  not acknowledged by their due time;
- ``obligation_page_for``: one obligation (``selectors.obligation_get_for``) with the
  names of the colleagues who acknowledged it and recorded its outcome (what its route
  adds to the page is the route's ``page_context``);
- ``redirect_target_for``: the team chosen to redirect to, from ``redirect_choices_for``
  (teams are organisations, not people: nothing is logged).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, F, Min, OuterRef, Prefetch, Q

from hearth.accounts.models import Team, User
from hearth.audit.models import AccessAction
from hearth.audit.services import access_record
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.errors import NotFound, ValidationFailed
from hearth.incidents.models import Incident
from hearth.obligations import policy
from hearth.obligations.models import Deadline, Obligation
from hearth.obligations.selectors.obligation import (
    ObligationDetail,
    obligation_get_for,
    redirect_choices_for,
)

REFERRALS_LIMIT = 100


@dataclass(frozen=True)
class ReferralRow:
    obligation: Obligation
    next_due: dt.datetime | None
    acknowledged_late: bool  # not acknowledged by the acknowledgement's due time

    @property
    def is_overdue(self) -> bool:
        return self.next_due is not None and self.next_due <= clock.now()

    @property
    def time_left(self) -> str:
        return policy.time_left_words(self.next_due, clock.now()) if self.next_due else ""


@dataclass(frozen=True)
class Referrals:
    rows: list[ReferralRow]
    total: int
    not_acknowledged_in_time: bool


def _acknowledged_late(now: dt.datetime) -> Exists:
    """An acknowledgement deadline that passed unmet (while the obligation is open), or
    was met after it fell due."""
    return Exists(
        Deadline.objects.filter(obligation=OuterRef("pk"), stage=policy.Stage.ACKNOWLEDGE).filter(
            Q(met_at__isnull=True, due_at__lte=now)
            & ~Q(obligation__status__in=[s.value for s in policy.ENDED])
            | Q(met_at__gt=F("due_at"))
        )
    )


def referrals_for(
    *,
    actor: Actor,
    not_acknowledged_in_time: bool = False,
    purpose: str = "Follow up referrals and notifications sent",
) -> Referrals:
    """Every obligation arising from an incident the actor may see, newest first."""
    now = clock.now()
    items = (
        Obligation.objects.visible_to(actor)
        .filter(incident__in=Incident.objects.visible_to(actor))
        .annotate(
            next_due=Min("deadlines__due_at", filter=Q(deadlines__met_at__isnull=True)),
            acknowledged_late=_acknowledged_late(now),
        )
    )
    if not_acknowledged_in_time:
        items = items.filter(acknowledged_late=True)
    total = items.count()
    page = list(
        items.select_related("subject", "team", "incident")
        .prefetch_related(
            Prefetch(
                "deadlines",
                queryset=Deadline.objects.filter(met_at__isnull=True).order_by("due_at"),
                to_attr="open_deadlines",
            )
        )
        .order_by("-created_at", "-id")[:REFERRALS_LIMIT]
    )
    access_record(
        actor=actor,
        action=AccessAction.SEARCH,
        purpose=purpose,
        records=[*page, *(o.subject for o in page)],
        query={"not_acknowledged_in_time": "yes"} if not_acknowledged_in_time else {},
        result_count=total,
    )
    return Referrals(
        rows=[
            ReferralRow(
                obligation=o,
                next_due=o.next_due,
                acknowledged_late=o.acknowledged_late,
            )
            for o in page
        ],
        total=total,
        not_acknowledged_in_time=not_acknowledged_in_time,
    )


@dataclass(frozen=True)
class ObligationPage:
    detail: ObligationDetail
    acknowledged_by: str
    outcome_by: str


def obligation_page_for(
    *, actor: Actor, obligation_id: int, purpose: str = "View an obligation"
) -> ObligationPage:
    detail = obligation_get_for(actor=actor, obligation_id=obligation_id, purpose=purpose)
    obligation = detail.obligation
    ids = {i for i in (obligation.acknowledged_by_id, obligation.outcome_by_id) if i is not None}
    names = (
        {user.pk: user.get_full_name() or user.email for user in User.objects.filter(pk__in=ids)}
        if ids
        else {}
    )
    return ObligationPage(
        detail=detail,
        acknowledged_by=names.get(obligation.acknowledged_by_id, ""),  # type: ignore[arg-type]
        outcome_by=names.get(obligation.outcome_by_id, ""),  # type: ignore[arg-type]
    )


def redirect_target_for(*, obligation: Obligation, team_id: int) -> Team:
    """The team to redirect to, if it is one of the choices offered."""
    if team_id not in {pk for pk, _ in redirect_choices_for(obligation=obligation)}:
        raise ValidationFailed.from_fields({"to_team": ["Choose another active team"]})
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise NotFound("No such team")
    return team
