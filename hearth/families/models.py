"""The whole-family plan's records (issue 14 §2), linked to the ledger:

- **FamilyPlanSettings**: an area's review timescales (host administrators set them);
- **FamilyPlan**: one plan for a family, its lead team and lead professional, the area,
  the incident it names (obligations need one), what it was opened from, the family's
  agreement, the safe-contact note, its status and dates;
- **PlanMember**: a person in the plan and their role;
- **Support**: one member's support of a fixed kind, planned, started or ended, linked to
  the obligation (any route) or the directory's service that delivers it;
- **Goal**: what a member's plan aims for, in plain words;
- **PlanAction**: an action for a member (and goal), owned by a team: an obligation of
  the route ``family_action`` (FAMILY-ACTION-1);
- **PlanMaracAction**: a MARAC meeting's action joined to the plan;
- **Review**, **GoalProgress**: a review held, progress per goal, the children's views.

Access (``FamilyPlanQuerySet.visible_to``): the lead team while the plan is open and for
the area's ``access_days_after_close`` after it closes; a team owning an action in the plan
(its own, or a MARAC action joined to it) while that action's obligation is open or its
ledger access window has not ended. A team, not its whole agency: a council's education
team does not see the plans its front door leads (an agency's system acting with no team
stands for its agency's teams). What each sees of the plan is decided by
``policy.sees_member_work`` in the selectors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.models import TimeStampedModel
from hearth.families import policy
from hearth.obligations import policy as ledger
from hearth.obligations.models import Obligation


def _choices(labels: Mapping[Any, str]) -> list[tuple[str, str]]:
    return [(k.value, v) for k, v in labels.items()]


class FamilyPlanSettings(TimeStampedModel):
    """One local authority area's timescales for whole-family plans."""

    area = models.OneToOneField("accounts.Area", on_delete=models.CASCADE, related_name="+")
    first_review_months = models.PositiveSmallIntegerField(
        default=policy.DEFAULT_FIRST_REVIEW_MONTHS
    )
    review_every_months = models.PositiveSmallIntegerField(
        default=policy.DEFAULT_REVIEW_EVERY_MONTHS
    )
    first_meeting_working_days = models.PositiveSmallIntegerField(
        default=policy.DEFAULT_FIRST_MEETING_WORKING_DAYS
    )

    def __str__(self) -> str:
        return f"Family plan settings for area {self.area_id}"


def of_teams(actor: Actor, team: str) -> Q:
    """``team`` (a lookup to a team) is one of the actor's teams; an agency's system acting
    with no team stands for all of its agency's."""
    if actor.team_ids:
        return Q(**{f"{team}_id__in": sorted(actor.team_ids)})
    return Q(**{f"{team}__agency_id": actor.agency_id})


def _acting(actor: Actor) -> Q:
    """An obligation to one of the actor's teams still within its ledger access window."""
    return (
        of_teams(actor, "obligation__team")
        & ~Q(obligation__status=ledger.Status.CREATED)
        & (
            Q(obligation__access_ends_at__isnull=True)
            | Q(obligation__access_ends_at__gt=clock.now())
        )
    )


class FamilyPlanQuerySet(models.QuerySet["FamilyPlan"]):
    def visible_to(self, actor: Actor) -> FamilyPlanQuerySet:
        """The lead team (until the access window after closing ends), and a team owning
        an action in it (until that action's access window ends): the actor's own teams
        (an agency's system with no team: its agency's)."""
        if not actor.sees_case_content:
            return self.none()
        lead = of_teams(actor, "lead_team") & (
            Q(access_ends_at__isnull=True) | Q(access_ends_at__gt=clock.now())
        )
        acts = Exists(PlanAction.objects.filter(_acting(actor), plan_id=OuterRef("pk")))
        marac = Exists(PlanMaracAction.objects.filter(_acting(actor), plan_id=OuterRef("pk")))
        return self.filter(lead | acts | marac)

    def open(self) -> FamilyPlanQuerySet:
        return self.exclude(status=policy.PlanStatus.CLOSED)


