"""The obligation ledger: duties owed to one child (or one adult victim) by one team.

- An **Obligation** is one duty: its route, its subject, the incident it arose from, the
  team it is addressed to, the rule (and version) that created it and why, its status
  and its outcome. ``key`` is unique: routing the same incident again finds the same rows.
- A **Deadline** is a stored due time for one stage of an obligation (acknowledge,
  decide, send, outcome, or the route's own), owed by the recipient or the referrer, computed
  when the event happened by ``hearth.core.calendar`` and stamped with its rule and
  version. The sweeper only compares stored deadlines with the clock, so a missed run
  catches up; each step of its ladder is stamped on the deadline once.
- **Redirection**: the obligation moved to another team, with the reason; its history
  and clock stay.
- Each route keeps its own records in its app (a front door's ChildAssessment and a
  MARAC referral in ``hearth.referrals``, a school's notification in ``hearth.encompass``),
  linked to the obligation; the ledger knows them only through the route registry.
- **RoutingSettings**: an area's timescales and how long a recipient keeps access.

Access (architecture §4): an obligation is visible to the agency of the team it is
addressed to once it is sent, while it is open and for ``access_days_after_close``
after it ends, and to
whoever may see the incident it arose from (the referrer sees the decision). Nobody
else: not other agencies, not the service operator's administrators.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Subquery, Value, When

from hearth.accounts.models import Team
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.models import TimeStampedModel
from hearth.incidents.models import Incident
from hearth.obligations import policy, registry


def stage_label(stage: str) -> str:
    """A deadline's stage in words: the core's, or its route's own (``Route.stages``)."""
    return policy.STAGE_LABELS.get(stage) or registry.stage_labels().get(
        stage, stage.replace("_", " ").capitalize()
    )


def _choices(enum: type, labels: dict) -> list[tuple[str, str]]:
    return [(member.value, labels[member]) for member in enum]  # type: ignore[attr-defined]


class RoutingSettings(TimeStampedModel):
    """A local authority area's timescales (domain.md §4.2, §4.3) and access window. Each
    route's own timescales are in ``route_days``, by the name of the route's setting
    (``Route.settings``); one not there is the setting's default."""

    area = models.OneToOneField("accounts.Area", on_delete=models.CASCADE, related_name="+")
    route_days = models.JSONField(default=dict, blank=True)
    access_days_after_close = models.PositiveSmallIntegerField(
        default=30, help_text="How long a recipient team still sees what an obligation shared."
    )

    def __str__(self) -> str:
        return f"Routing settings for area {self.area_id}"


# In one fixed order: the open lists' filter must read exactly as the partial indexes'
# condition for PostgreSQL to use them (a frozenset's order changes between processes).
ENDED_STATUSES = sorted(s.value for s in policy.ENDED)


class ObligationQuerySet(models.QuerySet["Obligation"]):
    def visible_to(self, actor: Actor) -> ObligationQuerySet:
        """The recipient team's agency (while open, and for a while after), and whoever
        may see the incident it arose from. Administrators (of any agency) see no case work."""
        return self._seen_by(actor, addressed=Q(team__agency_id=actor.agency_id))

    def _seen_by(self, actor: Actor, *, addressed: Q) -> ObligationQuerySet:
        """What ``actor`` sees, as a recipient of what is ``addressed`` to their agency or
        as whoever may see the incident."""
        if not actor.sees_case_content:
            return self.none()
        # A referral the referrer has not sent yet is not the recipient's to see.
        # A route whose recipients read only its own page (an Operation Encompass
        # notification: architecture §4, "a school sees the Encompass content") is never
        # read by them as an obligation that leads to the incident.
        recipient = (
            addressed
            & ~Q(route__in=registry.read_elsewhere())
            & ~Q(status=policy.Status.CREATED)
            & (Q(access_ends_at__isnull=True) | Q(access_ends_at__gt=clock.now()))
        )
        # EXISTS, asked of each row the recipient rule does not already admit (through the
        # incident's primary key), rather than IN over every incident the actor may see.
        referrer = Exists(Incident.objects.visible_to(actor).filter(pk=OuterRef("incident_id")))
        return self.filter(recipient | referrer)

    def open(self) -> ObligationQuerySet:
        return self.exclude(status__in=ENDED_STATUSES)

    def owed_to(self, person_ids: list[int] | set[int]) -> ObligationQuerySet:
        """Owed to any of these people: as the subject, or as a child their route lists (an
        Operation Encompass notification about siblings: ``Route.listed_obligations``)."""
        # A UNION of indexed look-ups, not an OR with a subquery (which no index serves).
        subjects = Obligation.objects.filter(subject_id__in=person_ids).order_by().values("pk")
        listed = [
            route.listed_obligations(person_ids)
            for route in registry.routes()
            if route.listed_obligations is not None
        ]
        return self.filter(pk__in=subjects.union(*listed) if listed else subjects)

    def addressed_to(self, actor: Actor) -> ObligationQuerySet:
        """Only what is addressed to the actor's agency (its inboxes), not what it referred:
        what ``visible_to`` admits among its teams' obligations. The teams are a subquery
        (``team_id IN``), not a join: PostgreSQL reads the one team of an inbox once and
        the obligations from their index, where the join checked each row's agency (issue
        12: counting the front door's 25,833 open items at 100,000 incidents, 16 ms to 9)."""
        teams = Team.objects.filter(agency_id=actor.agency_id).values("pk")
        # Among the agency's own teams, the recipient rule's agency is the actor's already.
        return self._seen_by(actor, addressed=Q()).filter(team_id__in=teams)

    def refresh_next_due(self) -> int:
        """Store each obligation's ``next_due_at`` afresh, in one UPDATE: the soonest
        deadline not yet met, or nothing once it has ended. The only writer of the column
        (besides the bulk demo volume, which computes the same thing)."""
        soonest = (
            Deadline.objects.filter(obligation=OuterRef("pk"), met_at__isnull=True)
            .order_by("due_at")
            .values("due_at")[:1]
        )
        # A deadline made, met or moved is a change to the obligation: ``updated_at``
        # moves with it, so whatever follows changes by it (the statistics' refresh,
        # ``hearth.stats.refresh``) sees the deadline change too.
        return self.order_by().update(
            next_due_at=Case(
                When(status__in=ENDED_STATUSES, then=Value(None)),
                default=Subquery(soonest),
                output_field=models.DateTimeField(),
            ),
            updated_at=clock.now(),
        )


