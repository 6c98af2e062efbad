"""Acting on an obligation, whatever its route: the receiving team acknowledges, claims,
records an outcome, redirects, and (its manager) withdraws; the referrer sends what waits
for it. A route's own steps are its app's pages (a front door's decision, say). Each page
reads the obligation through ``selectors.obligation_get_for`` (visibility and the access
log) and writes through one service, which checks the rules again."""

from __future__ import annotations

from typing import Any

import rules
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from hearth.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from hearth.core.personal_data import no_personal_data, reads_personal_data
from hearth.obligations import forms, registry, selectors, services
from hearth.obligations.views._common import (
    describe,
    detail_for,
    posted,
    recipient_detail_for,
    referrer_detail_for,
    to_detail,
)

REFUSED = (InvalidTransition, ValidationFailed)


def as_failure(refused: InvalidTransition | ValidationFailed) -> ValidationFailed:
    """A service's refusal, to show on the form (a refused transition above it)."""
    return refused if isinstance(refused, ValidationFailed) else ValidationFailed(refused.message)


def page(
    request: HttpRequest, template: str, detail: selectors.ObligationDetail, **context: Any
) -> HttpResponse:
    obligation = detail.obligation
    return render(
        request,
        template,
        {
            "detail": detail,
            "obligation": obligation,
            "route_label": registry.label(obligation.route),
            "route_in_sentence": registry.sentence_label(obligation.route),
            "back_url": reverse("obligation_detail", args=[obligation.pk]),
            **context,
        },
    )


# --- One-button actions -----------------------------------------------------------------------


@no_personal_data  # answers with a redirect; the obligation's read is logged by its selector
@require_POST
def obligation_acknowledge(request: HttpRequest, obligation_id: int) -> HttpResponse:
    actor, detail = detail_for(request, obligation_id, "Acknowledge an obligation")
    try:
        services.obligation_acknowledge(actor=actor, obligation=detail.obligation)
    except REFUSED as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"You have acknowledged {describe(detail.obligation)}")
    return to_detail(detail.obligation)


@no_personal_data  # answers with a redirect; the obligation's read is logged by its selector
@require_POST
def obligation_claim(request: HttpRequest, obligation_id: int) -> HttpResponse:
    actor, detail = detail_for(request, obligation_id, "Claim an obligation")
    try:
        services.obligation_claim(actor=actor, obligation=detail.obligation)
    except REFUSED as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"You have claimed {describe(detail.obligation)}")
    return to_detail(detail.obligation)


@no_personal_data  # answers with a redirect; the obligation's read is logged by its selector
@require_POST
def obligation_send(request: HttpRequest, obligation_id: int) -> HttpResponse:
    """The referrer sends what it has completed, on a route whose obligations wait for the
    referrer (``Route.sent_by_referrer``; anyone else: 403, before anything about it is
    checked). What the route still needs is its own (``Route.send_problems``)."""
    actor, detail = referrer_detail_for(request, obligation_id, "Send a referral")
    noun = registry.get(detail.obligation.route).noun
    try:
        services.obligation_send(actor=actor, obligation=detail.obligation)
    except ValidationFailed as refused:
        problems = [p for ps in refused.fields.values() for p in ps] or [refused.message]
        messages.error(request, f"The {noun} has not been sent: " + "; ".join(problems))
    except InvalidTransition as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            f"{describe(detail.obligation, start=True)} has been sent to "
            f"{detail.obligation.team.name}",
        )
    return to_detail(detail.obligation)


# --- Outcomes, redirecting and withdrawing ----------------------------------------------------


@reads_personal_data
@require_http_methods(["GET", "POST"])
def obligation_outcome(request: HttpRequest, obligation_id: int) -> HttpResponse:
    actor, detail = recipient_detail_for(request, obligation_id, "Record an outcome")
    obligation = detail.obligation
    route = registry.get(obligation.route)
    if route.outcome_url_name != "obligation_outcome":
        # The route records its outcome on its own page (a front door's decision).
        return redirect(route.outcome_url_name, obligation_id=obligation.pk)
    if not obligation.is_open:
        return to_detail(obligation)
    form = forms.OutcomeForm(posted(request), route=obligation.route)
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_record(
                actor=actor,
                obligation=obligation,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except REFUSED as refused:
            form.add_failure(as_failure(refused))
        else:
            label = registry.outcome_label(obligation.route, form.cleaned_data["outcome"])
            messages.success(request, f"Outcome recorded: {label}")
            return to_detail(obligation)
    return page(request, "obligations/outcome.html", detail, form=form)


@reads_personal_data
@require_http_methods(["GET", "POST"])
def obligation_redirect(request: HttpRequest, obligation_id: int) -> HttpResponse:
    actor, detail = recipient_detail_for(request, obligation_id, "Redirect an obligation")
    obligation = detail.obligation
    teams = selectors.redirect_choices_for(obligation=obligation)
    form = forms.RedirectForm(posted(request), teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            to_team = selectors.redirect_target_for(
                obligation=obligation, team_id=form.cleaned_data["to_team"]
            )
            services.obligation_redirect(
                actor=actor,
                obligation=obligation,
                to_team=to_team,
                reason=form.cleaned_data["reason"],
            )
        except REFUSED as refused:
            form.add_failure(as_failure(refused))
        else:
            # The team it went to owns it now: this team may no longer see it.
            messages.success(
                request, f"{describe(obligation, start=True)} has been redirected to {to_team.name}"
            )
            return redirect("inbox_home")
    return page(request, "obligations/redirect.html", detail, form=form, teams=teams)


@reads_personal_data
@require_http_methods(["GET", "POST"])
def obligation_withdraw(request: HttpRequest, obligation_id: int) -> HttpResponse:
    actor, detail = detail_for(request, obligation_id, "Withdraw an obligation")
    obligation = detail.obligation
    if not rules.test_rule("obligations.withdraw", actor, obligation):
        raise NotPermitted("Only the team's manager can withdraw this")
    if not obligation.is_open:
        return to_detail(obligation)
    form = forms.WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.obligation_withdraw(
                actor=actor, obligation=obligation, reason=form.cleaned_data["reason"]
            )
        except REFUSED as refused:
            form.add_failure(as_failure(refused))
        else:
            messages.success(request, f"{describe(obligation, start=True)} has been withdrawn")
            return to_detail(obligation)
    return page(request, "obligations/withdraw.html", detail, form=form)
