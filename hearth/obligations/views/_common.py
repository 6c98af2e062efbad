"""Helpers shared by the obligations pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect

from hearth.core.actor import Actor
from hearth.core.errors import NotPermitted
from hearth.core.http import actor_of
from hearth.obligations import registry, selectors
from hearth.obligations.models import Obligation
from hearth.obligations.selectors import ObligationDetail


def posted(request: HttpRequest) -> Any:
    """The submitted data, or ``None`` for a GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def lower_first(text: str) -> str:
    """ "Child concern notification" → "child concern notification"; "MARAC referral" and
    "Operation Encompass notification" stay (``registry.in_sentence``)."""
    return registry.in_sentence(text)


def describe(obligation: Obligation, *, start: bool = False) -> str:
    """ "the child concern notification for Mia Vance" (or "The ...": ``start``), for
    messages."""
    label = registry.label(obligation.route)
    return f"{'The' if start else 'the'} {lower_first(label)} for {obligation.subject.full_name}"


def detail_for(
    request: HttpRequest, obligation_id: int, purpose: str
) -> tuple[Actor, ObligationDetail]:
    actor = actor_of(request)
    return actor, selectors.obligation_get_for(
        actor=actor, obligation_id=obligation_id, purpose=purpose
    )


def recipient_detail_for(
    request: HttpRequest, obligation_id: int, purpose: str
) -> tuple[Actor, ObligationDetail]:
    """The obligation, for a page only its receiving team may use (others who may see it,
    such as the referrer, are refused: 403)."""
    actor, detail = detail_for(request, obligation_id, purpose)
    if not detail.is_recipient:
        raise NotPermitted("Only the team it is addressed to can do this")
    return actor, detail


def referrer_detail_for(
    request: HttpRequest, obligation_id: int, purpose: str
) -> tuple[Actor, ObligationDetail]:
    actor, detail = detail_for(request, obligation_id, purpose)
    if not detail.is_referrer:
        raise NotPermitted("Only the referrer can do this")
    return actor, detail


def to_detail(obligation: Obligation) -> HttpResponseRedirect:
    return redirect("obligation_detail", obligation_id=obligation.pk)
