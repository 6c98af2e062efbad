"""Writing whole-family plans (issue 14 §2). Each step is one transaction, idempotent (the
same again changes nothing), and writes timeline events on the plan (and, where a person
joins or leaves, on the person) whose summaries carry no free text: what a goal, an
action, a note or a child's view says is never in a summary or a log.

Only the plan's lead team changes the plan (``NotPermitted`` for anyone else who may see
it); a closed plan changes no more. Actions are obligations of the route
``family_action`` (their owner teams act on them through the ledger's pages and API);
reviews are obligations of ``family_review`` owed by the lead team.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q

from hearth.accounts.models import Area, Team
from hearth.audit.services import timeline_record
from hearth.core import calendar, clock
from hearth.core.actor import Actor
from hearth.core.errors import NotFound, NotPermitted, ValidationFailed
from hearth.families import policy
from hearth.families.models import (
    FamilyPlan,
    FamilyPlanSettings,
    Goal,
    GoalProgress,
    PlanAction,
    PlanMaracAction,
    PlanMember,
    Review,
    Support,
)
from hearth.families.reference import is_lead, schedule_for
from hearth.incidents.models import Incident
from hearth.marac.models import MaracAction
from hearth.marac.policy import CaseStatus
from hearth.obligations import policy as ledger
from hearth.obligations.models import Obligation
from hearth.obligations.reference import access_days_after_close
from hearth.obligations.services.plans import record_plans
from hearth.obligations.services.steps import (
    close_held,
    locked,
    record_outcome_held,
    support_started,
)
from hearth.people.models import Person

# --- Reading what the steps need -------------------------------------------------------------


def _event(actor: Actor | None, plan: FamilyPlan, verb: str, summary: str, **payload: Any) -> None:
    timeline_record(
        actor=actor,
        subject=plan,
        verb=f"family_plan.{verb}",
        summary=summary,
        payload={"plan_id": plan.pk, **payload},
    )


def _lead_locked(actor: Actor, plan: FamilyPlan | int) -> FamilyPlan:
    """The plan, locked, for a change by its lead team."""
    plan_id = plan if isinstance(plan, int) else plan.pk
    found = (
        FamilyPlan.objects.select_for_update(of=("self",))
        .select_related("lead_team", "incident")
        .filter(pk=plan_id)
        .first()
    )
    if found is None:
        raise NotFound("No such family plan")
    if not is_lead(actor, found):
        raise NotPermitted("Only the plan's lead team can change it")
    if not found.is_open:
        raise ValidationFailed("This family plan is closed")
    return found


def _member(plan: FamilyPlan, member_id: int | None) -> PlanMember | None:
    if member_id is None:
        return None
    return plan.members.select_related("person").filter(pk=member_id).first()


def _review_subject(plan: FamilyPlan) -> PlanMember:
    """Whom a review is owed to, as the ledger needs a subject: the adult victim, else
    the first child, else the first member."""
    members = list(plan.members.order_by("id"))
    for role in (policy.Role.ADULT_VICTIM, policy.Role.CHILD):
        found = next((m for m in members if m.role == role), None)
        if found is not None:
            return found
    return members[0]


def _plan_review(actor: Actor | None, plan: FamilyPlan, last_review_on: dt.date | None) -> None:
    """FAMILY-REVIEW-1: the next review, owed by the lead team, due by the schedule."""
    schedule = schedule_for(plan.area_id)
    due_on = policy.next_review_due(plan.opened_on, last_review_on, schedule)
    number = plan.reviews.count() + 1
    subject = _review_subject(plan)
    planned = ledger.PlannedObligation(
        key=f"{policy.REVIEW_ROUTE}:{plan.pk}:{number}",
        route=policy.REVIEW_ROUTE,
        subject_id=subject.person_id,
        team_id=plan.lead_team_id,
        incident_id=plan.incident_id,
        rule=policy.REVIEW_RULE,
        rule_version=policy.RULE_VERSION,
        reason=f"Review the family plan by {due_on:%-d %B %Y}",
        send_now=True,
        deadlines=(
            ledger.PlannedDeadline(
                stage=ledger.Stage.OUTCOME,
                owner=ledger.Owner.RECIPIENT,
                due_at=calendar.end_of_day(due_on),
                rule=policy.REVIEW_RULE,
                rule_version=policy.RULE_VERSION,
                basis=policy.review_basis(last_review_on, schedule),
            ),
        ),
        data={"plan_id": plan.pk, "review_number": number},
        referrer_agency_id=plan.lead_team.agency_id,
        referrer_team_id=plan.lead_team_id,
    )
    record_plans(actor=actor, incident=plan.incident, planned=(planned,))
    plan.review_obligation = Obligation.objects.get(key=planned.key)
    plan.next_review_due_on = due_on
    plan.save(update_fields=["review_obligation", "next_review_due_on", "updated_at"])


def _incident_for(
    person_id: int, incident_ids: list[int], obligation: Obligation | None
) -> Incident | None:
    """The incident the plan names: the one it was opened from, else the family's latest."""
    if obligation is not None:
        return obligation.incident
    return (
        Incident.objects.filter(
            pk__in=incident_ids, status=Incident.Status.SUBMITTED, parties__person_id=person_id
        )
        .order_by("-occurred_at", "-id")
        .first()
        or Incident.objects.filter(pk__in=incident_ids, status=Incident.Status.SUBMITTED)
        .order_by("-occurred_at", "-id")
        .first()
    )


