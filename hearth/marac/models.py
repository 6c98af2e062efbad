"""MARAC meetings, the cases on their agendas and the actions agreed for each (issue 14 §3;
domain.md §2.4):

- **MaracMeeting**: one meeting of a MARAC (its coordination team, and so its agency and
  area), when and how it is held, and whether it was held or cancelled;
- **MaracCase**: a MARAC referral (the ledger's ``marac_referral`` obligation) on a
  meeting's agenda, in order, whether it is a repeat (§2.2), and once heard: the agencies
  that attended for it, the risks discussed, the household's children confirmed and a
  note. A referral has one open case at a time (on the agenda or heard); one moved to a
  later meeting before it was heard is ``deferred`` and a new case is opened there;
- **MaracCaseChild**: a child of the household (from the referral's children), confirmed
  at the meeting or not (with why, on the case);
- **MaracAction**: one action of the case's plan, for the adult victim, a child of the
  household or the person causing harm, owned by a team, due by a date, and the ledger
  obligation it became (MARAC-ACTION-1).

Access: meetings and cases are seen by people acting for the MARAC's own agency, and by
nobody else (``visible_to``); an action's owner team sees the action only through its
obligation in the ledger (what the route shares), never the case.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models
from django.db.models import Q

from hearth.core.actor import Actor
from hearth.core.models import TimeStampedModel
from hearth.marac import policy
from hearth.obligations.models import Obligation


def _choices(labels: Mapping[str, str]) -> list[tuple[str, str]]:
    return [(str(k), v) for k, v in labels.items()]


class MaracMeetingQuerySet(models.QuerySet["MaracMeeting"]):
    def visible_to(self, actor: Actor) -> MaracMeetingQuerySet:
        """People acting for the MARAC's own agency; nobody else (administrators and
        analysts see no case content)."""
        if not actor.sees_case_content:
            return self.none()
        return self.filter(team__agency_id=actor.agency_id)


class MaracMeeting(TimeStampedModel):
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField()
    starts_at = models.TimeField()
    format = models.CharField(max_length=20, choices=_choices(policy.MEETING_FORMAT_LABELS))
    place = models.CharField(max_length=policy.MAX_PLACE, blank=True)
    status = models.CharField(
        max_length=20,
        choices=_choices(policy.MEETING_STATUS_LABELS),
        default=policy.MeetingStatus.SCHEDULED,
    )

    objects = MaracMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["held_on", "starts_at", "id"]
        indexes = [models.Index(fields=["team", "held_on"], name="marac_meeting_team_day")]

    def __str__(self) -> str:
        return f"MARAC meeting {self.pk}"

    @property
    def status_words(self) -> str:
        return policy.MEETING_STATUS_LABELS.get(self.status, self.status)

    @property
    def format_words(self) -> str:
        return policy.MEETING_FORMAT_LABELS.get(self.format, self.format)


class MaracCaseQuerySet(models.QuerySet["MaracCase"]):
    def visible_to(self, actor: Actor) -> MaracCaseQuerySet:
        """As its meeting: the MARAC's own agency only."""
        if not actor.sees_case_content:
            return self.none()
        return self.filter(meeting__team__agency_id=actor.agency_id)


class MaracCase(TimeStampedModel):
    meeting = models.ForeignKey(MaracMeeting, on_delete=models.PROTECT, related_name="cases")
    referral = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    repeat = models.BooleanField(default=False)
    status = models.CharField(
        max_length=20,
        choices=_choices(policy.CASE_STATUS_LABELS),
        default=policy.CaseStatus.ON_AGENDA,
    )
    heard_at = models.DateTimeField(null=True, blank=True)
    risks = models.TextField(blank=True)
    attended = models.ManyToManyField("accounts.Agency", blank=True, related_name="+")
    unconfirmed_reason = models.TextField(blank=True)
    note = models.TextField(blank=True)

    objects = MaracCaseQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(status__in=[s.value for s in policy.OPEN_CASE_STATUSES]),
                name="marac_one_open_case_per_referral",
            )
        ]

    def __str__(self) -> str:
        return f"MARAC case {self.pk}"

    @property
    def status_words(self) -> str:
        return policy.CASE_STATUS_LABELS.get(self.status, self.status)

    @property
    def is_heard(self) -> bool:
        return self.status == policy.CaseStatus.HEARD


class MaracCaseChild(models.Model):
    case = models.ForeignKey(MaracCase, on_delete=models.CASCADE, related_name="children")
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    confirmed = models.BooleanField(null=True, blank=True)  # None until heard

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "child"], name="marac_one_row_per_child")
        ]

    def __str__(self) -> str:
        return f"Child {self.child_id} of MARAC case {self.case_id}"


class MaracAction(TimeStampedModel):
    case = models.ForeignKey(MaracCase, on_delete=models.PROTECT, related_name="actions")
    number = models.PositiveSmallIntegerField()
    for_person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    for_role = models.CharField(max_length=20, choices=_choices(policy.ACTION_FOR_LABELS))
    owner_team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    words = models.TextField()
    due_on = models.DateField()
    obligation = models.OneToOneField(
        Obligation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="marac_action",
    )

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="marac_action_number")
        ]

    def __str__(self) -> str:
        return f"Action {self.number} of MARAC case {self.case_id}"

    @property
    def for_words(self) -> str:
        return policy.ACTION_FOR_LABELS.get(self.for_role, self.for_role)
