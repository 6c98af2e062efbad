"""Operation Encompass's records (domain.md §3): an area's choices, and each notification
with the children it is about. The obligation behind a notification is the ledger's
(``hearth.obligations``); this app adds what a school (or team) is told, frozen when it is
made, and the proof of the duty.

The tables keep the names they had when these models lived in the ledger app
(``obligations_encompass*``): the move changed which app owns them, not a row
(migrations ``encompass.0001`` and ``obligations.0004``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.models import TimeStampedModel
from hearth.encompass import policy as enc
from hearth.incidents.models import Incident
from hearth.obligations import policy
from hearth.obligations.models import Obligation


class EncompassSettings(TimeStampedModel):
    """An area's Operation Encompass choices: for a police force area, the content
    template its force uses (domain.md §3.3); for a local authority, whether its
    under-school-age children's notifications go to health visiting (§3.4)."""

    area = models.OneToOneField("accounts.Area", on_delete=models.CASCADE, related_name="+")
    template = models.CharField(
        max_length=10,
        choices=[(t.value, enc.TEMPLATE_LABELS[t]) for t in enc.Template],
        default=enc.Template.MINIMAL.value,
    )
    health_visiting_under_school_age = models.BooleanField(default=False)

    class Meta:
        db_table = "obligations_encompasssettings"

    def __str__(self) -> str:
        return f"Operation Encompass settings for area {self.area_id}"


class EncompassNotificationQuerySet(models.QuerySet["EncompassNotification"]):
    def visible_to(self, actor: Actor) -> EncompassNotificationQuerySet:
        """The receiving team's agency (a school's DSL, or a trust's system for its
        schools), once sent, while open and for a while after; whoever may see the
        incident (the force); and the members of the team an unacknowledged one was
        escalated to, for as long. Administrators (of any agency) see none."""
        if not actor.sees_case_content:
            return self.none()
        recipient = (
            (Q(obligation__team__agency_id=actor.agency_id) | Q(setting__trust_id=actor.agency_id))
            & ~Q(obligation__status=policy.Status.CREATED)
            & (
                Q(obligation__access_ends_at__isnull=True)
                | Q(obligation__access_ends_at__gt=clock.now())
            )
        )
        referrer = Q(obligation__incident__in=Incident.objects.visible_to(actor))
        # The education safeguarding team it was escalated to (its members, not the
        # whole council), for as long as the school would see it.
        escalated = Q(escalated_to_id__in=actor.team_ids) & (
            Q(obligation__access_ends_at__isnull=True)
            | Q(obligation__access_ends_at__gt=clock.now())
        )
        return self.filter(recipient | referrer | escalated)

    def received_by(self, actor: Actor) -> EncompassNotificationQuerySet:
        """Only what the actor's agency (or trust) received, not what its force sent."""
        return self.visible_to(actor).filter(
            Q(obligation__team__agency_id=actor.agency_id) | Q(setting__trust_id=actor.agency_id)
        )


class EncompassNotification(TimeStampedModel):
    """An Operation Encompass notification: what the school (or team) is told, frozen
    when it is made so the recipient never reads the incident, and the proof of the
    duty: when it was delivered, first opened and acknowledged (issue 6 point 6)."""

    obligation = models.OneToOneField(
        Obligation, on_delete=models.CASCADE, related_name="encompass"
    )
    setting = models.ForeignKey(
        "schools.EducationSetting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="encompass_notifications",
    )
    template = models.CharField(max_length=10)
    content = models.JSONField(default=dict)
    delivered_at = models.DateTimeField(null=True, blank=True)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    first_opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The local authority's education safeguarding team, once an unacknowledged
    # notification has climbed to it: it may then read the notification to follow it up.
    escalated_to = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The support chosen is the obligation's outcome; how it went is recorded later.
    support_outcome = models.TextField(blank=True)
    support_outcome_at = models.DateTimeField(null=True, blank=True)

    objects = EncompassNotificationQuerySet.as_manager()

    class Meta:
        db_table = "obligations_encompassnotification"
        ordering = ["-created_at", "-id"]
        # The force's sent list reads its newest page directly (issue 12).
        indexes = [models.Index(fields=["created_at", "id"], name="encompass_newest")]

    def __str__(self) -> str:
        return f"Operation Encompass notification {self.obligation_id}"


class EncompassChild(models.Model):
    """A child the notification is about (siblings at one school share a notification)."""

    notification = models.ForeignKey(
        EncompassNotification, on_delete=models.CASCADE, related_name="children"
    )
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        db_table = "obligations_encompasschild"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "child"], name="one_row_per_child_per_notification"
            )
        ]

    def __str__(self) -> str:
        return f"Child {self.child_id} on notification {self.notification_id}"
