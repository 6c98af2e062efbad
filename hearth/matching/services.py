"""Linking one person's records across agencies, and reviewers' decisions (issue 16 §2).
Invariants:

- a pair of records is linked only if different agencies recorded them, and stored once
  (lower id first); the matcher's probability decides (``policy.decide``, thresholds
  from settings ``HEARTH_MATCH_AUTO_LINK`` and ``HEARTH_MATCH_REVIEW``);
- proposing is idempotent: a pair already known (in any status) is left as it is, so a
  reviewer's rejection or undo stands however often the matcher runs again;
- every link stamps the probability, the explanation and the model version it came from;
- only a data-quality reviewer decides, and only a link they may read
  (``PersonLink.objects.visible_to``: a partnership's reviewer, the links with a side in
  its areas); any other link is the same ``NotFound`` as a missing one; each decision
  needs a reason, checks the transition table, locks the link, and records a timeline
  event on the link in the same transaction; the reason is free text and stays on the
  link, never in a log or a timeline summary;
- a link grants no access to anything (``selectors``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from hearth.audit.services import TimelineEntry, timeline_record, timeline_record_many
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.errors import InvalidTransition, NotFound, ValidationFailed
from hearth.matching import policy
from hearth.matching.models import PersonLink
from hearth.people.matching import PersonQuery, find_candidates
from hearth.people.models import Person

REASON_MAX = 1000


def thresholds() -> policy.Thresholds:
    """The deployment's thresholds (issue 16 §2), checked when read."""
    return policy.Thresholds(
        auto_link=float(getattr(settings, "HEARTH_MATCH_AUTO_LINK", policy.DEFAULT_AUTO_LINK)),
        review=float(getattr(settings, "HEARTH_MATCH_REVIEW", policy.DEFAULT_REVIEW)),
    )


@dataclass(frozen=True)
class Match:
    """One pair the matcher found: the two records, the probability and why."""

    person_id: int
    other_id: int
    probability: float
    explanation: tuple[str, ...] = ()
    model_version: str = ""


def _query_of(person: Person) -> PersonQuery:
    return PersonQuery(
        given_names=person.given_names,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        nhs_number=person.nhs_number,
    )


def matches_for(person: Person, *, limit: int = 10) -> list[Match]:
    """The records of *other* agencies the matcher finds for ``person`` at or above the
    review threshold. The explanation and model version are read when the matcher gives
    them (the probabilistic matcher does; the rule-based one gives reasons only)."""
    review = thresholds().review
    within = Person.objects.exclude(recorded_by_agency_id=person.recorded_by_agency_id)
    found = []
    for c in find_candidates(_query_of(person), within=within, limit=limit):
        if c.person_id == person.pk or c.score < review:
            continue
        explanation = getattr(c, "explanation", None) or c.reasons
        found.append(
            Match(
                person_id=person.pk,
                other_id=c.person_id,
                probability=float(c.score),
                explanation=tuple(str(e) for e in explanation),
                model_version=str(getattr(c, "model_version", "") or ""),
            )
        )
    return found


@transaction.atomic
def links_record(
    *, matches: Iterable[Match], method: str = PersonLink.Method.AUTOMATIC
) -> list[PersonLink]:
    """Record the pairs the matcher found: linked at once, queued for review, or nothing
    (``policy.decide``). Pairs already known, in any status, are left alone; so are pairs
    of records of the same agency. Returns the links created. Hearth itself acts."""
    limits = thresholds()
    wanted: dict[tuple[int, int], tuple[Match, policy.LinkStatus]] = {}
    for m in matches:
        status = policy.decide(m.probability, limits)
        if status is None or m.person_id == m.other_id:
            continue
        pair = policy.ordered(m.person_id, m.other_id)
        if pair not in wanted or wanted[pair][0].probability < m.probability:
            wanted[pair] = (m, status)
    if not wanted:
        return []
    ids = {i for pair in wanted for i in pair}
    agency_of = dict(Person.objects.filter(pk__in=ids).values_list("pk", "recorded_by_agency_id"))
    known = Q()
    for a, b in wanted:
        known |= Q(person_a_id=a, person_b_id=b)
    existing = set(PersonLink.objects.filter(known).values_list("person_a_id", "person_b_id"))
    now = clock.now()
    new = [
        PersonLink(
            person_a_id=a,
            person_b_id=b,
            status=status.value,
            method=method,
            probability=round(m.probability, 6),
            explanation=list(m.explanation),
            model_version=m.model_version,
            created_at=now,
            updated_at=now,
        )
        for (a, b), (m, status) in wanted.items()
        if (a, b) not in existing
        and a in agency_of
        and b in agency_of
        and agency_of[a] != agency_of[b]
    ]
    if not new:
        return []
    # ignore_conflicts: a concurrent run that found the same pair first wins and this
    # run's row is dropped (one row per pair), as an idempotent re-run should. Rows
    # written so get no ids back on every database: read them again.
    PersonLink.objects.bulk_create(new, ignore_conflicts=True)
    pairs = Q()
    for link in new:
        pairs |= Q(person_a_id=link.person_a_id, person_b_id=link.person_b_id)
    created = list(PersonLink.objects.filter(pairs, created_at=now).order_by("id"))
    timeline_record_many(
        actor=None,
        entries=[
            TimelineEntry(
                link,
                "link.linked" if link.status == policy.LinkStatus.LINKED else "link.proposed",
                "Records linked automatically"
                if link.status == policy.LinkStatus.LINKED
                else "Possible match queued for review",
                {
                    "person_ids": [link.person_a_id, link.person_b_id],
                    "probability": link.probability,
                    "model_version": link.model_version,
                },
            )
            for link in created
        ],
    )
    return created