# --- Opening a plan ----------------------------------------------------------------------------


@transaction.atomic
def plan_open(
    *,
    actor: Actor,
    person_id: int,
    lead_team_id: int | None,
    members: Mapping[int, str],
    agreement: str,
    safe_contact_note: str,
    opened_from: str,
    agreement_note: str = "",
    opened_from_obligation_id: int | None = None,
    marac_case_id: int | None = None,
) -> FamilyPlan:
    """Open a plan for the person's family, led by one of the actor's agency's teams with
    the actor as lead professional: its members (from ``family_of``, each with a role),
    the family's agreement, the safe-contact note, what it was opened from. Opening the
    same family's plan again with the same lead team returns the open plan; a person
    already in another open plan is refused (one plan for a family)."""
    from hearth.families.graph import family_of
    from hearth.families.selectors import person_for_plan

    person = person_for_plan(actor, person_id)
    family = family_of(person.pk)
    chosen = {int(pid): role for pid, role in members.items() if role}
    draft = policy.PlanDraft(
        lead_team_id=lead_team_id,
        members=chosen,
        agreement=agreement,
        agreement_note=agreement_note,
        safe_contact_note=safe_contact_note,
        opened_from=opened_from,
        opened_from_obligation_id=opened_from_obligation_id,
        marac_case_id=marac_case_id,
    )
    errors = policy.open_problems(draft)
    if set(chosen) - set(family.member_ids):
        errors["members"] = ["Choose the plan's members from the family"]
    team = (
        Team.objects.filter(pk=lead_team_id, agency_id=actor.agency_id, is_active=True).first()
        if lead_team_id
        else None
    )
    if lead_team_id and team is None:
        errors["lead_team"] = ["Select one of your organisation's teams to lead the plan"]
    source = None
    if opened_from_obligation_id is not None:
        source = (
            Obligation.objects.visible_to(actor)
            .select_related("incident")
            .filter(pk=opened_from_obligation_id)
            .first()
        )
        if source is None:
            errors["opened_from_obligation"] = ["Select the decision or support it was opened from"]
    if errors:
        raise ValidationFailed.from_fields(errors)
    assert team is not None  # refused above
    # The members' rows held while deciding, so that two plans opened at once for the
    # same family make one plan, not two.
    list(Person.objects.select_for_update().filter(pk__in=sorted(chosen)).order_by("id"))
    existing = (
        FamilyPlan.objects.open()
        .filter(pk__in=PlanMember.objects.filter(person_id__in=list(chosen)).values("plan_id"))
        .order_by("id")
        .first()
    )
    if existing is not None:
        if existing.lead_team_id == team.pk:
            return existing
        raise ValidationFailed.from_fields(
            {"members": ["Someone you chose is already in another open family plan"]}
        )
    incident = _incident_for(person.pk, family.incident_ids, source)
    if incident is None:
        raise ValidationFailed("The family has no submitted incident to open a plan from")
    schedule = schedule_for(incident.local_authority_id)
    today = clock.local_now().date()
    plan = FamilyPlan.objects.create(
        lead_team=team,
        lead_professional_id=actor.user_id,
        area_id=incident.local_authority_id,
        incident=incident,
        opened_from=opened_from,
        opened_from_obligation=source,
        marac_case_id=marac_case_id,
        opened_by_agency_id=actor.agency_id,
        agreement=agreement,
        agreement_note=agreement_note.strip(),
        safe_contact_note=safe_contact_note.strip(),
        opened_on=today,
        first_meeting_due_on=policy.first_meeting_due(today, schedule),
    )
    made = PlanMember.objects.bulk_create(
        PlanMember(plan=plan, person_id=pid, role=role) for pid, role in chosen.items()
    )
    _event(
        actor,
        plan,
        "opened",
        f"Family plan opened, led by {team.name}",
        members=len(made),
        rule=policy.PLAN_RULE,
    )
    for member in PlanMember.objects.filter(plan=plan).select_related("person"):
        timeline_record(
            actor=actor,
            subject=member.person,
            verb="family_plan.member_added",
            summary=f"Included in a family plan as {member.role_label.lower()}",
            payload={"plan_id": plan.pk, "member_id": member.pk},
        )
    _plan_review(actor, plan, None)
    _marac_actions_of_members(actor, plan)
    return plan