def refresh_next_due(obligation_ids: Iterable[int]) -> None:
    """Keep the stored next due time right for these obligations: called wherever their
    deadlines are created, met or moved (``Deadline.save``, ``DeadlineQuerySet.update``,
    routing's bulk creation); an obligation that ends clears it as it is saved."""
    ids = sorted({i for i in obligation_ids if i is not None})
    if ids:
        Obligation.objects.filter(pk__in=ids).refresh_next_due()


class Obligation(TimeStampedModel):
    key = models.CharField(max_length=200, unique=True)
    # A registered route's key (``registry``): the core knows routes only through it.
    route = models.CharField(max_length=registry.KEY_LENGTH)
    subject = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="obligations"
    )
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="obligations"
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="obligations")
    referrer_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    referrer_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rule = models.CharField(max_length=40)
    rule_version = models.CharField(max_length=40)
    reason = models.TextField()
    status = models.CharField(
        max_length=20,
        choices=_choices(policy.Status, policy.STATUS_LABELS),
        default=policy.Status.CREATED.value,
    )
    data = models.JSONField(default=dict, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledgement_note = models.TextField(blank=True)
    outcome = models.CharField(max_length=40, blank=True)
    outcome_note = models.TextField(blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    access_ends_at = models.DateTimeField(null=True, blank=True)
    # The adult obligations whose acknowledgement started this child's follow-up.
    triggered_by = models.ManyToManyField("self", blank=True, symmetrical=False, related_name="+")
    # What lists sort and filter by, stored (issue 12): the soonest deadline not yet met,
    # null when none is left or the obligation has ended. Written only by
    # ``refresh_next_due`` (and cleared by ``save`` when the obligation ends), never by
    # saving a loaded obligation, whose copy may be older than its deadlines.
    next_due_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ObligationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["team", "status"]),
            models.Index(fields=["subject", "route"]),
            # A team's open work, soonest due first (the inbox's order), cut to a page from
            # the index; it carries what the recipient's visibility rule reads, so that an
            # inbox of tens of thousands is counted from the index alone (PostgreSQL), and
            # who claimed each item, for the manager's summary by person.
            models.Index(
                fields=["team", "next_due_at", "incident", "id"],
                condition=~Q(status__in=ENDED_STATUSES),
                include=["route", "status", "access_ends_at", "claimed_by"],
                name="obligation_open_by_next_due",
            ),
            # What a team still sees (open, or its access not yet ended): a school's
            # Operation Encompass inbox among years of its ended notifications. It carries
            # what the inbox's arms filter by, so that they are read from the index alone
            # (PostgreSQL): a school's few thousand within the access window were as
            # many scattered table pages (the inbox's read 44 ms to about 30 at 100,000).
            models.Index(
                fields=["team", "access_ends_at"],
                include=["route", "status", "id"],
                name="obligation_team_access_ends",
            ),
            # What changed since a moment: the statistics' refresh reads by it each minute.
            models.Index(fields=["updated_at"], name="obligation_updated_at"),
        ]

    def __str__(self) -> str:
        return f"{registry.label(self.route)} {self.pk}"

    def get_route_display(self) -> str:
        """The route's label, from the registry (the column has no fixed choices)."""
        return registry.label(self.route)

    @property
    def status_label(self) -> str:
        """Its status in its route's words ("Decided: assessment under way"), else the
        core's ("Outcome recorded")."""
        return registry.get(self.route).status_label(self.status)

    @property
    def route_in_sentence(self) -> str:
        """Its route's label inside a sentence ("the IDVA referral for ..."): never the
        key, never a proper name lower-cased (``registry.sentence_label``)."""
        return registry.sentence_label(self.route)

    @property
    def declared(self) -> registry.Route:
        """Its route, as the route's app declared it (its words, for the pages)."""
        return registry.get(self.route)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.status in policy.ENDED:
            self.next_due_at = None  # nothing is due on what has ended
        if not self._state.adding and not kwargs.get("force_insert"):
            fields = kwargs.get("update_fields")
            if fields is None:
                fields = [
                    f.name
                    for f in self._meta.concrete_fields
                    if not f.primary_key and f.name != "next_due_at"
                ]
            if self.status in policy.ENDED and "status" in fields:
                fields = [*fields, "next_due_at"]
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status not in policy.ENDED

    @property
    def outcome_label(self) -> str:
        return registry.outcome_label(self.route, self.outcome) if self.outcome else ""


