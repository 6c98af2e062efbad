"""Acting on an obligation: the receiving team acknowledges, claims, decides (a child
concern notification), records an assessment or an outcome, redirects, and (its
manager) withdraws; the referrer completes and sends a MARAC referral. Each page reads
the obligation through ``selectors.obligation_get_for`` (visibility and the access log)
and writes through one service, which checks the rules again."""

from __future__ import annotations

from typing import Any

import rules
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from hearth.core.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from hearth.core.personal_data import no_personal_data, reads_personal_data
from hearth.obligations import forms, page_selectors, policy, registry, selectors, services
from hearth.obligations.views._common import (
    describe,
    detail_for,
    posted,
    recipient_detail_for,
    referrer_detail_for,
    to_detail,
)

REFUSED = (InvalidTransition, ValidationFailed)


def _as_failure(refused: InvalidTransition | ValidationFailed) -> ValidationFailed:
    """A service's refusal, to show on the form (a refused transition above it)."""
    return refused if isinstance(refused, ValidationFailed) else ValidationFailed(refused.message)


def _page(
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
    """The referrer sends a completed MARAC referral (anyone else: 403, before anything
    about the referral is checked)."""
    actor, detail = referrer_detail_for(request, obligation_id, "Send a referral")
    try:
        services.obligation_send(actor=actor, obligation=detail.obligation)
    except ValidationFailed as refused:
        problems = [p for ps in refused.fields.values() for p in ps] or [refused.message]
        messages.error(request, "The referral has not been sent: " + "; ".join(problems))
    except InvalidTransition as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            f"{describe(detail.obligation, start=True)} has been sent to "
            f"{detail.obligation.team.name}",
        )
    return to_detail(detail.obligation)


@no_personal_data  # answers with a redirect; the obligation's read is logged by its selector
@require_POST
def marac_child_notification_raise(
    request: HttpRequest, obligation_id: int, child_id: int
) -> HttpResponse:
    """The referrer raises a child concern notification for a household child who has
    none, linked to the MARAC referral (anyone else: 403, whichever child is named)."""
    actor, detail = referrer_detail_for(request, obligation_id, "Notify a child's front door")
    children = {child.pk: child for child, _ in detail.shared.marac_children}
    if child_id not in children:
        raise NotFound("No such child in the referral")
    try:
        services.marac_child_notification_raise(
            actor=actor, obligation=detail.obligation, child_id=child_id
        )
    except REFUSED as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            f"A child concern notification for {children[child_id].full_name} has been sent "
            "and linked to this referral",
        )
    return to_detail(detail.obligation)


# --- The front door's decision and the assessment ---------------------------------------------


@reads_personal_data
@require_http_methods(["GET", "POST"])
def obligation_decision(request: HttpRequest, obligation_id: int) -> HttpResponse:
    actor, detail = recipient_detail_for(request, obligation_id, "Decide on a notification")
    obligation = detail.obligation
    if obligation.route != policy.Route.CHILD_CONCERN:
        return redirect("obligation_outcome", obligation_id=obligation.pk)
    if not obligation.is_open:
        return to_detail(obligation)
    form = forms.DecisionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_record(
                actor=actor,
                obligation=obligation,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
                assessment_started_on=form.started_on(),
            )
        except REFUSED as refused:
            form.add_failure(_as_failure(refused))
        else:
            label = policy.DECISION_LABELS[policy.Decision(form.cleaned_data["decision"])]
            messages.success(request, f"Decision recorded: {label}")
            return to_detail(obligation)
    return _page(request, "obligations/decision.html", detail, form=form)