def _marac_actions_of_members(actor: Actor, plan: FamilyPlan) -> None:
    """A MARAC meeting that heard a member's case before the plan opened: its actions
    still open join the plan now (as they would have when heard, had it been open)."""
    by_case: dict[tuple[int, int], list[int]] = {}
    rows = (
        MaracAction.objects.filter(
            case__status=CaseStatus.HEARD,
            case__referral__subject_id__in=plan.members.values("person_id"),
            obligation__in=Obligation.objects.open(),
        )
        .order_by("case_id", "number")
        .values_list("case_id", "case__referral__subject_id", "obligation_id")
    )
    for case_id, victim_id, obligation_id in rows:
        by_case.setdefault((case_id, victim_id), []).append(obligation_id)
    for (case_id, victim_id), obligation_ids in by_case.items():
        marac_actions_join(
            actor=actor, case_id=case_id, victim_id=victim_id, action_obligation_ids=obligation_ids
        )


# --- Goals, actions, supports --------------------------------------------------------------------


@transaction.atomic
def goal_add(*, actor: Actor, plan: FamilyPlan | int, member_id: int, words: str) -> Goal:
    """A goal for a member, in plain words. The same words again for the member return
    the goal already there."""
    plan = _lead_locked(actor, plan)
    member = _member(plan, member_id)
    errors = policy.words_problems("words", words, "the goal")
    if member is None:
        errors["member"] = ["Select whose goal it is"]
    if errors:
        raise ValidationFailed.from_fields(errors)
    assert member is not None
    found = Goal.objects.filter(plan=plan, member=member, words=words.strip()).first()
    if found is not None:
        return found
    goal = Goal.objects.create(plan=plan, member=member, words=words.strip())
    _event(actor, plan, "goal_added", "Goal added", goal_id=goal.pk, member_id=member.pk)
    return goal


def _action_key(plan: FamilyPlan, member_id: int, team_id: int, what: str, due_on: Any) -> str:
    digest = hashlib.sha256(what.strip().encode()).hexdigest()[:16]
    return f"{policy.ACTION_ROUTE}:{plan.pk}:{member_id}:{team_id}:{due_on}:{digest}"


