"""Risk assessments of adult victims, their answers, children's risk levels, and each
area's thresholds.

An assessment is stamped with the instrument and version it used, the bands and rule
that graded it, and keeps every answer; a new assessment never overwrites an earlier
one, so the history of grades is the list of assessments. A child's risk is recorded
per incident in its own row, never inside the adult's.

Access follows the incident: an assessment or child risk is visible to whoever may see
its incident; an assessment without an incident (an IDVA's RIC) to its agency. A change
of the victim's circumstances (separation, pregnancy) is visible to whoever may see one
of the victim's incidents, and to the agency that recorded it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from hearth.core.actor import Actor
from hearth.core.models import TimeStampedModel
from hearth.incidents.models import Incident, Party
from hearth.incidents.policy import PartyRole
from hearth.risk.policy import Answer, Basis, ChildRiskLevel, Grade


class AreaRiskSettings(TimeStampedModel):
    """An area's local configuration of the grading bands and MARAC criteria
    (domain.md §1.2 and §2.2: the defaults are SafeLives'; areas vary)."""

    area = models.OneToOneField("accounts.Area", on_delete=models.CASCADE, related_name="+")
    high_from = models.PositiveSmallIntegerField(default=14)
    medium_from = models.PositiveSmallIntegerField(null=True, blank=True)
    visible_high_risk_from = models.PositiveSmallIntegerField(default=14)
    escalation_count = models.PositiveSmallIntegerField(default=3)
    escalation_window_months = models.PositiveSmallIntegerField(default=12)
    repeat_window_months = models.PositiveSmallIntegerField(default=12)

    def __str__(self) -> str:
        return f"Risk settings for area {self.area_id}"


def _visible(queryset: models.QuerySet, actor: Actor) -> models.QuerySet:
    if not actor.sees_case_content:
        return queryset.none()
    # EXISTS by the row's incident (an index probe, or a hash the planner may choose),
    # rather than an OR with IN over every incident the actor may see, which PostgreSQL
    # can only answer by reading them all first (docs/search.md, "Speed").
    seen = Incident.objects.visible_to(actor).filter(pk=OuterRef("incident_id"))
    return queryset.filter(
        Q(Exists(seen)) | Q(incident__isnull=True, recorded_by_agency_id=actor.agency_id)
    )


class RiskAssessmentQuerySet(models.QuerySet["RiskAssessment"]):
    def visible_to(self, actor: Actor) -> RiskAssessmentQuerySet:
        return _visible(self, actor)  # type: ignore[return-value]


def victims_assessed_visible_to(actor: Actor) -> models.QuerySet[RiskAssessment, Any]:
    """The ids of the victims of the checklists the actor may see, for
    ``people.visibility`` (a checklist at an incident follows the incident)."""
    return RiskAssessment.objects.visible_to(actor).order_by().values("victim_id")


class RiskAssessment(TimeStampedModel):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    class Reason(models.TextChoices):
        INITIAL = "initial", "First assessment"
        NEW_INCIDENT = "new_incident", "A new incident"
        SEPARATION = "separation", "Separation"
        PREGNANCY = "pregnancy", "Pregnancy"
        REVIEW = "review", "Review"

    class SafeToTalk(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NOT_ASKED = "not_asked", "Not asked yet"

    incident = models.ForeignKey(
        "incidents.Incident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risk_assessments",
    )
    victim = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="risk_assessments"
    )
    perpetrator = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    instrument_key = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    reason = models.CharField(max_length=20, choices=Reason.choices, default=Reason.INITIAL)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    # The safety checks practice requires before the questions (domain.md §1.2, §9.4).
    safe_to_talk = models.CharField(
        max_length=10, choices=SafeToTalk.choices, default=SafeToTalk.NOT_ASKED
    )
    safe_contact_number = models.CharField(max_length=40, blank=True)
    safe_times = models.CharField(max_length=200, blank=True)
    afraid_of = models.CharField(max_length=300, blank=True)
    perpetrator_whereabouts = models.CharField(max_length=300, blank=True)
    children_whereabouts = models.CharField(max_length=300, blank=True)
    # The result, stamped with how it was reached.
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    actuarial_grade = models.PositiveSmallIntegerField(
        choices=[(g.value, g.label) for g in Grade], null=True, blank=True
    )
    grade = models.PositiveSmallIntegerField(
        choices=[(g.value, g.label) for g in Grade], null=True, blank=True
    )
    basis = models.CharField(max_length=30, choices=[(b.value, b.value) for b in Basis], blank=True)
    judgement_reason = models.TextField(blank=True)
    reasons = models.JSONField(default=list, blank=True)
    bands = models.JSONField(default=dict, blank=True)
    rule = models.CharField(max_length=20, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # An agency's system may relay a supervisor's countersignature through the API.
    countersigned_by_api_key = models.ForeignKey(
        "accounts.ApiKey", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)
    countersign_note = models.TextField(blank=True)

    objects = RiskAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.instrument_key} v{self.instrument_version} for person {self.victim_id}"


class RiskAnswer(TimeStampedModel):
    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="answers")
    item_key = models.CharField(max_length=60)
    answer = models.CharField(max_length=10, choices=[(a.value, a.value) for a in Answer])
    comment = models.TextField(blank=True)
    source = models.CharField(
        max_length=200, blank=True, help_text="Who said so, if not the victim."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item_key"], name="one_answer_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_key}: {self.answer}"


