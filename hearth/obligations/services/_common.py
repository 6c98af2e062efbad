"""What every obligation service shares: the timeline event, the lock, the transition
check, meeting deadlines, and alerts to teams through the notify port."""

from __future__ import annotations

from typing import Any

import rules
from django.conf import settings
from django.urls import reverse

from hearth.accounts.models import Team
from hearth.audit.services import TimelineEntry, timeline_record
from hearth.core import clock, notify
from hearth.core.actor import Actor
from hearth.core.errors import NotPermitted
from hearth.obligations import policy, registry
from hearth.obligations.models import (
    Deadline,
    Obligation,
)


def record_event(
    actor: Actor | None,
    obligation: Obligation,
    verb: str,
    summary: str,
    *,
    payload: dict[str, Any] | None = None,
    subject_too: bool = False,
) -> None:
    """A timeline event on the obligation (and its subject's record, which shows it only
    to those who may see the incident it names)."""
    for entry in event_entries(obligation, verb, summary, payload=payload, subject_too=subject_too):
        timeline_record(
            actor=actor,
            subject=entry.subject,
            verb=entry.verb,
            summary=entry.summary,
            payload=entry.payload,
        )


def event_entries(
    obligation: Obligation,
    verb: str,
    summary: str,
    *,
    payload: dict[str, Any] | None = None,
    subject_too: bool = False,
) -> list[TimelineEntry]:
    """The timeline entries ``record_event`` writes, for a caller that writes several at
    once (``timeline_record_many``)."""
    data = {
        "obligation_id": obligation.pk,
        "incident_id": obligation.incident_id,
        "route": obligation.route,
        **(payload or {}),
    }
    entries = [TimelineEntry(subject=obligation, verb=verb, summary=summary, payload=data)]
    if subject_too:
        entries.append(
            TimelineEntry(subject=obligation.subject, verb=verb, summary=summary, payload=data)
        )
    return entries


def _locked(obligation: Obligation) -> Obligation:
    return (
        Obligation.objects.select_for_update()
        .select_related("team", "subject", "incident")
        .get(pk=obligation.pk)
    )


def _transition(obligation: Obligation, action: policy.Action) -> None:
    obligation.status = policy.next_status(obligation.status, action)


def _require(rule: str, actor: Actor, obligation: Obligation, message: str) -> None:
    if not rules.test_rule(rule, actor, obligation):
        raise NotPermitted(message)


def _meet(obligation: Obligation, *stages: policy.Stage) -> None:
    Deadline.objects.filter(
        obligation=obligation, stage__in=list(stages), met_at__isnull=True
    ).update(met_at=clock.now())


def _link(obligation: Obligation) -> str:
    return obligation_url(obligation.pk)


def obligation_url(obligation_id: int, page: str = "obligation_detail") -> str:
    """The obligation's page (or its route's own page), in full: messages are read
    outside Hearth."""
    return settings.HEARTH_BASE_URL + reverse(page, args=[obligation_id])


def _tell_team(
    team: Team | None,
    obligation: Obligation,
    subject: str,
    body: str,
    *,
    sender: Team | None = None,
) -> None:
    """An alert to a team's shared mailbox: no names, only what to do and where. It is
    sent on behalf of ``sender`` (by default the other side of the obligation: the
    referrer when the recipient team is told, the recipient team when the referrer is),
    which sees it if it cannot be delivered."""
    message = team_message(team, obligation, subject, body, sender=sender)
    if message is not None:
        notify.send(message)


def team_message(
    team: Team | None,
    obligation: Obligation,
    subject: str,
    body: str,
    *,
    sender: Team | None = None,
) -> notify.Message | None:
    """The alert ``_tell_team`` sends (none to a team without a mailbox), for a caller
    that sends several at once (``notify.send_many``)."""
    if team is None or not team.email:
        return None
    agency_id, team_id = (
        (sender.agency_id, sender.pk) if sender is not None else other_side(obligation, team)
    )
    return notify.Message(
        to=[team.email],
        subject=subject,
        body=f"{body}\n\nOpen it in Hearth: {_link(obligation)}",
        about=("obligations.obligation", str(obligation.pk)),
        purpose="Obligation alert to a team",
        sender_agency_id=agency_id,
        sender_team_id=team_id,
    )


def other_side(obligation: Obligation, team: Team | None) -> tuple[int | None, int | None]:
    """The agency and team on the other side of ``obligation`` from ``team``: a message to
    the team it is addressed to is sent for its referrer, one to the referrer for the
    team it is addressed to."""
    if team is not None and team.pk == obligation.team_id:
        return obligation.referrer_agency_id, obligation.referrer_team_id
    return obligation.team.agency_id, obligation.team_id


def _label(obligation: Obligation) -> str:
    return f"{registry.label(obligation.route)} {obligation.pk}"