@transaction.atomic
def action_add(
    *,
    actor: Actor,
    plan: FamilyPlan | int,
    member_id: int,
    team_id: int,
    what: str,
    due_on: dt.date | None,
    goal_id: int | None = None,
) -> PlanAction:
    """An action for a member (and one of their goals), owned by a team, due by a date:
    an obligation (FAMILY-ACTION-1) sent to the team at once, its outcome due by the end
    of the due date. The same action again returns the first."""
    plan = _lead_locked(actor, plan)
    member = _member(plan, member_id)
    team = Team.objects.filter(pk=team_id, is_active=True, agency__is_active=True).first()
    today = clock.local_now().date()
    errors = policy.action_problems(
        what=what,
        due_on=due_on,
        today=today,
        member_in_plan=member is not None,
        team_active=team is not None,
    )
    goal = None
    if goal_id is not None:
        goal = Goal.objects.filter(pk=goal_id, plan=plan, member_id=member_id).first()
        if goal is None:
            errors["goal"] = ["Select one of the member's goals, or none"]
    if errors:
        raise ValidationFailed.from_fields(errors)
    assert member is not None and team is not None and due_on is not None
    key = _action_key(plan, member.pk, team.pk, what, due_on)
    found = PlanAction.objects.filter(obligation__key=key).first()
    if found is not None:
        return found
    planned = ledger.PlannedObligation(
        key=key,
        route=policy.ACTION_ROUTE,
        subject_id=member.person_id,
        team_id=team.pk,
        incident_id=plan.incident_id,
        rule=policy.ACTION_RULE,
        rule_version=policy.RULE_VERSION,
        reason=(
            f"An action in a family plan led by {plan.lead_team.name}, due by {due_on:%-d %B %Y}"
        ),
        send_now=True,
        deadlines=(
            ledger.PlannedDeadline(
                stage=ledger.Stage.OUTCOME,
                owner=ledger.Owner.RECIPIENT,
                due_at=calendar.end_of_day(due_on),
                rule=policy.ACTION_RULE,
                rule_version=policy.RULE_VERSION,
                basis="By the end of the date the family plan set",
            ),
        ),
        data={"plan_id": plan.pk, "member_id": member.pk},
        referrer_agency_id=plan.lead_team.agency_id,
        referrer_team_id=plan.lead_team_id,
    )
    record_plans(actor=actor, incident=plan.incident, planned=(planned,))
    action = PlanAction.objects.create(
        plan=plan,
        member=member,
        goal=goal,
        team=team,
        what=what.strip(),
        due_on=due_on,
        obligation=Obligation.objects.get(key=key),
    )
    _event(
        actor,
        plan,
        "action_added",
        f"Action added for {team.name}, due by {due_on:%-d %B %Y}",
        action_id=action.pk,
        obligation_id=action.obligation_id,
        member_id=member.pk,
    )
    return action


def _started_at(day: dt.date | None) -> dt.datetime:
    if day is None:
        return clock.now()
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=clock.LONDON)


def _children_of(plan: FamilyPlan) -> list[int]:
    return list(
        plan.members.filter(role=policy.Role.CHILD)
        .order_by("id")
        .values_list("person_id", flat=True)
    )


def _support_started(actor: Actor | None, plan: FamilyPlan, support: Support) -> None:
    """FOLLOW-UP-1 generalised: the adult's housing, refuge placement or specialist adult
    service started; each related child (the plan's children too) is followed up."""
    support_started.send(
        sender=FamilyPlan,
        actor=actor,
        adult_id=support.member.person_id,
        incident_id=plan.incident_id,
        source=policy.SUPPORT_SOURCE,
        source_words=f"{support.kind_label} started (family plan)",
        source_obligation_id=support.obligation_id,
        started_at=_started_at(support.started_on),
        child_ids=_children_of(plan),
    )


def _linked_obligation(actor: Actor, obligation_id: int | None) -> Obligation | None:
    if obligation_id is None:
        return None
    found = (
        Obligation.objects.filter(pk=obligation_id)
        .filter(
            Q(pk__in=Obligation.objects.visible_to(actor).filter(pk=obligation_id).values("pk"))
            | Q(referrer_agency_id=actor.agency_id)  # a referral the actor's agency made
        )
        .first()
    )
    if found is None:
        raise ValidationFailed.from_fields(
            {"obligation": ["Select work you can see that delivers the support"]}
        )
    return found


@transaction.atomic
def support_add(
    *,
    actor: Actor,
    plan: FamilyPlan | int,
    member_id: int,
    kind: str,
    status: str = policy.SupportStatus.PLANNED,
    started_on: dt.date | None = None,
    ended_on: dt.date | None = None,
    obligation_id: int | None = None,
    service_id: Any = None,
    note: str = "",
) -> Support:
    """A member's support of a kind their role may have, linked to the obligation (any
    route) or the directory's service that delivers it where one exists. The same kind
    for the member again updates the one there (``support_update``)."""
    plan = _lead_locked(actor, plan)
    member = _member(plan, member_id)
    if member is None:
        raise ValidationFailed.from_fields({"member": ["Select whose support it is"]})
    found = Support.objects.filter(plan=plan, member=member, kind=kind).first()
    if found is not None:
        return _support_set(
            actor, plan, found, status=status, started_on=started_on, ended_on=ended_on, note=note
        )
    errors = policy.support_problems(
        role=member.role,
        kind=kind,
        status=status,
        started_on=started_on,
        ended_on=ended_on,
        today=clock.local_now().date(),
    )
    if len(note) > policy.NOTE_MAX:
        errors["note"] = [f"The note must be {policy.NOTE_MAX} characters or fewer"]
    if errors:
        raise ValidationFailed.from_fields(errors)
    obligation = _linked_obligation(actor, obligation_id)
    support = Support.objects.create(
        plan=plan,
        member=member,
        kind=kind,
        status=status,
        started_on=started_on,
        ended_on=ended_on if status == policy.SupportStatus.ENDED else None,
        obligation=obligation,
        service_id=service_id,
        note=note.strip(),
    )
    _event(
        actor,
        plan,
        "support_added",
        f"{support.kind_label}: {support.status_label.lower()}",
        support_id=support.pk,
        member_id=member.pk,
    )
    if policy.starts_adult_support(member.role, kind, None, status):
        _support_started(actor, plan, support)
    return support


