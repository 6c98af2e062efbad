"""Linking one person's records across agencies: thresholds and decisions (issue 16 §2).
Pure: no ORM.

Each agency records its own ``Person``; the same child recorded by the police, a school
and children's services is three rows. A **link** says two rows, recorded by different
agencies, are the same person; the rows joined by links in force make one **identity**.

Invariants:

- a pair whose match probability is at or above ``auto_link`` is linked at once; between
  ``review`` and ``auto_link`` it waits in the review queue for a data-quality reviewer;
  below ``review`` nothing is recorded (issue 16 §2: "automatically above a high
  threshold, into a review queue between two thresholds, never below");
- a reviewer's decision stands: a pair rejected or undone is never proposed again by a
  later run of the matcher, whatever the probability (the reviewer knew more);
- only links in force (``LINKED``, ``CONFIRMED``) make an identity; a link never grants
  access to a record (docs/access.md): it counts history and says "known elsewhere";
- every change of status goes through ``TRANSITIONS``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

# Issue 16 §2: the thresholds, configurable per deployment (settings
# HEARTH_MATCH_AUTO_LINK and HEARTH_MATCH_REVIEW). 0.99 links automatically only what the
# model is all but certain of; 0.80 sends the doubtful band to a person.
DEFAULT_AUTO_LINK = 0.99
DEFAULT_REVIEW = 0.80


class LinkStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for a reviewer
    LINKED = "linked"  # linked automatically (probability at or above auto-link)
    CONFIRMED = "confirmed"  # a reviewer confirmed it
    REJECTED = "rejected"  # a reviewer said these are different people
    UNDONE = "undone"  # a link in force, undone by a reviewer


STATUS_LABELS: dict[LinkStatus, str] = {
    LinkStatus.PENDING: "Waiting for review",
    LinkStatus.LINKED: "Linked automatically",
    LinkStatus.CONFIRMED: "Confirmed",
    LinkStatus.REJECTED: "Rejected: not the same person",
    LinkStatus.UNDONE: "Link undone",
}

IN_FORCE: frozenset[LinkStatus] = frozenset({LinkStatus.LINKED, LinkStatus.CONFIRMED})


class Action(enum.StrEnum):
    CONFIRM = "confirm"
    REJECT = "reject"
    UNDO = "undo"


# What a reviewer may do from each status, and where it leads.
TRANSITIONS: dict[tuple[LinkStatus, Action], LinkStatus] = {
    (LinkStatus.PENDING, Action.CONFIRM): LinkStatus.CONFIRMED,
    (LinkStatus.PENDING, Action.REJECT): LinkStatus.REJECTED,
    (LinkStatus.LINKED, Action.UNDO): LinkStatus.UNDONE,
    (LinkStatus.CONFIRMED, Action.UNDO): LinkStatus.UNDONE,
}


@dataclass(frozen=True)
class Thresholds:
    auto_link: float = DEFAULT_AUTO_LINK
    review: float = DEFAULT_REVIEW

    def __post_init__(self) -> None:
        if not 0.0 < self.review <= self.auto_link <= 1.0:
            raise ValueError("Need 0 < review threshold <= auto-link threshold <= 1")


def decide(probability: float, thresholds: Thresholds) -> LinkStatus | None:
    """What a new pair with this match probability becomes: linked, queued, or nothing."""
    if probability >= thresholds.auto_link:
        return LinkStatus.LINKED
    if probability >= thresholds.review:
        return LinkStatus.PENDING
    return None


def next_status(status: LinkStatus, action: Action) -> LinkStatus | None:
    """The status after ``action``, or ``None`` when it is not allowed from ``status``."""
    return TRANSITIONS.get((status, action))


def ordered(a: int, b: int) -> tuple[int, int]:
    """A pair stored once, lower id first, whichever way round it was found."""
    if a == b:
        raise ValueError("A record is not linked to itself")
    return (a, b) if a < b else (b, a)


def components(edges: list[tuple[int, int]], seeds: set[int]) -> dict[int, frozenset[int]]:
    """For each seed, every id joined to it by ``edges`` (itself included): the identity."""
    neighbours: dict[int, set[int]] = {}
    for a, b in edges:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    found: dict[int, frozenset[int]] = {}
    for seed in seeds:
        if seed in found:
            continue
        seen, todo = {seed}, [seed]
        while todo:
            for other in neighbours.get(todo.pop(), ()):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        group = frozenset(seen)
        for member in group & seeds:
            found[member] = group
    return found
