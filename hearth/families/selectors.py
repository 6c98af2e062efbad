"""Reading whole-family plans. Invariants:

- every read starts from ``FamilyPlan.objects.visible_to``: the lead team's agency (until
  the access window after closing ends) and an agency owning an action in the plan (until
  its action's ledger access window ends); anyone else ``NotFound``, as if missing;
- the lead sees the whole plan; an action owner sees the members' names and roles, the
  safe-contact note, each child's risk level, and the goals, supports and actions of the
  members its actions are for (``policy.sees_member_work``); what is withheld is counted,
  never named; reviews (the children's views, progress per goal) are the lead's;
- every read of personal data writes one access event naming the records read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q

from hearth.accounts.models import Team
from hearth.audit.models import AccessAction
from hearth.audit.services import access_record
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.errors import NotFound
from hearth.families import policy
from hearth.families.family_page import may_see_person
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
    of_teams,
)
from hearth.families.reference import is_lead, schedule_for
from hearth.obligations import policy as ledger
from hearth.obligations.models import Obligation
from hearth.people.models import Person
from hearth.risk.models import ChildRisk
from hearth.risk.policy import ChildRiskLevel

# --- Who may open a plan for a person --------------------------------------------------------


def person_for_plan(actor: Actor, person_id: int) -> Person:
    """A person the actor's agency works with, by the family page's rule
    (``family_page.may_see_person``: a record naming them, or an obligation about them it
    may see). Anyone else: ``NotFound``. (The caller logs the read.)"""
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not actor.sees_case_content or not may_see_person(actor, person):
        raise NotFound("No such person")
    return person


@dataclass(frozen=True)
class FamilyChoice:
    person: Person
    is_child: bool
    suggested_role: str
    words: str  # how Hearth's records connect them, in words


@dataclass(frozen=True)
class OpenOptions:
    person: Person
    family: list[FamilyChoice]
    teams: list[Team]
    sources: list[Obligation]  # decisions and support it may be opened from
    open_plan: FamilyPlan | None  # an open plan the person is in, that the actor may see


def _suggested(is_child: bool, roles: set[str]) -> str:
    if is_child:
        return policy.Role.CHILD
    if "adult_victim" in roles:
        return policy.Role.ADULT_VICTIM
    if "alleged_perpetrator" in roles:
        return policy.Role.PERSON_CAUSING_HARM
    return policy.Role.OTHER_ADULT


ROLE_WORDS = {
    "adult_victim": "Adult victim at an incident",
    "alleged_perpetrator": "Alleged perpetrator at an incident",
    "child": "Child at an incident",
    "other_household_member": "Household member at an incident",
}


def open_options_for(
    *, actor: Actor, person_id: int, purpose: str = "Open a family plan"
) -> OpenOptions:
    """The person's family (``family_of``) to choose the plan's members from, the actor's
    agency's teams to lead it, and the decisions and support it may be opened from."""
    from hearth.families.graph import family_of

    person = person_for_plan(actor, person_id)
    family = family_of(person.pk)
    people = Person.objects.in_bulk(family.member_ids)
    choices = []
    for member in family.members:
        found = people.get(member.person_id)
        if found is None:
            continue
        roles = {c.role for c in member.connections if c.role}
        words = sorted({ROLE_WORDS.get(r, "") for r in roles} - {""})
        if not words and member.hop:
            words = ["Related by a recorded relationship"]
        choices.append(
            FamilyChoice(
                found, member.is_child, _suggested(member.is_child, roles), "; ".join(words)
            )
        )
    teams = Team.objects.filter(agency_id=actor.agency_id, is_active=True)
    if actor.team_ids:
        teams = teams.filter(pk__in=actor.team_ids)
    sources = list(
        Obligation.objects.visible_to(actor)
        .filter(subject_id__in=family.member_ids, incident_id__in=family.incident_ids)
        .exclude(route__in=[policy.ACTION_ROUTE, policy.REVIEW_ROUTE])
        .select_related("subject")
        .order_by("-created_at")[:30]
    )
    open_plan = (
        FamilyPlan.objects.visible_to(actor).open().filter(members__person_id=person.pk).first()
    )
    access_record(
        actor=actor,
        action=AccessAction.READ,
        purpose=purpose,
        records=[person, *(c.person for c in choices)],
    )
    return OpenOptions(person, choices, list(teams.order_by("name")), sources, open_plan)


# --- The plans list ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    plan: FamilyPlan
    is_lead: bool
    names: list[str]