def _support_set(
    actor: Actor,
    plan: FamilyPlan,
    support: Support,
    *,
    status: str,
    started_on: dt.date | None,
    ended_on: dt.date | None,
    note: str,
) -> Support:
    # The support's row only: its member is read (the role), not changed.
    support = (
        Support.objects.select_for_update(of=("self",)).select_related("member").get(pk=support.pk)
    )
    errors = policy.support_problems(
        role=support.member.role,
        kind=support.kind,
        status=status,
        started_on=started_on,
        ended_on=ended_on,
        today=clock.local_now().date(),
    )
    if len(note) > policy.NOTE_MAX:
        errors["note"] = [f"The note must be {policy.NOTE_MAX} characters or fewer"]
    if errors:
        raise ValidationFailed.from_fields(errors)
    was = support.status
    after = (
        status,
        started_on,
        ended_on if status == policy.SupportStatus.ENDED else None,
        note.strip(),
    )
    if (support.status, support.started_on, support.ended_on, support.note) == after:
        return support
    support.status, support.started_on, support.ended_on, support.note = after
    support.save()
    _event(
        actor,
        plan,
        "support_updated",
        f"{support.kind_label}: {support.status_label.lower()}",
        support_id=support.pk,
        member_id=support.member_id,
    )
    if policy.starts_adult_support(support.member.role, support.kind, was, status):
        _support_started(actor, plan, support)
    return support


@transaction.atomic
def support_update(
    *,
    actor: Actor,
    plan: FamilyPlan | int,
    support_id: int,
    status: str,
    started_on: dt.date | None = None,
    ended_on: dt.date | None = None,
    note: str = "",
) -> Support:
    """A support planned, started or ended. Marking an adult victim's housing, refuge
    placement or specialist adult service started follows up each child."""
    plan = _lead_locked(actor, plan)
    support = Support.objects.filter(pk=support_id, plan=plan).first()
    if support is None:
        raise NotFound("No such support")
    return _support_set(
        actor, plan, support, status=status, started_on=started_on, ended_on=ended_on, note=note
    )


# --- The actions' own steps (the route's hooks) -----------------------------------------------


def action_acknowledged(actor: Actor | None, obligation: Obligation) -> None:
    """``Route.on_acknowledged``: an action for the adult victim acknowledged by its owner
    team is the adult's support starting: each child is followed up."""
    action = (
        PlanAction.objects.select_related("member", "plan").filter(obligation=obligation).first()
    )
    if action is None or not policy.action_starts_adult_support(action.member.role):
        return
    support_started.send(
        sender=FamilyPlan,
        actor=actor,
        adult_id=action.member.person_id,
        incident_id=action.plan.incident_id,
        source=policy.ACTION_SOURCE,
        source_words="A family plan action for the adult acknowledged",
        source_obligation_id=obligation.pk,
        started_at=obligation.acknowledged_at or clock.now(),
        child_ids=_children_of(action.plan),
    )


def action_outcome(actor: Actor, obligation: Obligation, outcome: str, note: str) -> Obligation:
    """``Route.record_outcome`` (the generic outcome page and API; the obligation is locked
    and the actor its owner team): done, not done (a note is needed) or no longer needed;
    it closes the action. Nothing else closes: each member's actions are their own."""
    errors = policy.action_outcome_problems(outcome, note)
    if errors:
        raise ValidationFailed.from_fields(errors)
    if not obligation.is_open:
        return obligation
    record_outcome_held(actor, obligation, outcome, note)
    close_held(actor, obligation)
    action = PlanAction.objects.select_related("plan").filter(obligation=obligation).first()
    if action is not None:
        words = policy.ACTION_OUTCOME_LABELS[policy.ActionOutcome(outcome)]
        _event(
            actor,
            action.plan,
            "action_outcome",
            f"Action outcome: {words.lower()}",
            action_id=action.pk,
            obligation_id=obligation.pk,
            outcome=outcome,
        )
    return obligation


