"""Reads of linked identities (issue 16 §2). Invariants:

- **a link never grants access**: nothing here returns another agency's record to
  anyone but a data-quality reviewer. Identities are given as ids, for counting history
  (MARAC criteria, statistics) by callers that already show only counts, dates and
  agency names; "known elsewhere" is a count of other agencies, naming only those whose
  record the viewer may already see (``Person.objects.visible_to``);
- the review queue, the decided links, a link's page and the home page's count are for
  data-quality reviewers only, each through ``PersonLink.objects.visible_to`` (the
  service operator's reviewers every link, a safeguarding partnership's the links with
  a side recorded by an agency in its areas), show only the fields needed to decide (names,
  other names, date of birth, sex, NHS number, the postcode's outward code unless the
  address is confidential, and the recording agency), and each read is an access
  event listing both records;
- a missing link and one the reader may not see are the same ``NotFound``;
- the queue reads a constant number of queries whatever its length: one page of links
  with both records, their names and addresses prefetched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q

from hearth.audit.models import AccessAction
from hearth.audit.services import access_record
from hearth.core.actor import Actor, Role
from hearth.core.errors import NotFound
from hearth.matching import policy
from hearth.matching.models import LinkQuerySet, PersonLink
from hearth.people.models import Person, PersonAddress
from hearth.people.selectors import linked_person_ids as same_record_ids

QUEUE_PER_PAGE = 20


# --- Identities: ids only, for counting ------------------------------------------------------


def linked_person_ids(person_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """For each id, every record id joined to it by links in force (itself included):
    one identity across agencies. Ids only, to count history with; a link grants no
    access. One query per step outwards (an identity is rarely more than a few records
    across a few agencies)."""
    seeds = set(person_ids)
    edges: set[tuple[int, int]] = set()
    frontier, seen = set(seeds), set(seeds)
    while frontier:
        found = list(
            PersonLink.objects.in_force()
            .filter(Q(person_a_id__in=frontier) | Q(person_b_id__in=frontier))
            .values_list("person_a_id", "person_b_id")
        )
        edges.update(found)
        reached = {i for pair in found for i in pair}
        frontier = reached - seen
        seen |= reached
    return policy.components(sorted(edges), seeds)


def same_person_ids(person: Person) -> frozenset[int]:
    """Every record that is this person across agencies: those certainly the same
    (``people.selectors.linked_person_ids``: the same NHS number, or the same names and
    date of birth) and those joined to any of them by links in force."""
    certain = same_record_ids(person)
    joined = linked_person_ids(certain)
    return frozenset(i for group in joined.values() for i in group)


# --- "Known elsewhere" ------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownElsewhere:
    """How many other agencies hold a record of this person, linked to this one; named
    only where the viewer may see that agency's record."""

    other_agencies: int
    named: tuple[str, ...]

    @property
    def unnamed(self) -> int:
        return self.other_agencies - len(self.named)


def known_elsewhere_for(*, actor: Actor, person: Person) -> KnownElsewhere:
    """The "known elsewhere" indicator for a person the caller has already let ``actor``
    see: linked records of other agencies than the one acting, counted. Reads no record's
    content, so no access event of its own (the page showing it records its read)."""
    ids = linked_person_ids([person.pk]).get(person.pk, frozenset()) - {person.pk}
    if not ids:
        return KnownElsewhere(0, ())
    agencies = dict(
        Person.objects.filter(pk__in=ids)
        .exclude(recorded_by_agency_id=actor.agency_id)
        .values_list("pk", "recorded_by_agency__name")
    )
    seen = set(
        Person.objects.visible_to(actor).filter(pk__in=agencies).values_list("pk", flat=True)
    )
    named = sorted({name for pk, name in agencies.items() if pk in seen})
    return KnownElsewhere(other_agencies=len(set(agencies.values())), named=tuple(named))


def possibly_known_elsewhere(
    *,
    actor: Actor,
    given_names: str,
    family_name: str,
    date_of_birth: dt.date | None,
    purpose: str = "Check whether a person being recorded may be known to another organisation",
) -> bool:
    """Whether the matcher finds, at or above the review threshold, a record of this
    person made by another agency than the actor's: what intake says ("may already be
    known to another organisation"), never who or where. The lookup is a search of other
    agencies' records, so it is in the access log with its terms and the record found
    (shown to no one)."""
    from hearth.matching.services import thresholds
    from hearth.people.matching import PersonQuery, find_candidates

    if not family_name.strip() or not actor.sees_case_content:
        return False
    found = [
        c
        for c in find_candidates(
            PersonQuery(
                given_names=given_names, family_name=family_name, date_of_birth=date_of_birth
            ),
            within=Person.objects.exclude(recorded_by_agency_id=actor.agency_id),
            limit=1,
        )
        if c.score >= thresholds().review
    ]
    access_record(
        actor=actor,
        action=AccessAction.SEARCH,
        purpose=purpose,
        records=[Person(pk=c.person_id) for c in found],
        query={
            "given_names": given_names,
            "family_name": family_name,
            "date_of_birth": date_of_birth.isoformat() if date_of_birth else None,
            "scope": "other organisations",
        },
    )
    return bool(found)