def plans_for(*, actor: Actor, purpose: str = "List family plans") -> list[PlanRow]:
    """The plans the actor's agency leads or acts in, open first, newest first."""
    plans = list(
        FamilyPlan.objects.visible_to(actor)
        .select_related("lead_team")
        .prefetch_related(
            Prefetch("members", queryset=PlanMember.objects.select_related("person").order_by("id"))
        )
        .order_by("closed_on", "-opened_on", "-id")[:500]
    )
    rows = [
        PlanRow(plan, is_lead(actor, plan), [m.person.full_name for m in plan.members.all()])
        for plan in plans
    ]
    if plans:
        access_record(
            actor=actor,
            action=AccessAction.SEARCH,
            purpose=purpose,
            records=[*plans, *(m.person for p in plans for m in p.members.all())],
            query={"list": "family plans"},
            result_count=len(plans),
        )
    return rows


# --- One plan ----------------------------------------------------------------------------


@dataclass
class MemberView:
    member: PlanMember
    shown: bool
    goals: list[Goal] = field(default_factory=list)
    supports: list[Support] = field(default_factory=list)
    actions: list[PlanAction] = field(default_factory=list)
    withheld: int = 0
    risk: ChildRisk | None = None

    @property
    def person(self) -> Person:
        return self.member.person

    @property
    def risk_words(self) -> str:
        return ChildRiskLevel(self.risk.level).label if self.risk else ""


@dataclass
class ReviewView:
    review: Review
    progress: list[GoalProgress]


@dataclass
class PlanView:
    plan: FamilyPlan
    is_lead: bool
    members: list[MemberView]
    marac_actions: list[PlanMaracAction]
    reviews: list[ReviewView]
    voices: list[Any]  # what the children said since the last review (the lead's)
    withheld: int
    review_obligation: Obligation | None
    can_change: bool = False  # the lead team, while the plan is open

    @property
    def goals(self) -> list[Goal]:
        return [g for m in self.members for g in m.goals]

    @property
    def open_goals(self) -> list[Goal]:
        return [g for g in self.goals if g.status == policy.GoalStatus.WORKING]

    @property
    def last_review_on(self) -> dt.date | None:
        return self.reviews[-1].review.held_on if self.reviews else None

    @property
    def children(self) -> list[MemberView]:
        return [m for m in self.members if m.member.role == policy.Role.CHILD]


def _plans() -> Any:
    return FamilyPlan.objects.select_related(
        "lead_team__agency", "lead_professional", "incident", "area", "opened_from_obligation"
    )


def _acts_for(actor: Actor, plan: FamilyPlan) -> set[int]:
    """The members the actor's teams own an action for, within its access window."""
    now = clock.now()
    return set(
        PlanAction.objects.filter(of_teams(actor, "obligation__team"), plan=plan)
        .exclude(obligation__status=ledger.Status.CREATED)
        .filter(Q(obligation__access_ends_at__isnull=True) | Q(obligation__access_ends_at__gt=now))
        .values_list("member_id", flat=True)
    )


def plan_get_for(
    *, actor: Actor, plan_id: int, purpose: str = "View a family plan", voices: bool = True
) -> PlanView:
    """One plan as the actor may see it (``NotFound`` otherwise)."""
    plan = _plans().visible_to(actor).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("No such family plan")
    lead = is_lead(actor, plan)
    acts_for = set() if lead else _acts_for(actor, plan)
    members = list(plan.members.select_related("person").order_by("id"))
    members.sort(key=lambda m: (policy.ROLE_ORDER[policy.Role(m.role)], m.pk))
    goals = list(plan.goals.all())
    supports = list(plan.supports.select_related("obligation", "service"))
    actions = list(plan.actions.select_related("team", "obligation", "goal"))
    children = [m.person_id for m in members if m.role == policy.Role.CHILD]
    risks: dict[int, ChildRisk] = {}
    for risk in ChildRisk.objects.filter(child_id__in=children).order_by("-created_at", "-id"):
        risks.setdefault(risk.child_id, risk)
    views = []
    withheld = 0
    for member in members:
        shown = policy.sees_member_work(is_lead=lead, acts_for=acts_for, member_id=member.pk)
        mine = (
            [g for g in goals if g.member_id == member.pk],
            [s for s in supports if s.member_id == member.pk],
            [a for a in actions if a.member_id == member.pk],
        )
        count = sum(len(x) for x in mine)
        views.append(
            MemberView(
                member=member,
                shown=shown,
                goals=mine[0] if shown else [],
                supports=mine[1] if shown else [],
                actions=mine[2] if shown else [],
                withheld=0 if shown else count,
                risk=risks.get(member.person_id),
            )
        )
        withheld += 0 if shown else count
    reviews: list[ReviewView] = []
    marac = list(plan.marac_actions.select_related("obligation__team"))
    if lead:
        for review in plan.reviews.prefetch_related(
            Prefetch("progress", queryset=GoalProgress.objects.select_related("goal"))
        ):
            reviews.append(ReviewView(review, list(review.progress.all())))
    else:
        withheld += plan.reviews.count()
        teams = set(actor.team_ids)
        marac = [
            m
            for m in marac
            if (m.obligation.team_id in teams)
            or (not teams and m.obligation.team.agency_id == actor.agency_id)
        ]
        withheld += plan.marac_actions.count() - len(marac)
    records: list[Any] = [plan, *(m.person for m in members)]
    records += list(risks.values())
    access_record(actor=actor, action=AccessAction.READ, purpose=purpose, records=records)
    said: list[Any] = []
    if lead and voices and children:
        from hearth.voices.selectors import voices_for

        since = reviews[-1].review.held_on if reviews else plan.opened_on
        said = voices_for(
            actor=actor,
            child_ids=children,
            since=since,
            purpose="The children's words since the family plan's last review",
        )
    review_obligation = plan.review_obligation if lead and plan.review_obligation_id else None
    return PlanView(
        plan,
        lead,
        views,
        marac,
        reviews,
        said,
        withheld,
        review_obligation,
        can_change=plan.is_open and lead,
    )