# --- Reviews and closing ------------------------------------------------------------------------


def _review_close(actor: Actor, plan: FamilyPlan, outcome: policy.ReviewOutcome) -> None:
    if plan.review_obligation_id is None:
        return
    obligation = locked(Obligation.objects.get(pk=plan.review_obligation_id))
    if obligation.is_open:
        record_outcome_held(actor, obligation, outcome, "")
        close_held(actor, obligation)


def _close(actor: Actor, plan: FamilyPlan, reason: str, note: str) -> None:
    now = clock.now()
    plan.status = policy.next_status(policy.PlanStatus(plan.status), policy.Step.CLOSE)
    plan.closed_on = clock.local_now().date()
    plan.closed_at = now
    plan.close_reason = reason
    plan.close_note = note.strip()
    plan.access_ends_at = now + dt.timedelta(days=access_days_after_close(plan.area_id))
    plan.next_review_due_on = None
    _review_close(actor, plan, policy.ReviewOutcome.PLAN_CLOSED)
    plan.save()
    words = policy.CLOSE_REASON_LABELS[policy.CloseReason(reason)]
    _event(
        actor, plan, "closed", f"Family plan closed: {words[0].lower()}{words[1:]}", reason=reason
    )


@transaction.atomic
def first_meeting_record(
    *, actor: Actor, plan: FamilyPlan | int, held_on: dt.date | None
) -> FamilyPlan:
    """The first meeting of the team around the family was held (due within 10 working
    days of opening). Recording the same day again changes nothing."""
    plan = _lead_locked(actor, plan)
    if held_on is not None and plan.first_meeting_on == held_on:
        return plan
    errors = policy.first_meeting_problems(held_on, plan.opened_on, clock.local_now().date())
    if errors:
        raise ValidationFailed.from_fields(errors)
    assert held_on is not None
    plan.first_meeting_on = held_on
    plan.save(update_fields=["first_meeting_on", "updated_at"])
    _event(actor, plan, "first_meeting", f"First meeting held on {held_on:%-d %B %Y}")
    return plan


@transaction.atomic
def review_record(
    *,
    actor: Actor,
    plan: FamilyPlan | int,
    held_on: dt.date | None,
    progress: Mapping[int, str],
    continues: bool | None,
    children_views: str = "",
    close_reason: str = "",
    close_note: str = "",
) -> Review:
    """A review held: progress on each goal still worked towards (a goal met or no longer
    needed is marked so), the children's views, and whether the plan continues. It
    closes the review owed and plans the next (FAMILY-REVIEW-1), or closes the plan.
    The same review again (its day) returns the one recorded."""
    plan_id = plan if isinstance(plan, int) else plan.pk
    if held_on is not None:
        already = Review.objects.filter(plan_id=plan_id, held_on=held_on).first()
        if already is not None:
            return already
    plan = _lead_locked(actor, plan)
    last = plan.reviews.order_by("-held_on", "-id").first()
    goals = {g.pk: g for g in plan.goals.filter(status=policy.GoalStatus.WORKING)}
    progress = {int(k): v for k, v in progress.items() if int(k) in goals}
    errors = policy.review_problems(
        held_on=held_on,
        opened_on=plan.opened_on,
        last_review_on=last.held_on if last else None,
        today=clock.local_now().date(),
        open_goal_ids=list(goals),
        progress=progress,
        continues=continues,
        close_reason=close_reason,
        close_note=close_note,
    )
    if errors:
        raise ValidationFailed.from_fields(errors)
    assert held_on is not None and continues is not None
    schedule = schedule_for(plan.area_id)
    review = Review.objects.create(
        plan=plan,
        held_on=held_on,
        children_views=children_views.strip(),
        continues=continues,
        next_review_due_on=policy.next_review_due(plan.opened_on, held_on, schedule)
        if continues
        else None,
        obligation_id=plan.review_obligation_id,
        recorded_by_id=actor.user_id,
    )
    GoalProgress.objects.bulk_create(
        GoalProgress(review=review, goal_id=goal_id, progress=value)
        for goal_id, value in progress.items()
    )
    for goal_id, value in progress.items():
        status = policy.GOAL_STATUS_AFTER[policy.Progress(value)]
        if goals[goal_id].status != status:
            Goal.objects.filter(pk=goal_id).update(status=status, updated_at=clock.now())
    plan.status = policy.next_status(policy.PlanStatus(plan.status), policy.Step.REVIEW)
    _review_close(actor, plan, policy.ReviewOutcome.REVIEWED)
    plan.save()
    _event(
        actor,
        plan,
        "reviewed",
        f"Review held on {held_on:%-d %B %Y} recorded",
        review_id=review.pk,
        continues=continues,
    )
    if continues:
        _plan_review(actor, plan, held_on)
    else:
        _close(actor, plan, close_reason, close_note)
    return review