class ChildRiskQuerySet(models.QuerySet["ChildRisk"]):
    def visible_to(self, actor: Actor) -> ChildRiskQuerySet:
        return _visible(self, actor)  # type: ignore[return-value]


class ChildRisk(TimeStampedModel):
    """A child's own risk level at one incident: the rule's result, and a practitioner's
    raise with its reason."""

    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="risk_levels")
    incident = models.ForeignKey(
        "incidents.Incident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="child_risks",
    )
    recorded_by_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rule_level = models.PositiveSmallIntegerField(
        choices=[(lv.value, lv.label) for lv in ChildRiskLevel]
    )
    level = models.PositiveSmallIntegerField(
        choices=[(lv.value, lv.label) for lv in ChildRiskLevel]
    )
    basis = models.CharField(max_length=30, choices=[(b.value, b.value) for b in Basis])
    factors = models.JSONField(default=list)
    raise_reason = models.TextField(blank=True)
    rule = models.CharField(max_length=20)

    objects = ChildRiskQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Child {self.child_id}: level {self.level}"


class CircumstanceChangeQuerySet(models.QuerySet["CircumstanceChange"]):
    def visible_to(self, actor: Actor) -> CircumstanceChangeQuerySet:
        """Whoever may see one of the victim's incidents (or the change's own), and the
        agency that recorded it. Administrators (of any agency) see no case."""
        if not actor.sees_case_content:
            return self.none()
        incidents = Incident.objects.visible_to(actor)
        victims_seen = Party.objects.filter(
            role=PartyRole.ADULT_VICTIM, incident__in=incidents
        ).values("person_id")
        return self.filter(
            Q(recorded_by_agency_id=actor.agency_id)
            | Q(incident__in=incidents)
            | Q(victim_id__in=victims_seen)
        )


class CircumstanceChange(TimeStampedModel):
    """A change in the adult victim's circumstances that raises the risk and so calls for a
    new assessment (domain.md §1.2: risk is dynamic; separation and pregnancy are times of
    heightened risk). Recorded as a fact with its date, never inside an assessment."""

    class Kind(models.TextChoices):
        SEPARATION = "separation", "Separated from the alleged perpetrator"
        PREGNANCY = "pregnancy", "Pregnant"
        OTHER = "other", "Something else"

    victim = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="circumstance_changes"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.CharField(max_length=500, blank=True)
    changed_on = models.DateField()
    incident = models.ForeignKey(
        "incidents.Incident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="circumstance_changes",
    )
    recorded_by_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = CircumstanceChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_on", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.changed_on} for person {self.victim_id}"