@reads_personal_data
@require_http_methods(["GET", "POST"])
def obligation_assessment(
    request: HttpRequest, obligation_id: int, assessment_id: int
) -> HttpResponse:
    actor, detail = recipient_detail_for(request, obligation_id, "Record an assessment")
    assessment = next((a for a in detail.assessments if a.pk == assessment_id), None)
    if assessment is None:
        raise NotFound("No such assessment")
    form = forms.AssessmentForm(
        posted(request), initial=forms.AssessmentForm.initial_from(assessment)
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.assessment_record(
                actor=actor,
                assessment=assessment,
                started_on=form.cleaned_data["started_on"],
                authorised_on=form.cleaned_data["authorised_on"],
                factors=form.cleaned_data["factors"],
            )
        except ValidationFailed as refused:
            form.add_failure(refused)
        else:
            messages.success(
                request,
                "The assessment is complete"
                if saved.is_complete
                else "The assessment has been saved",
            )
            return to_detail(detail.obligation)
    return _page(
        request,
        "obligations/assessment.html",
        detail,
        form=form,
        assessment=assessment,
        kind=policy.outcome_label(policy.Route.CHILD_CONCERN, assessment.kind),
    )


# --- Outcomes, redirecting and withdrawing ----------------------------------------------------


@reads_personal_data
@require_http_methods(["GET", "POST"])
def obligation_outcome(request: HttpRequest, obligation_id: int) -> HttpResponse:
    actor, detail = recipient_detail_for(request, obligation_id, "Record an outcome")
    obligation = detail.obligation
    if obligation.route == policy.Route.CHILD_CONCERN:
        return redirect("obligation_decision", obligation_id=obligation.pk)
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
            form.add_failure(_as_failure(refused))
        else:
            label = registry.outcome_label(obligation.route, form.cleaned_data["outcome"])
            messages.success(request, f"Outcome recorded: {label}")
            return to_detail(obligation)
    return _page(request, "obligations/outcome.html", detail, form=form)


@reads_personal_data
@require_http_methods(["GET", "POST"])
def obligation_redirect(request: HttpRequest, obligation_id: int) -> HttpResponse:
    actor, detail = recipient_detail_for(request, obligation_id, "Redirect an obligation")
    obligation = detail.obligation
    teams = selectors.redirect_choices_for(obligation=obligation)
    form = forms.RedirectForm(posted(request), teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            to_team = page_selectors.redirect_target_for(
                obligation=obligation, team_id=form.cleaned_data["to_team"]
            )
            services.obligation_redirect(
                actor=actor,
                obligation=obligation,
                to_team=to_team,
                reason=form.cleaned_data["reason"],
            )
        except REFUSED as refused:
            form.add_failure(_as_failure(refused))
        else:
            # The team it went to owns it now: this team may no longer see it.
            messages.success(
                request, f"{describe(obligation, start=True)} has been redirected to {to_team.name}"
            )
            return redirect("inbox_home")
    return _page(request, "obligations/redirect.html", detail, form=form, teams=teams)


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
            form.add_failure(_as_failure(refused))
        else:
            messages.success(request, f"{describe(obligation, start=True)} has been withdrawn")
            return to_detail(obligation)
    return _page(request, "obligations/withdraw.html", detail, form=form)


# --- Completing a MARAC referral --------------------------------------------------------------


@reads_personal_data
@require_http_methods(["GET", "POST"])
def marac_referral_edit(request: HttpRequest, obligation_id: int) -> HttpResponse:
    actor, detail = referrer_detail_for(request, obligation_id, "Complete a MARAC referral")
    obligation = detail.obligation
    if obligation.route != policy.Route.MARAC_REFERRAL:
        raise NotFound("Not a MARAC referral")
    if obligation.status != policy.Status.CREATED:
        messages.success(request, "This referral has been sent: it can no longer be changed")
        return to_detail(obligation)
    form = forms.MaracReferralForm(
        posted(request), initial=forms.MaracReferralForm.initial_from(detail.shared.marac)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.marac_referral_update(actor=actor, obligation=obligation, **form.values())
        except REFUSED as refused:
            form.add_failure(_as_failure(refused))
        else:
            messages.success(request, "The referral details have been saved")
            return to_detail(obligation)
    return _page(request, "obligations/marac_referral.html", detail, form=form)