class DeadlineQuerySet(models.QuerySet["Deadline"]):
    def update(self, **kwargs: Any) -> int:
        """An update that meets, moves or reopens deadlines refreshes their obligations'
        stored next due time; the sweeper's step stamps do not touch it."""
        if not kwargs.keys() & {"met_at", "due_at", "obligation", "obligation_id"}:
            return super().update(**kwargs)
        ids = set(self.order_by().values_list("obligation_id", flat=True).distinct())
        count = super().update(**kwargs)
        if "obligation" in kwargs or "obligation_id" in kwargs:
            target = kwargs.get("obligation_id", kwargs.get("obligation"))
            ids.add(getattr(target, "pk", target))
        refresh_next_due(ids)
        return count


class Deadline(models.Model):
    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="deadlines")
    # A ``policy.Stage``, or a stage of the route's own (``Route.stages``).
    stage = models.CharField(max_length=20)
    owner = models.CharField(max_length=20, choices=[(o.value, o.value) for o in policy.Owner])
    due_at = models.DateTimeField(db_index=True)
    rule = models.CharField(max_length=40)
    rule_version = models.CharField(max_length=60)
    basis = models.CharField(max_length=200)
    estimated = models.BooleanField(default=False)
    met_at = models.DateTimeField(null=True, blank=True)
    # The sweeper's ladder: each step stamped once (claimed with a conditional update).
    overdue_at = models.DateTimeField(null=True, blank=True)
    reminder_at = models.DateTimeField(null=True, blank=True)
    manager_at = models.DateTimeField(null=True, blank=True)
    escalation_team_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["met_at", "due_at"]),
            # What the sweeper still has to climb: unmet, not yet at the ladder's top. An
            # idle sweep reads none of the met or fully escalated millions.
            models.Index(
                fields=["due_at"],
                condition=Q(met_at__isnull=True, escalation_team_at__isnull=True),
                name="deadline_unmet_to_climb",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage} due {self.due_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        fields = kwargs.get("update_fields")
        if fields is None or {"met_at", "due_at", "obligation", "obligation_id"} & set(fields):
            refresh_next_due([self.obligation_id])

    def get_stage_display(self) -> str:
        return stage_label(self.stage)

    @property
    def is_overdue(self) -> bool:
        return self.met_at is None and self.due_at <= clock.now()

    @property
    def time_left(self) -> str:
        return policy.time_left_words(self.due_at, clock.now())


STEP_FIELDS = {
    policy.Step.OVERDUE: "overdue_at",
    policy.Step.REMINDER: "reminder_at",
    policy.Step.MANAGER: "manager_at",
    policy.Step.ESCALATION_TEAM: "escalation_team_at",
}


class Redirection(models.Model):
    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="redirections"
    )
    from_team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    to_team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    at = models.DateTimeField(default=clock.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Redirected {self.from_team_id} to {self.to_team_id}"


class UnroutedWork(TimeStampedModel):
    """Work the routing policy could not address to a team, shown on the incident page
    until someone routes it: nothing is dropped silently."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="unrouted_work"
    )
    route = models.CharField(max_length=40)
    subject = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "route", "subject"], name="one_unrouted_per_subject_route"
            )
        ]

    def __str__(self) -> str:
        return f"Unrouted {self.route} for {self.subject_id}"
