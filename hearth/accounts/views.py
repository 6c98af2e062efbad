"""Pages for the people who work in Hearth: home, organisation switcher, teams, colleagues,
and the messages their teams sent that could not be delivered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from hearth.accounts import selectors
from hearth.accounts.forms import ChooseAgencyForm
from hearth.accounts.middleware import ACTIVE_AGENCY_SESSION_KEY
from hearth.accounts.role_guide import ROLE_GUIDE
from hearth.core.actor import Actor, Role
from hearth.core.http import actor_of
from hearth.core.personal_data import no_personal_data, reads_personal_data

# Contexts above accounts (specialist support) say on the home page what is waiting for
# the person without accounts importing them (pyproject.toml's layers): each registers a
# function giving extra template context, read through its own selectors. Counts only:
# the home page shows no one's personal data.
HOME_PAGE_EXTRAS: list[Callable[[Actor], dict[str, Any]]] = []


@dataclass(frozen=True)
class WaitingCount:
    """One thing waiting for the person, counted: "3 overdue" linking to that list."""

    words: str  # after the number: "notifications overdue"
    count: int
    url: str
    urgent: bool = False  # shown as a red tag (overdue)


@dataclass(frozen=True)
class HomeAction:
    """A role's main work, led with on the home page (issue 17): a button and what is
    waiting for it, with counts. ``order``: lower first; the first action on the page is
    its primary button, the others secondary."""

    label: str  # the button: "Record an incident"
    url: str
    waiting: tuple[WaitingCount, ...] = ()
    order: int = 50


# Apps register their roles' main actions the same way as ``HOME_PAGE_EXTRAS``: a function
# of the actor giving its actions (none when the actor's roles have none there). Counts
# only, read through the app's own selectors, scoped by ``visible_to``.
HOME_ACTIONS: list[Callable[[Actor], list[HomeAction]]] = []


def administrator_actions(actor: Actor) -> list[HomeAction]:
    """An administrator's main work: who has looked at what (issue 17)."""
    if Role.ADMINISTRATOR not in actor.roles:
        return []
    return [HomeAction(label="Search the access log", url=reverse("access_log"), order=90)]


HOME_ACTIONS.append(administrator_actions)


def home_actions(actor: Actor) -> list[HomeAction]:
    """Every registered app's main actions for ``actor``, in order."""
    found = [action for hook in HOME_ACTIONS for action in hook(actor)]
    return sorted(found, key=lambda a: a.order)


@no_personal_data
def home(request: HttpRequest) -> HttpResponse:
    """What this person can do here, by the roles they hold in the agency they act for,
    and what is waiting for them."""
    actor = getattr(request, "actor", None)
    teams = selectors.team_list_for(actor=actor) if actor else []
    my_teams = [t for t in teams if actor and t.pk in actor.team_ids]
    guide = [(Role(r).label, ROLE_GUIDE[r]) for r in sorted(actor.roles)] if actor else []
    extras: dict[str, Any] = {}
    actions: list[HomeAction] = []
    if actor is not None:
        for hook in HOME_PAGE_EXTRAS:
            extras.update(hook(actor))
        actions = home_actions(actor)
    return render(
        request,
        "accounts/home.html",
        {"guide": guide, "my_teams": my_teams, "actions": actions, **extras},
    )


@no_personal_data
@require_http_methods(["GET", "POST"])
def choose_agency(request: HttpRequest) -> HttpResponse:
    """The MOJ organisation switcher's page: act for another agency you belong to."""
    memberships = selectors.memberships_of(user=request.user)  # type: ignore[arg-type]
    agencies = list(dict.fromkeys((m.agency_id, m.agency.name) for m in memberships))
    actor = getattr(request, "actor", None)
    form = ChooseAgencyForm(
        request.POST or None,
        agencies=agencies,
        initial={"agency": actor.agency_id if actor else None},
    )
    if request.method == "POST" and form.is_valid():
        request.session[ACTIVE_AGENCY_SESSION_KEY] = form.cleaned_data["agency"]
        name = dict(agencies)[form.cleaned_data["agency"]]
        messages.success(request, f"You are now working for {name}")
        return redirect("home")
    return render(request, "accounts/choose_agency.html", {"form": form})


@no_personal_data
def email_managed_by_administrator(request: HttpRequest) -> HttpResponse:
    """People sign in with their work address; only an administrator may change it, so a
    stolen session cannot move the account to an address the thief controls."""
    return render(request, "accounts/email_managed.html")


@no_personal_data
def team_list(request: HttpRequest) -> HttpResponse:
    teams = selectors.team_list_for(actor=actor_of(request))
    return render(request, "accounts/team_list.html", {"teams": teams})


@reads_personal_data
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    detail = selectors.team_get_for(actor=actor_of(request), team_id=team_id)
    return render(request, "accounts/team_detail.html", {"detail": detail})


@reads_personal_data
def colleague_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    detail = selectors.user_get_for(actor=actor_of(request), user_id=user_id)
    return render(request, "accounts/colleague_detail.html", {"detail": detail})


@reads_personal_data
def undelivered_messages(request: HttpRequest) -> HttpResponse:
    """Messages that could not be delivered (or wait to be tried again), so someone acts:
    the sending team telephones the school, the operator's administrators mend the mail."""
    found = selectors.undelivered_messages_for(actor=actor_of(request))
    return render(request, "accounts/undelivered_messages.html", {"found": found})
