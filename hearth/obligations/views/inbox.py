"""Team inboxes (the work addressed to a team, overdue first, with bulk acknowledgement
and a manager's summary) and the referrer's list of what it sent."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hearth.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from hearth.core.http import actor_of
from hearth.core.personal_data import no_personal_data, reads_personal_data
from hearth.incidents.selectors import local_authority_choices
from hearth.obligations import forms, policy, selectors, services
from hearth.obligations.selectors import InboxFilters


@no_personal_data  # team names only
def inbox_home(request: HttpRequest) -> HttpResponse:
    """The teams whose inboxes the person works from: straight to it if there is one."""
    teams = selectors.inbox_teams_for(actor=actor_of(request))
    if len(teams) == 1:
        return redirect("team_inbox", team_id=teams[0].pk)
    return render(request, "obligations/inbox_home.html", {"teams": teams})


@reads_personal_data
def team_inbox(request: HttpRequest, team_id: int) -> HttpResponse:
    actor = actor_of(request)
    form = forms.InboxFilterForm(request.GET or None, local_authorities=local_authority_choices())
    filters = form.filters() if form.is_bound and form.is_valid() else InboxFilters()
    inbox = selectors.inbox_for(
        actor=actor, team_id=team_id, filters=filters, page=request.GET.get("page")
    )
    return render(
        request,
        "obligations/team_inbox.html",
        {
            "form": form,
            "inbox": inbox,
            "filters": filters,
            "filtered": bool(set(request.GET) - {"page"}),
            "query": request.GET.urlencode(),
            "by_status": [
                (policy.STATUS_LABELS[policy.Status(status)], count)
                for status, count in sorted(
                    inbox.by_status.items(),
                    key=lambda item: list(policy.Status).index(policy.Status(item[0])),
                )
            ],
            "may_acknowledge": any(
                row.obligation.status == policy.Status.SENT for row in inbox.rows
            ),
        },
    )


@no_personal_data  # answers with a redirect
@require_POST
def team_inbox_acknowledge(request: HttpRequest, team_id: int) -> HttpResponse:
    """Acknowledge the ticked items: all of them or, if one cannot be, none."""
    actor = actor_of(request)
    back = reverse("team_inbox", args=[team_id])
    if request.GET:
        back += f"?{request.GET.urlencode()}"
    form = forms.BulkAcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Select the items to acknowledge")
        return redirect(back)
    chosen = selectors.obligations_for_bulk(
        actor=actor, team_id=team_id, ids=form.cleaned_data["obligations"]
    )
    if not chosen:
        messages.error(request, "Select the items to acknowledge")
        return redirect(back)
    try:
        services.obligation_acknowledge_many(actor=actor, obligations=chosen)
    except (InvalidTransition, NotPermitted, ValidationFailed) as refused:
        messages.error(request, f"Nothing was acknowledged. {refused.message}")
    else:
        count = len(chosen)
        messages.success(request, f"You have acknowledged {count} item{'s' if count != 1 else ''}")
    return redirect(back)


@reads_personal_data
def referrals_sent(request: HttpRequest) -> HttpResponse:
    """Everything the incidents the person may see have created, newest first."""
    form = forms.ReferralFilterForm(request.GET or None)
    referrals = selectors.referrals_for(
        actor=actor_of(request), not_acknowledged_in_time=form.not_acknowledged_in_time()
    )
    return render(
        request,
        "obligations/referrals_sent.html",
        {"form": form, "referrals": referrals, "filtered": form.is_bound},
    )