@transaction.atomic
def plan_close(*, actor: Actor, plan: FamilyPlan | int, reason: str, note: str = "") -> FamilyPlan:
    """Close the plan with a reason (another reason needs a note): the review owed is no
    longer needed; the actions stay with their owners until they record their outcomes.
    The lead team keeps seeing it for the area's access days. Closing it again changes
    nothing."""
    plan_id = plan if isinstance(plan, int) else plan.pk
    current = FamilyPlan.objects.select_related("lead_team").filter(pk=plan_id).first()
    if current is not None and not current.is_open and is_lead(actor, current):
        return current
    plan = _lead_locked(actor, plan_id)
    errors = policy.close_problems(reason, note)
    if errors:
        names = {"close_reason": "reason", "close_note": "note"}
        raise ValidationFailed.from_fields({names[k]: v for k, v in errors.items()})
    _close(actor, plan, reason, note)
    return plan


# --- MARAC actions --------------------------------------------------------------------------


def marac_actions_join(
    *, actor: Actor | None, case_id: int, victim_id: int, action_obligation_ids: list[int]
) -> list[PlanMaracAction]:
    """The receiver of the MARAC app's ``case_heard``: the meeting's actions join the open
    plan of which the victim is a member (as adult victim, else in any role). Joining
    again changes nothing."""
    plan = (
        FamilyPlan.objects.open()
        .filter(members__person_id=victim_id)
        .order_by("-opened_on", "-id")
        .first()
    )
    if plan is None or not action_obligation_ids:
        return []
    joined = []
    made = 0
    for obligation in Obligation.objects.filter(pk__in=action_obligation_ids).order_by("id"):
        row, created = PlanMaracAction.objects.get_or_create(
            plan=plan, obligation=obligation, defaults={"case_id": case_id}
        )
        joined.append(row)
        made += created
    if made:
        _event(actor, plan, "marac_actions", f"{made} MARAC action(s) joined", case_id=case_id)
    return joined


# --- An area's settings ----------------------------------------------------------------------


@transaction.atomic
def family_plan_settings_set(
    *,
    actor: Actor,
    area: Area,
    first_review_months: int | None = None,
    review_every_months: int | None = None,
    first_meeting_working_days: int | None = None,
) -> FamilyPlanSettings:
    """An area's review timescales (the service operator's administrators). A change
    applies to reviews planned after it."""
    if not actor.is_host_administrator:
        raise NotPermitted("Only the Hearth service's administrators can change this")
    values = {
        "first_review_months": first_review_months,
        "review_every_months": review_every_months,
        "first_meeting_working_days": first_meeting_working_days,
    }
    errors = policy.settings_problems(values)
    if errors:
        raise ValidationFailed.from_fields(errors)
    row, created = FamilyPlanSettings.objects.select_for_update().get_or_create(area=area)
    before = {name: getattr(row, name) for name in values}
    for name, value in values.items():
        if value is not None:
            setattr(row, name, value)
    after = {name: getattr(row, name) for name in values}
    if before != after or created:
        row.save()
        timeline_record(
            actor=actor,
            subject=area,
            verb="families.settings_set",
            summary=(
                f"Family plans: first meeting within {row.first_meeting_working_days} working "
                f"days, first review within {row.first_review_months} months, then every "
                f"{row.review_every_months} months at most"
            ),
            payload={"before": before, "after": after},
        )
    return row
