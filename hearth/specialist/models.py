"""The specialist support routes' own records, linked to the ledger:

- **SpecialistSettings**: an area's lead team for specialist support (its front door by
  default), how many working days its lead agency has to offer support, the service's
  days to acknowledge, and the waiting time above which a wait is unmet need;
- **SpecialistReferral**: a child referred to a service in the directory, its obligation
  to the service's team, the consent and views recorded with it, the service's answer
  (accepted with a start date, a waiting list place with an expected start, or declined
  with a reason), when support started, its sessions and how it ended;
- **SessionAttended**: one session the child attended;
- **UnmetNeed**: a child who should get specialist support and does not, and why
  (UNMET-NEED-1 v1), open until support starts.

Access: a referral is seen by the service's team's agency once sent, while open and for
the ledger's access window after (``Obligation.access_ends_at``), and by whoever may see
the incident it names (the referrer, the front door). Unmet need is the lead team's
agency's (and whoever may see the child's incidents); aggregates carry no child.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.models import TimeStampedModel
from hearth.incidents.models import Incident
from hearth.obligations import policy as ledger
from hearth.obligations.models import Obligation
from hearth.specialist import policy


class SpecialistSettings(TimeStampedModel):
    """One local authority area's choices for specialist support."""

    area = models.OneToOneField("accounts.Area", on_delete=models.CASCADE, related_name="+")
    lead_team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who offers specialist support to child victims; empty for the front door.",
    )
    offer_working_days = models.PositiveSmallIntegerField(default=policy.DEFAULT_OFFER_WORKING_DAYS)
    acknowledge_working_days = models.PositiveSmallIntegerField(
        default=policy.DEFAULT_ACKNOWLEDGE_WORKING_DAYS
    )
    waiting_threshold_weeks = models.PositiveSmallIntegerField(
        default=policy.DEFAULT_WAITING_THRESHOLD_WEEKS
    )

    def __str__(self) -> str:
        return f"Specialist support settings for area {self.area_id}"


class SpecialistReferralQuerySet(models.QuerySet["SpecialistReferral"]):
    def visible_to(self, actor: Actor) -> SpecialistReferralQuerySet:
        """The service's team's agency once sent, while open and for the ledger's access
        window after it ends; the referring agency; the child's lead agency; whoever may
        see the incident it names. Nobody else."""
        if not actor.sees_case_content:
            return self.none()
        recipient = (
            Q(obligation__team__agency_id=actor.agency_id)
            & ~Q(obligation__status=ledger.Status.CREATED)
            & (
                Q(obligation__access_ends_at__isnull=True)
                | Q(obligation__access_ends_at__gt=clock.now())
            )
        )
        referrer = Exists(
            Incident.objects.visible_to(actor).filter(pk=OuterRef("obligation__incident_id"))
        )
        return self.filter(
            recipient
            | Q(obligation__referrer_agency_id=actor.agency_id)
            | Q(lead_team__agency_id=actor.agency_id)
            | referrer
        )

    def received_by(self, actor: Actor) -> SpecialistReferralQuerySet:
        """Only the referrals to the actor's agency's services."""
        return self.visible_to(actor).filter(obligation__team__agency_id=actor.agency_id)


class Consent(models.TextChoices):
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    NOT_ASKED = "not_asked", "Not asked (say why in their view)"


