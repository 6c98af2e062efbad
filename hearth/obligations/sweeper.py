"""The sweeper: compares stored deadlines with the clock and climbs the escalation ladder
(``policy.Step``): marked overdue, a reminder to the team that owes it, then the team's
manager, then the team's named escalation team. Invariants:

- each step happens exactly once per deadline, however many sweepers run at once: a
  step is claimed by a conditional UPDATE (``... WHERE <step>_at IS NULL``), and only
  the sweeper whose update changed the row acts on it; the claim and its timeline event
  and message commit together, so a failure leaves the step unclaimed for the next run;
- it only compares stored due times with ``clock.now()``, so a missed run catches up;
- it ignores met deadlines and obligations that have ended;
- messages name the obligation by its route and Hearth number, never a person;
- a route may climb its own ladder and tell its own people at each step
  (``Route.ladder`` and ``Route.escalation`` in the registry: an Operation Encompass
  notification to a school climbs within the school day); otherwise the usual one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from hearth.accounts.models import Membership, Team
from hearth.audit.services import TimelineEntry, timeline_record_many
from hearth.core import clock, notify
from hearth.obligations import policy, registry
from hearth.obligations.models import ENDED_STATUSES, STEP_FIELDS, Deadline, stage_label
from hearth.obligations.services._common import obligation_url, other_side


@dataclass
class SweepReport:
    checked: int = 0
    steps: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in policy.Step})

    @property
    def total(self) -> int:
        return sum(self.steps.values())


def _owner_team(deadline: Deadline) -> Team | None:
    obligation = deadline.obligation
    if deadline.owner == policy.Owner.REFERRER:
        return obligation.referrer_team
    return obligation.team


def _managers(team: Team) -> list[str]:
    return sorted(
        Membership.objects.current()
        .filter(team=team, is_manager=True, user__is_active=True)
        .values_list("user__email", flat=True)
    )


def _message(
    deadline: Deadline, step: policy.Step, team: Team | None
) -> tuple[list[str], str] | registry.Escalation:
    """Who hears of this step, and the one line they are told (or the route's own)."""
    obligation = deadline.obligation
    what = (
        f"{registry.label(obligation.route)} {obligation.pk}: "
        f"{stage_label(deadline.stage).lower()} by "
        f"{deadline.due_at.astimezone(clock.LONDON):%d %B %Y %H:%M}"
    )
    if team is None or step == policy.Step.OVERDUE:
        return [], what
    route = registry.get(obligation.route)
    if route.escalation is not None:
        own = route.escalation(deadline, step, what)
        if own is not None:
            return own
    if step == policy.Step.REMINDER:
        return ([team.email] if team.email else []), f"Overdue: {what}"
    if step == policy.Step.MANAGER:
        return _managers(team), f"Escalated to you as {team.name}'s manager: {what}"
    escalation = team.escalation_team
    if escalation is None or not escalation.email:
        return [], what
    return [escalation.email], f"Escalated from {team.name}: {what}"


# Steps are claimed and recorded this many deadlines at a time, in one transaction each.
CHUNK = 500


def _claim(step: policy.Step, deadlines: list[Deadline], at: dt.datetime) -> list[Deadline]:
    """Claim ``step`` on these deadlines: those whose step is still unclaimed are locked
    (a concurrent sweeper waits, then finds them claimed) and stamped; the ones this
    sweeper won are returned. Call inside the transaction that records the steps."""
    name = STEP_FIELDS[step]
    won = set(
        Deadline.objects.select_for_update()
        .filter(pk__in=[d.pk for d in deadlines], **{f"{name}__isnull": True})
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if won:
        Deadline.objects.filter(pk__in=won).update(**{name: at})
    return [d for d in deadlines if d.pk in won]


def _summary(deadline: Deadline, step: policy.Step, team: Team | None, own: str | None) -> str:
    summary = policy.STEP_LABELS[step]
    if own:
        summary = own  # the route's own words for its own ladder's step
    elif step == policy.Step.ESCALATION_TEAM and team is not None:
        summary = (
            f"Escalated to {team.escalation_team.name}"
            if team.escalation_team is not None
            else "No escalation team is named: nobody further could be told"
        )
    return f"{summary} ({stage_label(deadline.stage).lower()})"


def _act(deadlines: list[Deadline], step: policy.Step, at: dt.datetime) -> int:
    """Claim ``step`` on ``deadlines`` and, for each this sweeper won, record and tell: the
    claims, their timeline events (one statement) and messages commit together."""
    with transaction.atomic():
        won = _claim(step, deadlines, at)
        entries = []
        for deadline in won:
            obligation = deadline.obligation
            team = _owner_team(deadline)
            told = _message(deadline, step, team)
            own = None
            if isinstance(told, registry.Escalation):
                recipients, line, own = told.recipients, told.line, told.summary
            else:
                recipients, line = told
            # The event ``record_event`` writes, for many at once.
            entries.append(
                TimelineEntry(
                    subject=obligation,
                    verb=f"deadline.{step.value}",
                    summary=_summary(deadline, step, team, own),
                    payload={
                        "obligation_id": obligation.pk,
                        "incident_id": obligation.incident_id,
                        "route": obligation.route,
                        "deadline_id": deadline.pk,
                        "stage": deadline.stage,
                        "step": step.value,
                    },
                )
            )
            if recipients:
                waiting = other_side(obligation, team)
                link = obligation_url(obligation.pk, registry.get(obligation.route).page_url_name)
                notify.send(
                    notify.Message(
                        to=recipients,
                        subject=line[:150],
                        body=f"{line}\n\nOpen it in Hearth: {link}",
                        about=("obligations.obligation", str(obligation.pk)),
                        purpose=f"Deadline {step.value}",
                        # Sent for the side waiting on the team that owes the deadline.
                        sender_agency_id=waiting[0],
                        sender_team_id=waiting[1],
                    )
                )
        timeline_record_many(actor=None, entries=entries)
    return len(won)


def sweep(
    *,
    now: dt.datetime | None = None,
    ladder: policy.Ladder = policy.LADDER,
) -> SweepReport:
    """One pass over every missed, unmet deadline of an open obligation, each climbing its
    route's own ladder where it has one (``Route.ladder``), else ``ladder``."""
    now = now or clock.now()
    report = SweepReport()
    # The candidates first, through the partial index of unmet deadlines not yet at the
    # ladder's top, alone (an idle sweep reads none of the met or fully climbed millions);
    # then, a chunk at a time by key, only what says which steps each owes; and only the
    # deadlines with a step to take are read whole, with their obligation and teams.
    candidates = list(
        Deadline.objects.filter(
            met_at__isnull=True, escalation_team_at__isnull=True, due_at__lte=now
        )
        .order_by("due_at", "id")
        .values_list("pk", flat=True)
    )
    stamps = [STEP_FIELDS[step] for step in policy.Step]
    # The ladder's calendar arithmetic once per due time, steps done and ladder: many
    # deadlines fall due at the same moment (the end of a working day).
    known: dict[tuple[dt.datetime, frozenset[policy.Step], int], list[policy.Step]] = {}
    # What the routes' own ladders read of each deadline (``Route.ladder_fields``).
    fields = sorted({f for route in registry.routes() for f in route.ladder_fields})
    owed: dict[int, list[policy.Step]] = {}
    for start in range(0, len(candidates), CHUNK):
        for pk, due_at, key_of_route, *read in (
            Deadline.objects.filter(pk__in=candidates[start : start + CHUNK])
            .exclude(obligation__status__in=ENDED_STATUSES)
            .order_by("due_at", "id")
            .values_list("pk", "due_at", "obligation__route", *fields, *stamps)
        ):
            report.checked += 1
            values, stamped = (
                dict(zip(fields, read[: len(fields)], strict=True)),
                read[len(fields) :],
            )
            done = frozenset(step for step, at in zip(policy.Step, stamped, strict=True) if at)
            route = registry.get(key_of_route)
            climb = (route.ladder(values) if route.ladder is not None else None) or ladder
            key = (due_at, done, id(climb))
            if key not in known:
                known[key] = policy.steps_due(due_at=due_at, now=now, done=done, ladder=climb)
            if known[key]:
                owed[pk] = known[key]
    # Each deadline's steps in the ladder's order: every deadline's first step, then
    # every second, so that a deadline's later step is never taken before its earlier.
    work: dict[policy.Step, list[Deadline]] = {step: [] for step in policy.Step}
    pending = list(owed)
    for start in range(0, len(pending), CHUNK):
        for deadline in (
            Deadline.objects.filter(pk__in=pending[start : start + CHUNK])
            .select_related(
                "obligation__team__escalation_team",
                "obligation__referrer_team__escalation_team",
                *(f"obligation__{r}" for r in registry.related()),
            )
            .order_by("due_at", "id")
        ):
            for step in owed[deadline.pk]:
                work[step].append(deadline)
    for step in policy.Step:
        for start in range(0, len(work[step]), CHUNK):
            report.steps[step.value] += _act(work[step][start : start + CHUNK], step, now)
    return report
