"""Reads of the audit trail. Invariants:

- the access log is visible to administrators only (``AccessEvent.visible_to``), and every
  search of it, and every export, is itself recorded as an access event (architecture §5);
- timeline events are read only through a subject the caller has already been allowed to
  see: ``timeline_of`` trusts its caller's selector to have checked ``visible_to``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import rules
from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Prefetch, Q, QuerySet

from hearth.audit.models import AccessAction, AccessEvent, AccessEventRecord, TimelineEvent
from hearth.audit.services import access_record
from hearth.core.actor import Actor
from hearth.core.errors import NotFound

ACCESS_LOG_PAGE_SIZE = 50


@dataclass(frozen=True)
class AccessLogSearch:
    """What an administrator searches the log by: the person who looked (a name or an
    email address, as the administrator knows their colleagues), a record (its kind, as
    ``record_kinds`` names it, and number), and dates.

    Not by the name of a person whose record was read: administrators see no case
    records (architecture §1), and a search by a child's name would tell them whether
    Hearth holds that child. The record's kind and number come from the record itself."""

    who: str = ""
    record_type: str = ""
    record_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    # Kept for the searches logged before issue 17 and any caller still passing it.
    user_email: str = ""

    def terms(self) -> dict[str, str]:
        """The search as logged with it (and as the export's link carries it)."""
        return {
            "who": self.who,
            "user_email": self.user_email,
            "record_type": self.record_type,
            "record_id": self.record_id,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }


@dataclass(frozen=True)
class AccessLogPage:
    page: Page
    total: int

    @property
    def events(self) -> list[AccessEvent]:
        return list(self.page.object_list)


# A model that moved to another app keeps its rows, but reads logged before the move name
# it by its former label: searching by the new one finds both (append-only: old rows are
# never rewritten). Filled by the app that received the model, from its AppConfig.ready.
FORMER_RECORD_TYPES: dict[str, tuple[str, ...]] = {}


def record_kind(label: str) -> str:
    """A record type (``app.model``) in words, by its model's own name: "Person",
    "Operation Encompass notification". The label itself for a model no longer known."""
    try:
        meta = apps.get_model(label)._meta
    except (LookupError, ValueError):
        return label
    name = str(meta.verbose_name)
    return name[:1].upper() + name[1:]


def record_kinds() -> list[tuple[str, str]]:
    """Every kind of record Hearth's access events can name, as (label, words), by words:
    the search's choices, so nobody types "accounts.user"."""
    found = {
        model._meta.label_lower: record_kind(model._meta.label_lower)
        for model in apps.get_models()
        if model.__module__.startswith("hearth.") and model._meta.app_label != "audit"
    }
    return sorted(found.items(), key=lambda item: (item[1].lower(), item[0]))


def _who(events: QuerySet[AccessEvent], who: str) -> QuerySet[AccessEvent]:
    """Events by the person named: their email address, or every word of the name given
    in their first or last name ("Frankie Carver", "carver"); or by an agency system's
    key of that name."""
    text = who.strip()
    if "@" in text:
        return events.filter(user__email__iexact=text)
    found = Q()
    for word in text.split():
        found &= Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word)
    return events.filter(found | Q(api_key__name__icontains=text))


def _matching(actor: Actor, search: AccessLogSearch) -> QuerySet[AccessEvent]:
    if not rules.test_rule("audit.search_access_log", actor):
        raise NotFound("No such page")
    events: QuerySet[AccessEvent] = AccessEvent.objects.visible_to(actor)
    if search.user_email:
        events = events.filter(user__email__iexact=search.user_email.strip())
    if search.who.strip():
        events = _who(events, search.who)
    if search.record_type or search.record_id:
        # One record's events (or one kind's): matched by a subquery on the records'
        # (type, id) index, so no event is listed twice.
        records = AccessEventRecord.objects.all()
        if search.record_type:
            wanted = search.record_type.strip().lower()
            records = records.filter(record_type__in=[wanted, *FORMER_RECORD_TYPES.get(wanted, ())])
        if search.record_id:
            records = records.filter(record_id=search.record_id.strip())
        events = events.filter(pk__in=records.values("event_id"))
    if search.date_from:
        events = events.filter(at__date__gte=search.date_from)
    if search.date_to:
        events = events.filter(at__date__lte=search.date_to)
    return events.order_by("-at", "-id")


def _with_people(events: QuerySet[AccessEvent]) -> QuerySet[AccessEvent]:
    return events.select_related("user", "agency", "api_key").prefetch_related(
        Prefetch("records", queryset=AccessEventRecord.objects.order_by("id"))
    )


def access_event_search(*, actor: Actor, search: AccessLogSearch, page: int = 1) -> AccessLogPage:
    """Search the access log by who looked, record and date, a page at a time, newest
    first; the search is logged too (with its terms and page). A fixed number of queries
    whatever the page's size."""
    events = _matching(actor, search)
    paginator = Paginator(_with_people(events), ACCESS_LOG_PAGE_SIZE)
    current = paginator.get_page(page)
    current.object_list = list(current.object_list)
    total = paginator.count
    access_record(
        actor=actor,
        action=AccessAction.SEARCH,
        purpose="Search the access log",
        records=[],
        query={**search.terms(), "page": current.number},
        result_count=total,
    )
    return AccessLogPage(page=current, total=total)


EXPORT_CHUNK = 2000


def access_event_export(*, actor: Actor, search: AccessLogSearch) -> Iterator[AccessEvent]:
    """Every event the search finds, newest first, for a CSV file: the export is logged
    (with its terms and how many events it holds) before the first row is read, and the
    rows are read in chunks, so a large log is never held in memory."""
    events = _matching(actor, search)
    total = events.count()
    access_record(
        actor=actor,
        action=AccessAction.EXPORT,
        purpose="Export the access log",
        records=[],
        query=search.terms(),
        result_count=total,
    )
    return _with_people(events).iterator(chunk_size=EXPORT_CHUNK)


def timeline_of(*, subject: models.Model, limit: int = 50) -> list[TimelineEvent]:
    """The newest events on ``subject``. Call only from a selector that checked the subject."""
    return list(
        TimelineEvent.objects.for_subject(subject).select_related("actor_user", "actor_agency")[
            :limit
        ]
    )