class SpecialistReferral(TimeStampedModel):
    obligation = models.OneToOneField(
        Obligation, on_delete=models.CASCADE, related_name="specialist_referral"
    )
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, related_name="specialist_referrals"
    )
    # The child's lead agency's team when it was made: it follows each step.
    lead_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What the referral shares with the service, and the views recorded with it.
    need = models.TextField(help_text="What support the child needs, and why now.")
    child_view = models.TextField(blank=True)
    child_words = models.TextField(blank=True)
    parent_consent = models.CharField(max_length=20, choices=Consent.choices)
    parent_view = models.TextField(blank=True)
    # The service's answer.
    answer = models.CharField(max_length=20, blank=True)  # accepted, waiting_list, declined
    start_on = models.DateField(null=True, blank=True)
    expected_start_on = models.DateField(null=True, blank=True)
    declined_reason = models.CharField(
        max_length=20,
        blank=True,
        choices=[(r.value, label) for r, label in policy.DECLINE_REASON_LABELS.items()],
    )
    declined_note = models.TextField(blank=True)
    started_on = models.DateField(null=True, blank=True)
    # How it ended (the ledger's outcome says which).
    ended_on = models.DateField(null=True, blank=True)
    ended_reason = models.TextField(blank=True)
    child_view_at_end = models.TextField(blank=True)
    parent_view_at_end = models.TextField(blank=True)

    objects = SpecialistReferralQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Specialist referral {self.pk}"

    @property
    def status_words(self) -> str:
        if self.ended_on:
            return policy.REFERRAL_OUTCOME_LABELS[policy.ReferralOutcome(self.obligation.outcome)]
        if self.started_on:
            return "Support started"
        if self.answer == policy.ReferralOutcome.DECLINED:
            return "Declined"
        if self.answer == policy.ReferralOutcome.WAITING_LIST:
            return "On the waiting list"
        if self.answer == policy.ReferralOutcome.ACCEPTED:
            return "Accepted"
        if self.obligation.acknowledged_at:
            return "Acknowledged"
        return "Sent"


class SessionAttended(models.Model):
    referral = models.ForeignKey(
        SpecialistReferral, on_delete=models.CASCADE, related_name="sessions"
    )
    on = models.DateField()
    recorded_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["on", "id"]
        constraints = [models.UniqueConstraint(fields=["referral", "on"], name="one_session_a_day")]

    def __str__(self) -> str:
        return f"Session on {self.on} for referral {self.referral_id}"


class UnmetNeedQuerySet(models.QuerySet["UnmetNeed"]):
    def visible_to(self, actor: Actor) -> UnmetNeedQuerySet:
        """The lead team's agency, and whoever may see an incident the child was at."""
        if not actor.sees_case_content:
            return self.none()
        from hearth.incidents.models import Party

        at_incident = Exists(
            Party.objects.filter(
                person_id=OuterRef("child_id"),
                incident__in=Incident.objects.visible_to(actor),
            )
        )
        return self.filter(Q(lead_team__agency_id=actor.agency_id) | at_incident)

    def open(self) -> UnmetNeedQuerySet:
        return self.filter(closed_on__isnull=True)


class UnmetNeed(TimeStampedModel):
    """UNMET-NEED-1 v1: a child who should get specialist support and does not."""

    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(
        "accounts.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    age_band = models.CharField(
        max_length=10, choices=[(b.value, label) for b, label in policy.AGE_BAND_LABELS.items()]
    )
    need = models.CharField(max_length=200, default=policy.NEED)
    reason = models.CharField(
        max_length=30,
        choices=[(r.value, label) for r, label in policy.UNMET_REASON_LABELS.items()],
    )
    detail = models.TextField(blank=True)
    rule = models.CharField(max_length=40, default=policy.UNMET_RULE)
    rule_version = models.CharField(max_length=40, default=policy.RULE_VERSION)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    closed_because = models.TextField(blank=True)
    lead_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    offer = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    referral = models.ForeignKey(
        SpecialistReferral, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = UnmetNeedQuerySet.as_manager()

    class Meta:
        ordering = ["opened_on", "id"]
        constraints = [
            # One open record a child and reason: a reason arising again changes nothing.
            models.UniqueConstraint(
                fields=["child", "reason"],
                condition=Q(closed_on__isnull=True),
                name="one_open_unmet_need_per_reason",
            )
        ]
        indexes = [models.Index(fields=["area", "opened_on"])]

    def __str__(self) -> str:
        return f"Unmet need {self.pk} ({self.reason})"

    @property
    def reason_label(self) -> str:
        return policy.UNMET_REASON_LABELS[policy.UnmetReason(self.reason)]