def plan_for_review_obligation(*, actor: Actor, obligation_id: int) -> int:
    """The plan a review obligation belongs to (the generic outcome page leads to the
    plan's review form); ``NotFound`` unless the actor may see both."""
    obligation = (
        Obligation.objects.visible_to(actor)
        .filter(pk=obligation_id, route=policy.REVIEW_ROUTE)
        .first()
    )
    plan_id = obligation.data.get("plan_id") if obligation else None
    if plan_id is None or not FamilyPlan.objects.visible_to(actor).filter(pk=plan_id).exists():
        raise NotFound("No such review")
    return int(plan_id)


def plan_of_marac_action(*, actor: Actor, obligation_id: int) -> FamilyPlan | None:
    """The open family plan a MARAC action joined, if the actor may see the plan: the
    action's page shows its safe-contact note, since its team may contact the family
    (issue 14 §2). One access event naming the plan when one is returned."""
    plan = (
        FamilyPlan.objects.visible_to(actor)
        .open()
        .filter(marac_actions__obligation_id=obligation_id)
        .select_related("lead_team")
        .order_by("-id")
        .first()
    )
    if plan is not None:
        access_record(
            actor=actor,
            action=AccessAction.READ,
            purpose="The family plan's safe-contact note, on a MARAC action",
            records=[plan],
        )
    return plan


def action_teams() -> list[Team]:
    """The teams that may own an action: every active team of an active agency (names
    only, not personal data)."""
    return list(
        Team.objects.filter(is_active=True, agency__is_active=True)
        .select_related("agency")
        .order_by("agency__name", "name")
    )


# --- Each area's settings ---------------------------------------------------------------------


@dataclass(frozen=True)
class SettingsRow:
    area: Any
    schedule: policy.Schedule
    chosen: bool  # the area chose its own (else the defaults)


def family_plan_settings_get_for(*, actor: Actor, area_id: int) -> SettingsRow:
    """One local authority's review timescales: host administrators only."""
    from hearth.accounts.models import Area

    area = Area.objects.filter(pk=area_id, kind=Area.Kind.LOCAL_AUTHORITY).first()
    if not actor.is_host_administrator or area is None:
        raise NotFound("No such page")
    chosen = FamilyPlanSettings.objects.filter(area=area).exists()
    return SettingsRow(area, schedule_for(area.pk), chosen)


def family_plan_settings_for(*, actor: Actor) -> list[SettingsRow]:
    """Each local authority's review timescales: host administrators only (configuration,
    not personal data)."""
    from hearth.accounts.models import Area

    if not actor.is_host_administrator:
        raise NotFound("No such page")
    chosen = set(FamilyPlanSettings.objects.values_list("area_id", flat=True))
    return [
        SettingsRow(area, schedule_for(area.pk), area.pk in chosen)
        for area in Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY).order_by("name")
    ]


@dataclass(frozen=True)
class FamilyPlanLink:
    """A plan the viewer may open, about someone on a family page (no personal data)."""

    plan_id: int
    lead_team: str
    is_open: bool
    opened_on: dt.date


def plan_links_for(*, actor: Actor, person_ids: list[int]) -> list[FamilyPlanLink]:
    """The plans the actor may see that any of these people is a member of, open first:
    for the family page, which has already logged the read of the people it shows."""
    plans = (
        FamilyPlan.objects.visible_to(actor)
        .filter(members__person_id__in=person_ids)
        .select_related("lead_team")
        .distinct()
        .order_by("closed_on", "-opened_on", "-id")[:20]
    )
    return [
        FamilyPlanLink(p.pk, p.lead_team.name, p.status != policy.PlanStatus.CLOSED, p.opened_on)
        for p in plans
    ]