# --- The review queue -------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One record of a pair, as much as a reviewer needs to decide and no more."""

    person_id: int
    agency: str
    given_names: str
    family_name: str
    other_names: tuple[str, ...]
    date_of_birth: dt.date | None
    estimated_age: int | None
    sex: str
    nhs_number: str
    postcode_area: str  # the outward code ("NS1"), blank for a confidential address


@dataclass(frozen=True)
class Review:
    link: PersonLink
    a: Side
    b: Side

    @property
    def status_label(self) -> str:
        return policy.STATUS_LABELS[self.link.link_status]


def _side(person: Person) -> Side:
    current = next(iter(person.addresses.all()), None)
    postcode = ""
    if current is not None and not current.address.is_confidential and current.address.postcode:
        postcode = current.address.postcode.split(" ")[0]
    return Side(
        person_id=person.pk,
        agency=person.recorded_by_agency.name,
        given_names=person.given_names,
        family_name=person.family_name,
        other_names=tuple(str(n) for n in person.other_names.all()),
        date_of_birth=person.date_of_birth,
        estimated_age=person.estimated_age,
        sex=person.get_sex_display(),
        nhs_number=person.nhs_number,
        postcode_area=postcode,
    )


def _with_sides(links: Iterable[PersonLink]) -> list[Review]:
    return [Review(link=link, a=_side(link.person_a), b=_side(link.person_b)) for link in links]


def _links_with_records(actor: Actor) -> LinkQuerySet:
    addresses = PersonAddress.objects.select_related("address")
    return (
        PersonLink.objects.visible_to(actor)
        .select_related(
            "person_a__recorded_by_agency", "person_b__recorded_by_agency", "decided_by"
        )
        .prefetch_related(
            "person_a__other_names",
            "person_b__other_names",
            Prefetch("person_a__addresses", queryset=addresses),
            Prefetch("person_b__addresses", queryset=addresses),
        )
    )


@dataclass(frozen=True)
class Queue:
    page: Page[PersonLink]
    reviews: list[Review]

    @property
    def total(self) -> int:
        return int(self.page.paginator.count)


def review_queue_for(
    *, actor: Actor, page: int | str | None = 1, purpose: str = "Review possible matches"
) -> Queue:
    """Links waiting for review, oldest first, a page at a time, with both records side
    by side. Only data-quality reviewers have a queue (``NotFound`` for anyone else)."""
    if not _reviews(actor):
        raise NotFound("No such page")
    current = Paginator(
        _links_with_records(actor).pending().order_by("created_at", "id"), QUEUE_PER_PAGE
    ).get_page(page)
    links = list(current.object_list)
    current.object_list = links
    reviews = _with_sides(links)
    access_record(
        actor=actor,
        action=AccessAction.READ,
        purpose=purpose,
        records=[p for link in links for p in (link.person_a, link.person_b)],
    )
    return Queue(page=current, reviews=reviews)


def _reviews(actor: Actor) -> bool:
    return actor.has_role(Role.DATA_QUALITY_REVIEWER)


def pending_count_for(*, actor: Actor) -> int | None:
    """How many links wait for review that this reviewer may decide (``None`` for anyone
    else): a count, no personal data."""
    if not _reviews(actor):
        return None
    return PersonLink.objects.visible_to(actor).pending().count()


def link_get_for(*, actor: Actor, link_id: int, purpose: str = "Review a possible match") -> Review:
    """One link with both records, for a reviewer to decide on; an access event."""
    link = _links_with_records(actor).filter(pk=link_id).first()
    if link is None:
        raise NotFound("No such link")
    access_record(
        actor=actor,
        action=AccessAction.READ,
        purpose=purpose,
        records=[link.person_a, link.person_b],
    )
    return _with_sides([link])[0]


def decided_links_for(
    *, actor: Actor, page: int | str | None = 1, purpose: str = "See decided links"
) -> Queue:
    """Links in force or decided, newest decision first: where a reviewer finds a link to
    undo. Reviewers only."""
    if not _reviews(actor):
        raise NotFound("No such page")
    current = Paginator(
        _links_with_records(actor)
        .exclude(status=policy.LinkStatus.PENDING.value)
        .order_by("-updated_at", "-id"),
        QUEUE_PER_PAGE,
    ).get_page(page)
    links = list(current.object_list)
    current.object_list = links
    access_record(
        actor=actor,
        action=AccessAction.READ,
        purpose=purpose,
        records=[p for link in links for p in (link.person_a, link.person_b)],
    )
    return Queue(page=current, reviews=_with_sides(links))
