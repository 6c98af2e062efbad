"""The home page's main actions for the people these routes' work is sent to (issue 17):
the front door deciding children's services notifications, and an IDVA service
acknowledging its referrals. Registered on ``accounts.views.HOME_ACTIONS`` from the app's
``ready``. Each count is what the linked inbox lists under the very same filters
(``obligations.selectors.inbox_counts``), scoped by ``visible_to``; counts only, in a
fixed number of queries however much work there is."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from hearth.accounts.views import HomeAction, WaitingCount
from hearth.core.actor import Actor, Role
from hearth.obligations import selectors
from hearth.obligations.selectors import InboxFilters
from hearth.referrals import policy

FRONT_DOOR_ROLES = (Role.FRONT_DOOR_PRACTITIONER, Role.FRONT_DOOR_MANAGER)
ORDER = 10  # one role per person in the demo: this is their first action


def inbox_url(team_id: int, **query: str) -> str:
    """A team's inbox, filtered as the query says (the inbox form's own field names)."""
    url = reverse("team_inbox", args=[team_id])
    return f"{url}?{urlencode(query)}" if query else url


def _count_links(
    actor: Actor, team_id: int, wanted: list[tuple[str, InboxFilters, dict[str, str], bool]]
) -> tuple[WaitingCount, ...]:
    counts = selectors.inbox_counts(
        actor=actor, team_id=team_id, filters={words: f for words, f, _, _ in wanted}
    ).counts
    return tuple(
        WaitingCount(
            words=words, count=counts[words], url=inbox_url(team_id, **query), urgent=urgent
        )
        for words, _, query, urgent in wanted
    )


def _teams(actor: Actor) -> list[tuple[int, str]]:
    return [(t.pk, t.name) for t in selectors.inbox_teams_for(actor=actor)]


def front_door_actions(actor: Actor) -> list[HomeAction]:
    """ "Decide notifications": the children's services notifications sent to the front
    door, new (not yet acknowledged), overdue, and due later today, each linking to the
    inbox filtered to exactly those."""
    if not actor.has_role(*FRONT_DOOR_ROLES) or not actor.sees_case_content:
        return []
    route = str(policy.Route.CHILD_CONCERN)
    teams = _teams(actor)
    actions = []
    for team_id, name in teams:
        wanted = [
            (
                "new notifications to decide",
                InboxFilters(route=route, status=policy.Status.SENT),
                {"route": route, "status": str(policy.Status.SENT)},
                False,
            ),
            (
                "overdue",
                InboxFilters(route=route, overdue_only=True),
                {"route": route, "show": "overdue"},
                True,
            ),
            (
                "due later today",
                InboxFilters(route=route, due_today=True),
                {"route": route, "show": "today"},
                False,
            ),
        ]
        actions.append(
            HomeAction(
                label="Decide notifications"
                if len(teams) == 1
                else f"Decide notifications: {name}",
                url=inbox_url(team_id, route=route),
                waiting=_count_links(actor, team_id, wanted),
                order=ORDER,
            )
        )
    return actions


def idva_actions(actor: Actor) -> list[HomeAction]:
    """An IDVA service's referrals: those to acknowledge (and how many are overdue), each
    linking to the inbox filtered to exactly those."""
    if not actor.has_role(Role.IDVA) or not actor.sees_case_content:
        return []
    route = str(policy.Route.IDVA_REFERRAL)
    teams = _teams(actor)
    actions = []
    for team_id, name in teams:
        wanted = [
            (
                "referrals to acknowledge",
                InboxFilters(route=route, status=policy.Status.SENT),
                {"route": route, "status": str(policy.Status.SENT)},
                False,
            ),
            (
                "overdue",
                InboxFilters(route=route, overdue_only=True),
                {"route": route, "show": "overdue"},
                True,
            ),
        ]
        actions.append(
            HomeAction(
                label="IDVA referrals" if len(teams) == 1 else f"IDVA referrals: {name}",
                url=inbox_url(team_id, route=route),
                waiting=_count_links(actor, team_id, wanted),
                order=ORDER,
            )
        )
    return actions
