"""The route registry: how the ledger core knows its routes without naming any.

A **route** is one kind of duty the ledger tracks (a children's services notification, an
Operation Encompass notification, a MARAC referral...). Each is declared once, in the app
that owns it, as a ``Route`` and registered from that app's ``AppConfig.ready``. The core
(this app) only ever asks the registry: routing runs every registered planner in the
transaction that submits an incident (``routing.incident_route``); the lifecycle, the
sweeper, the pages and the API read labels, outcomes and hooks from here.

A route declares:

- ``key`` (stored as ``Obligation.route``, at most 40 characters), ``label``, and the
  ``rule`` and ``rule_version`` that create its obligations (shown to users);
- ``for_child``: whether its subject is a child (else an adult victim);
  ``subject_may_be_child``: its subject may be either, obligation by obligation (an action
  agreed for one member of a family: the adult victim, a child, the person causing harm),
  so that one owed to a child is on that child's record and counted with their work;
- ``outcomes``: each outcome's key and words, and ``closes_with_outcome`` (whether
  recording that outcome ends the obligation at once); ``record_outcome`` when the route
  records its outcome its own way (a front door's decision starts an assessment);
  ``note_required`` (the error when the outcome's note is missing), ``note_label`` and
  ``note_hint`` for the outcome form; ``recorded_elsewhere``: outcomes recorded only on
  the route's own pages, so the generic outcome form does not offer them (a MARAC referral
  is heard only through a meeting's record of the case);
- ``read`` and ``plan``: from a submitted incident to the obligations it still needs.
  ``read`` gathers the plain data the route's policy needs from the database; ``plan`` is
  the pure policy (plain data in, ``policy.RoutingResult`` out). Routes plan in ``order``;
  a route that reads another route's obligations (Operation Encompass says whether
  children's services were told) plans after it;
- ``on_created``: the route's own record for a new obligation (its content), in the same
  transaction; ``on_created_many``, if given, does the same for all of one submission's new
  obligations of the route at once (in a few statements whatever their number), and
  recording a plan uses it instead;
- ``sent_by_referrer``: its obligations wait for the referrer to complete and send them
  (only the referrer may), and ``send_problems`` says what still stops the sending;
- ``on_sent``: what the route does when its obligation is sent; it returns ``True`` when it
  told the recipient itself (otherwise the core tells the team's mailbox);
  ``on_sent_many``: the same for a submission's obligations sent as they are made, at once;
  ``on_acknowledged``: what follows the recipient's acknowledgement (a child's follow-up);
- ``recipient_reads_ledger``: ``False`` when recipients read only the route's own page
  (``page_url_name``) and never the generic obligation page or the incident;
- ``also_acts``: who else may act on it besides the receiving team (a trust's system);
- ``listed_obligations``: the obligation ids also owed to these people (siblings listed on
  one notification), and ``owed_ids``/``prefetch`` the same for one loaded obligation;
  ``related``: the one-to-one records of the route its hooks read (joined when the core
  loads obligations for them);
- ``ladder`` and ``escalation``: its own escalation ladder and who hears of each step,
  where the usual one (the team, its manager, its escalation team) does not fit. The
  sweeper reads only ``ladder_fields`` of each due deadline (lookups from the deadline,
  such as ``obligation__encompass__setting``) and passes them to ``ladder`` by name;
- for the generic obligation page: ``shares`` (what it shares with its recipient: the
  core's ``Shared`` with the route's own part in ``parts[key]``, and in ``records`` the
  further people it shows, which the read logs), ``page_context`` (its own parts of the
  page, read for the viewer), ``shared_template``, ``detail_template`` and
  ``referrer_template`` (its sections), ``outcome_url_name`` and ``outcome_word``
  (where and how its outcome is recorded: "Record the decision"), and ``noun``
  ("About this referral");
- for the obligations API: ``api_shares``, each part of its share as an ``ApiShare``
  (a field of the answer's ``shared``, or beside it, with its own ninja schema and the
  function that builds it). The core makes the answer's schema from every registered
  route's parts when the API is built, so the OpenAPI document types each; an obligation
  of another route answers the part's empty value (``null``, or ``[]`` for ``many``);
- ``settings``: its own per-area timescales (``policy.DaysSetting``: a number of working
  days, with its words, bounds and default), kept by the core for each area
  (``RoutingSettings.route_days``) and set on the area's settings page; its policy reads
  them with ``Timescales.days``;
- ``stages``: the labels of its own deadline stages (a front door's assessment), beside
  the core's (send, acknowledge, decide, outcome);
- ``status_labels``: its own words for a status (a front door's "Decided: assessment
  under way" for an outcome recorded that keeps it open).

Everything but the key, label, rule and version is optional. ``register`` refuses a second
route with the same key, and a key too long for the ledger's column.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from hearth.core.actor import Actor
    from hearth.incidents.models import Incident
    from hearth.obligations.models import Deadline, Obligation
    from hearth.obligations.policy import (
        DaysSetting,
        Ladder,
        PlannedObligation,
        RoutingResult,
        Step,
    )
    from hearth.obligations.selectors.obligation import ObligationDetail, Shared

KEY_LENGTH = 40  # Obligation.route
SHARED = "shared"  # an API part inside the answer's ``shared``
DETAIL = "detail"  # an API part beside it, on the obligation itself


@dataclass(frozen=True)
class ApiShare:
    """One part of what a route shares, on the obligations API: a field ``key`` of the
    answer (inside ``shared``, or beside it for ``place=DETAIL``), typed by ``schema`` (a
    ninja ``Schema``), built by ``build`` from the obligation as the selectors read it
    (``ObligationDetail``: its ``shared.parts[route key]`` is the route's own part).
    ``many``: a list of ``schema`` (empty for other routes' obligations), else one or
    ``null``."""

    key: str
    schema: type[Any]
    build: Callable[[ObligationDetail], Any]
    many: bool = False
    place: str = SHARED
    description: str = ""

    @property
    def annotation(self) -> Any:
        return list[self.schema] if self.many else self.schema | None  # type: ignore[name-defined]

    def empty(self) -> Any:
        return [] if self.many else None


@dataclass(frozen=True)
class Escalation:
    """Who hears of one step of a route's own ladder, the line they are told, and the
    timeline's summary (``None`` keeps the core's)."""

    recipients: list[str]
    line: str
    summary: str | None = None


@dataclass(frozen=True)
class Route:
    key: str
    label: str
    rule: str
    rule_version: str
    for_child: bool
    subject_may_be_child: bool = False
    outcomes: Mapping[str, str] = field(default_factory=dict)
    closes_with_outcome: Callable[[str], bool] = lambda outcome: True
    record_outcome: Callable[[Actor, Obligation, str, str], Obligation] | None = None
    note_required: str = ""
    recorded_elsewhere: frozenset[str] = frozenset()
    note_label: str = ""
    note_hint: str = ""
    read: Callable[[Incident], Any] | None = None
    plan: Callable[[Any], RoutingResult] | None = None
    order: int = 100
    on_created: Callable[[Obligation, PlannedObligation], None] | None = None
    on_created_many: Callable[[Sequence[tuple[Obligation, PlannedObligation]]], None] | None = None
    on_sent: Callable[[Actor | None, Obligation], bool] | None = None
    on_sent_many: Callable[[Actor | None, Sequence[Obligation]], bool] | None = None
    on_acknowledged: Callable[[Actor | None, Obligation], None] | None = None
    sent_by_referrer: bool = False
    send_problems: Callable[[Obligation], list[str]] | None = None
    recipient_reads_ledger: bool = True
    page_url_name: str = "obligation_detail"
    also_acts: Callable[[Actor, Obligation], bool] | None = None
    listed_obligations: Callable[[Collection[int]], QuerySet[Any]] | None = None
    owed_ids: Callable[[Obligation], set[int]] | None = None
    prefetch: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    ladder: Callable[[Mapping[str, Any]], Ladder | None] | None = None
    ladder_fields: tuple[str, ...] = ()
    # The generic obligation page: what the route shares, its own parts, and its words.
    shares: Callable[[Obligation, Shared], Shared] | None = None
    page_context: Callable[[Actor, ObligationDetail], dict[str, Any]] | None = None
    shared_template: str = "obligations/_shared.html"
    detail_template: str = ""
    referrer_template: str = ""
    outcome_url_name: str = "obligation_outcome"
    outcome_word: str = "Outcome"
    noun: str = "obligation"
    # Team inboxes show the other children's obligations of this route from the same
    # incident beside each (siblings decided together).
    groups_siblings: bool = False
    escalation: Callable[[Deadline, Step, str], Escalation | None] | None = None
    # The obligations API: the parts of what it shares, typed (``ApiShare``).
    api_shares: tuple[ApiShare, ...] = ()
    # Its own per-area settings, and the labels of its own deadline stages.
    settings: tuple[DaysSetting, ...] = ()
    stages: Mapping[str, str] = field(default_factory=dict)
    # The outcome page's words after "Recording the outcome closes the ...".
    outcome_intro: str = ""
    # Whether a list of an incident's obligations names its subject beside the route (the
    # subject is not the obvious one: an adult victim, a sibling on a school's notice).
    names_subject: bool = True
    # Its own words for a status where the core's say too little: a front door's decision
    # to assess leaves the notification "Decided: assessment under way", not "Outcome
    # recorded" (issue 17: name each state for what happened).
    status_labels: Mapping[str, str] = field(default_factory=dict)

    def status_label(self, status: str) -> str:
        from hearth.obligations.policy import STATUS_LABELS, Status

        return self.status_labels.get(status) or STATUS_LABELS[Status(status)]

    def outcome_label(self, outcome: str) -> str:
        return self.outcomes.get(outcome, outcome)


_ROUTES: dict[str, Route] = {}


class RouteConflict(ValueError):
    pass


def register(route: Route) -> Route:
    """Add a route (from its app's ``AppConfig.ready``). Registering the very same route
    again does nothing (``ready`` may run twice in tests); another with its key is refused."""
    if not route.key or len(route.key) > KEY_LENGTH:
        raise RouteConflict(f"A route key has 1 to {KEY_LENGTH} characters: {route.key!r}")
    if not (route.label and route.rule and route.rule_version):
        raise RouteConflict(f"Route {route.key!r} needs a label, a rule and a rule version")
    existing = _ROUTES.get(route.key)
    if existing is not None and existing is not route:
        raise RouteConflict(f"A route with the key {route.key!r} is already registered")
    others = [r for r in _ROUTES.values() if r.key != route.key]
    for share in route.api_shares:
        for other in (s for r in others for s in r.api_shares):
            if (other.place, other.key) == (share.place, share.key) and (
                other.schema is not share.schema or other.many != share.many
            ):
                raise RouteConflict(
                    f"Route {route.key!r} shares {share.key!r} with another schema than a "
                    "registered route's"
                )
    taken = {s.name for r in others for s in r.settings}
    for setting in route.settings:
        if setting.name in taken:
            raise RouteConflict(f"Another route already has the setting {setting.name!r}")
    _ROUTES[route.key] = route
    return route


def unregister(key: str) -> None:
    """Remove a route (tests that register their own)."""
    _ROUTES.pop(key, None)


def get(key: str) -> Route:
    """The route with this key; an obligation of a route no longer installed still reads,
    under its key."""
    found = _ROUTES.get(key)
    if found is None:
        words = key.replace("_", " ").capitalize()
        return Route(key=key, label=words, rule="?", rule_version="?", for_child=False)
    return found


def routes() -> Iterator[Route]:
    """Every registered route, in planning order."""
    return iter(sorted(_ROUTES.values(), key=lambda r: (r.order, r.key)))


def route_keys() -> list[str]:
    return [r.key for r in routes()]


def label(key: str) -> str:
    return get(key).label


def in_sentence(text: str) -> str:
    """A route's label inside a sentence: its first letter lower-cased only when it is an
    ordinary word ("Child concern notification" → "child concern notification"); a name
    stays as it is: an acronym ("MARAC referral", "IDVA referral") or a proper name whose
    first two words are capitalised ("Operation Encompass notification")."""
    words = text.split()
    if not words or len(words[0]) < 2 or not words[0][1].islower():
        return text
    if len(words) > 1 and words[1][:1].isupper():
        return text
    return text[0].lower() + text[1:]


def sentence_label(key: str) -> str:
    """The route's label as it reads inside a sentence ("the IDVA referral for ...")."""
    return in_sentence(get(key).label)


def outcome_label(key: str, outcome: str) -> str:
    return get(key).outcome_label(outcome)


def child_route_keys() -> frozenset[str]:
    """Routes whose subject is always a child."""
    return frozenset(r.key for r in routes() if r.for_child)


def about_child_keys() -> frozenset[str]:
    """Routes whose obligation, when owed to a child, is about that child: the child routes
    and those whose subject may be a child (``subject_may_be_child``)."""
    return frozenset(r.key for r in routes() if r.for_child or r.subject_may_be_child)


def is_about_child(obligation: Obligation, child_id: int, owed: Collection[int]) -> bool:
    """Whether this obligation (owed to ``owed``) is about this child: a child route's
    owed to them, or one of a route whose subject may be a child, with them as subject."""
    route = get(obligation.route)
    if route.for_child:
        return child_id in owed
    return route.subject_may_be_child and obligation.subject_id == child_id


def read_elsewhere() -> list[str]:
    """Routes whose recipients read only the route's own page, never the ledger's."""
    return [r.key for r in routes() if not r.recipient_reads_ledger]


def prefetches() -> list[str]:
    return [p for r in routes() for p in r.prefetch]


def related() -> list[str]:
    return [r for route in routes() for r in route.related]


def grouped() -> list[str]:
    """Routes whose inbox rows show their siblings from the same incident."""
    return [r.key for r in routes() if r.groups_siblings]


def api_shares() -> list[ApiShare]:
    """Every registered route's API parts, one for each place and key (routes that share
    the same part declare the same ``ApiShare``), in planning order."""
    found: dict[tuple[str, str], ApiShare] = {}
    for route in routes():
        for share in route.api_shares:
            found.setdefault((share.place, share.key), share)
    return list(found.values())


def outcome_codes() -> list[str]:
    """Every registered route's outcome codes, each once."""
    return list(dict.fromkeys(code for route in routes() for code in route.outcomes))


def settings() -> list[DaysSetting]:
    """Every registered route's per-area settings, in planning order."""
    return [s for route in routes() for s in route.settings]


def setting_defaults() -> dict[str, int]:
    return {s.name: s.default for s in settings()}


def stage_labels() -> dict[str, str]:
    """The routes' own deadline stages and their labels."""
    return {stage: words for route in routes() for stage, words in route.stages.items()}
