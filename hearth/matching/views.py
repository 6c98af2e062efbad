"""The data-quality reviewer's pages (issue 16 §2). Thin: each reads through
``selectors`` (``NotFound``, the same 404 as a missing page, for anyone who is not a
reviewer, and for a link outside a partnership reviewer's areas) and writes through
``services``; a refused decision becomes a message."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from hearth.accounts.views import HomeAction, WaitingCount
from hearth.core.actor import Actor
from hearth.core.errors import InvalidTransition, ValidationFailed
from hearth.core.http import actor_of
from hearth.core.personal_data import reads_personal_data
from hearth.matching import forms, policy, selectors, services


def posted(request: HttpRequest) -> object:
    """The submitted data, or ``None`` for a GET."""
    return request.POST if request.method == "POST" else None


DONE: dict[policy.Action, str] = {
    policy.Action.CONFIRM: "The records are linked",
    policy.Action.REJECT: "The possible match is rejected: it will not be suggested again",
    policy.Action.UNDO: "The link is undone: it will not be suggested again",
}


@reads_personal_data
def review_queue(request: HttpRequest) -> HttpResponse:
    queue = selectors.review_queue_for(actor=actor_of(request), page=request.GET.get("page"))
    return render(request, "matching/review_queue.html", {"queue": queue})


@reads_personal_data
def decided_links(request: HttpRequest) -> HttpResponse:
    queue = selectors.decided_links_for(actor=actor_of(request), page=request.GET.get("page"))
    return render(request, "matching/decided_links.html", {"queue": queue})


@reads_personal_data
@require_http_methods(["GET", "POST"])
def link_detail(request: HttpRequest, link_id: int) -> HttpResponse:
    actor = actor_of(request)
    review = selectors.link_get_for(actor=actor, link_id=link_id)
    actions = forms.actions_from(review.link.link_status)
    form = forms.DecisionForm(posted(request), actions=actions) if actions else None
    if request.method == "POST" and form is None:  # decided meanwhile, by someone else
        messages.error(request, f"This link is already {review.status_label.lower()}")
        return redirect("matching_link_detail", link_id=review.link.pk)
    if request.method == "POST" and form is not None and form.is_valid():
        action = policy.Action(form.cleaned_data["decision"])
        decide = {
            policy.Action.CONFIRM: services.link_confirm,
            policy.Action.REJECT: services.link_reject,
            policy.Action.UNDO: services.link_undo,
        }[action]
        try:
            decide(actor=actor, link_id=review.link.pk, reason=form.cleaned_data["reason"])
        except ValidationFailed as failure:
            form.add_failure(failure)
        except InvalidTransition as refused:
            messages.error(request, str(refused))
            return redirect("matching_link_detail", link_id=review.link.pk)
        else:
            messages.success(request, DONE[action])
            if action == policy.Action.UNDO:
                return redirect("matching_decided_links")
            return redirect("matching_review_queue")
    return render(request, "matching/link_detail.html", {"review": review, "form": form})


def home_actions(actor: Actor) -> list[HomeAction]:
    """A data-quality reviewer's main work on the home page (``HOME_ACTIONS``): the
    possible matches waiting for review, counted."""
    waiting = selectors.pending_count_for(actor=actor)
    if waiting is None:
        return []
    url = reverse("matching_review_queue")
    words = f"possible match{'es' if waiting != 1 else ''} waiting for review"
    return [
        HomeAction(
            label="Review possible matches",
            url=url,
            waiting=(WaitingCount(words=words, count=waiting, url=url),),
            order=10,
        )
    ]