def link_person(*, person: Person) -> list[PersonLink]:
    """Match one newly recorded person against other agencies' records and record what
    is found. Run by the worker (``tasks.link_recorded_people``, queued in the
    recording's transaction), so that recording an incident never waits for the matcher
    or fails with it."""
    return links_record(matches=matches_for(person))


def population_pairs_by_lookup(*, step: Callable[[], None] | None = None) -> Iterator[Match]:
    """Every pair the matcher finds over the whole population, by the lookup per person
    (each pair once, lower id first); ``step`` is called after each person. The batch run
    (``hearth.matching.batch``, Splink on DuckDB) does the same in one pass."""
    for person in Person.objects.order_by("pk").iterator(chunk_size=500):
        yield from (m for m in matches_for(person) if m.person_id < m.other_id)
        if step is not None:
            step()


def links_record_all(matches: Iterable[Match], *, method: str, chunk: int = 200) -> dict[str, int]:
    """Record a stream of pairs in chunks (each its own transaction, so a long run keeps
    what it found if stopped), counting what became of them."""
    counts = {"found": 0, policy.LinkStatus.LINKED.value: 0, policy.LinkStatus.PENDING.value: 0}
    batch: list[Match] = []

    def flush() -> None:
        for link in links_record(matches=batch, method=method):
            counts[link.status] += 1
        batch.clear()

    for match in matches:
        counts["found"] += 1
        batch.append(match)
        if len(batch) >= chunk:
            flush()
    flush()
    return counts


# --- A reviewer's decisions -------------------------------------------------------------------


def _decide(
    *, actor: Actor, link_id: int, reason: str, action: policy.Action, verb: str, summary: str
) -> PersonLink:
    # Only a link the reviewer may read (``PersonLink.objects.visible_to``: none for
    # anyone but a reviewer, a partnership's only in its areas) may be decided; any
    # other is the same ``NotFound`` as a missing one. The link's row is locked before
    # its status is read; not its people's, which the scope joins.
    link = (
        PersonLink.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk=link_id)
        .first()
    )
    if link is None:
        raise NotFound("No such link")
    reason = reason.strip()
    if not reason:
        raise ValidationFailed.from_fields({"reason": ["Enter the reason for your decision"]})
    if len(reason) > REASON_MAX:
        raise ValidationFailed.from_fields(
            {"reason": [f"The reason must be {REASON_MAX} characters or fewer"]}
        )
    after = policy.next_status(link.link_status, action)
    if after is None:
        raise InvalidTransition(
            f"This link is already {policy.STATUS_LABELS[link.link_status].lower()}"
        )
    before = link.status
    link.status = after.value
    link.decided_by_id = actor.user_id
    link.decided_at = clock.now()
    link.reason = reason
    link.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    timeline_record(
        actor=actor,
        subject=link,
        verb=verb,
        summary=summary,
        payload={
            "from": before,
            "to": after.value,
            "person_ids": [link.person_a_id, link.person_b_id],
        },
    )
    return link


@transaction.atomic
def link_confirm(*, actor: Actor, link_id: int, reason: str) -> PersonLink:
    """A reviewer says the two records are the same person: the link comes into force."""
    return _decide(
        actor=actor,
        link_id=link_id,
        reason=reason,
        action=policy.Action.CONFIRM,
        verb="link.confirmed",
        summary="Link confirmed by a reviewer",
    )


@transaction.atomic
def link_reject(*, actor: Actor, link_id: int, reason: str) -> PersonLink:
    """A reviewer says they are different people: never proposed again."""
    return _decide(
        actor=actor,
        link_id=link_id,
        reason=reason,
        action=policy.Action.REJECT,
        verb="link.rejected",
        summary="Possible match rejected by a reviewer",
    )


@transaction.atomic
def link_undo(*, actor: Actor, link_id: int, reason: str) -> PersonLink:
    """A reviewer undoes a link in force (automatic or confirmed): never proposed again."""
    return _decide(
        actor=actor,
        link_id=link_id,
        reason=reason,
        action=policy.Action.UNDO,
        verb="link.undone",
        summary="Link undone by a reviewer",
    )