class FamilyPlan(TimeStampedModel):
    lead_team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        "accounts.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="family_plans"
    )
    opened_from = models.CharField(max_length=20, choices=_choices(policy.OPENED_FROM_LABELS))
    opened_from_obligation = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marac_case_id = models.PositiveBigIntegerField(null=True, blank=True)
    opened_by_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    agreement = models.CharField(max_length=20, choices=_choices(policy.AGREEMENT_LABELS))
    agreement_note = models.TextField(blank=True)
    safe_contact_note = models.TextField()
    status = models.CharField(
        max_length=20,
        choices=_choices(policy.PLAN_STATUS_LABELS),
        default=policy.PlanStatus.OPEN,
    )
    opened_on = models.DateField()
    first_meeting_due_on = models.DateField()
    first_meeting_on = models.DateField(null=True, blank=True)
    next_review_due_on = models.DateField(null=True, blank=True)
    # The next review owed (FAMILY-REVIEW-1), while the plan is open.
    review_obligation = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(
        max_length=20, blank=True, choices=_choices(policy.CLOSE_REASON_LABELS)
    )
    close_note = models.TextField(blank=True)
    # When the lead team stops seeing it (the area's access days after closing).
    access_ends_at = models.DateTimeField(null=True, blank=True)
    rule = models.CharField(max_length=40, default=policy.PLAN_RULE)
    rule_version = models.CharField(max_length=40, default=policy.RULE_VERSION)

    objects = FamilyPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["lead_team", "status"])]

    def __str__(self) -> str:
        return f"Family plan {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status != policy.PlanStatus.CLOSED

    @property
    def status_label(self) -> str:
        return policy.PLAN_STATUS_LABELS[policy.PlanStatus(self.status)]


class PlanMember(models.Model):
    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=30, choices=_choices(policy.ROLE_LABELS))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "person"], name="one_role_per_plan_member")
        ]

    def __str__(self) -> str:
        return f"Member {self.pk} of plan {self.plan_id}"

    @property
    def role_label(self) -> str:
        return policy.ROLE_LABELS[policy.Role(self.role)]


class Support(TimeStampedModel):
    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="supports")
    member = models.ForeignKey(PlanMember, on_delete=models.CASCADE, related_name="supports")
    kind = models.CharField(max_length=30, choices=_choices(policy.SUPPORT_LABELS))
    status = models.CharField(
        max_length=20,
        choices=_choices(policy.SUPPORT_STATUS_LABELS),
        default=policy.SupportStatus.PLANNED,
    )
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    obligation = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    service = models.ForeignKey(
        "directory.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=policy.NOTE_MAX, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Support {self.pk} ({self.kind})"

    @property
    def kind_label(self) -> str:
        return policy.SUPPORT_LABELS[policy.SupportKind(self.kind)]

    @property
    def status_label(self) -> str:
        return policy.SUPPORT_STATUS_LABELS[policy.SupportStatus(self.status)]


class Goal(TimeStampedModel):
    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="goals")
    member = models.ForeignKey(PlanMember, on_delete=models.CASCADE, related_name="goals")
    words = models.CharField(max_length=policy.WORDS_MAX)
    status = models.CharField(
        max_length=20,
        choices=_choices(policy.GOAL_STATUS_LABELS),
        default=policy.GoalStatus.WORKING,
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Goal {self.pk}"

    @property
    def status_label(self) -> str:
        return policy.GOAL_STATUS_LABELS[policy.GoalStatus(self.status)]


class PlanAction(TimeStampedModel):
    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="actions")
    member = models.ForeignKey(PlanMember, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=policy.WORDS_MAX)
    due_on = models.DateField()
    obligation = models.OneToOneField(
        Obligation, on_delete=models.PROTECT, related_name="family_action"
    )

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"Action {self.pk} of plan {self.plan_id}"


class PlanMaracAction(models.Model):
    """A MARAC meeting's action, joined to the family's open plan when the case is heard."""

    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="marac_actions")
    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="+")
    case_id = models.PositiveBigIntegerField()
    joined_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "obligation"], name="marac_action_once")
        ]

    def __str__(self) -> str:
        return f"MARAC action {self.obligation_id} in plan {self.plan_id}"


class Review(TimeStampedModel):
    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    children_views = models.TextField(blank=True)
    continues = models.BooleanField()
    next_review_due_on = models.DateField(null=True, blank=True)
    obligation = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"Review {self.pk} of plan {self.plan_id}"


class GoalProgress(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="progress")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="progress")
    progress = models.CharField(max_length=20, choices=_choices(policy.PROGRESS_LABELS))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "goal"], name="progress_once_per_review")
        ]

    def __str__(self) -> str:
        return f"Progress on goal {self.goal_id}"

    @property
    def label(self) -> str:
        return policy.PROGRESS_LABELS[policy.Progress(self.progress)]
