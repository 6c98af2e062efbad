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
- an Operation Encompass notification to a school climbs its own ladder within the
  school day (``policy.ENCOMPASS_LADDER``): the school's DSLs and mailbox, then its
  deputy DSLs, then the local authority's education safeguarding team (issue 6 point 6);
  one to a team that is not a school climbs the usual ladder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from hearth.accounts.models import Membership, Team
from hearth.audit.services import TimelineEntry, timeline_record_many
from hearth.core import clock, notify
from hearth.obligations import policy
from hearth.obligations.models import ENDED_STATUSES, STEP_FIELDS, Deadline
from hearth.obligations.services._common import obligation_url, other_side
from hearth.obligations.services.encompass import (
    encompass_escalation,
    notification_url,
    recipients_words,
)


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


def _message(deadline: Deadline, step: policy.Step, team: Team | None) -> tuple[list[str], str]:
    """Who hears of this step, and the one line they are told."""
    obligation = deadline.obligation
    what = (
        f"{policy.ROUTE_LABELS[policy.Route(obligation.route)]} {obligation.pk}: "
        f"{policy.STAGE_LABELS[policy.Stage(deadline.stage)].lower()} by "
        f"{deadline.due_at.astimezone(clock.LONDON):%d %B %Y %H:%M}"
    )
    if team is None or step == policy.Step.OVERDUE:
        return [], what
    if obligation.route == policy.Route.ENCOMPASS:
        school = encompass_escalation(obligation, step, what)
        if school is not None:
            return school
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


def _summary(
    deadline: Deadline, step: policy.Step, team: Team | None, recipients: list[str]
) -> str:
    summary = policy.STEP_LABELS[step]
    if step == policy.Step.ESCALATION_TEAM and _to_a_school(deadline):
        summary = (
            "Escalated to the local authority's education safeguarding team "
            f"({recipients_words(recipients)})"
            if recipients
            else "No education safeguarding team is known: nobody further could be told"
        )
    elif step == policy.Step.ESCALATION_TEAM and team is not None:
        summary = (
            f"Escalated to {team.escalation_team.name}"
            if team.escalation_team is not None
            else "No escalation team is named: nobody further could be told"
        )
    return f"{summary} ({policy.STAGE_LABELS[policy.Stage(deadline.stage)].lower()})"


def _act(deadlines: list[Deadline], step: policy.Step, at: dt.datetime) -> int:
    """Claim ``step`` on ``deadlines`` and, for each this sweeper won, record and tell: the
    claims, their timeline events (one statement) and messages commit together."""
    with transaction.atomic():
        won = _claim(step, deadlines, at)
        entries = []
        for deadline in won:
            obligation = deadline.obligation
            team = _owner_team(deadline)
            recipients, line = _message(deadline, step, team)
            # The event ``record_event`` writes, for many at once.
            entries.append(
                TimelineEntry(
                    subject=obligation,
                    verb=f"deadline.{step.value}",
                    summary=_summary(deadline, step, team, recipients),
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
                link = (
                    notification_url(obligation.pk)
                    if obligation.route == policy.Route.ENCOMPASS
                    else obligation_url(obligation.pk)
                )
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


def _to_a_school(deadline: Deadline) -> bool:
    """An Operation Encompass notification to a school climbs within the school day; one
    to a team that is not a school (the local authority's education safeguarding team,
    health visiting) climbs the usual ladder, as ``encompass_escalation`` tells its
    usual recipients."""
    obligation = deadline.obligation
    if obligation.route != policy.Route.ENCOMPASS:
        return False
    notification = getattr(obligation, "encompass", None)
    return notification is not None and notification.setting_id is not None


def sweep(
    *,
    now: dt.datetime | None = None,
    ladder: policy.Ladder = policy.LADDER,
    encompass_ladder: policy.Ladder = policy.ENCOMPASS_LADDER,
) -> SweepReport:
    """One pass over every missed, unmet deadline of an open obligation."""
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
    known: dict[tuple[dt.datetime, frozenset[policy.Step], bool], list[policy.Step]] = {}
    owed: dict[int, list[policy.Step]] = {}
    for start in range(0, len(candidates), CHUNK):
        for pk, due_at, route, setting_id, *stamped in (
            Deadline.objects.filter(pk__in=candidates[start : start + CHUNK])
            .exclude(obligation__status__in=ENDED_STATUSES)
            .order_by("due_at", "id")
            .values_list(
                "pk", "due_at", "obligation__route", "obligation__encompass__setting", *stamps
            )
        ):
            report.checked += 1
            done = frozenset(step for step, at in zip(policy.Step, stamped, strict=True) if at)
            # As ``_to_a_school``: a notification to a school climbs its own ladder.
            school = route == policy.Route.ENCOMPASS and setting_id is not None
            key = (due_at, done, school)
            if key not in known:
                known[key] = policy.steps_due(
                    due_at=due_at,
                    now=now,
                    done=done,
                    ladder=encompass_ladder if school else ladder,
                )
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
                "obligation__encompass",
            )
            .order_by("due_at", "id")
        ):
            for step in owed[deadline.pk]:
                work[step].append(deadline)
    for step in policy.Step:
        for start in range(0, len(work[step]), CHUNK):
            report.steps[step.value] += _act(work[step][start : start + CHUNK], step, now)
    return report
