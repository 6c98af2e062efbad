"""The referral routes' own pages: the front door's decision on a children's services
notification and the assessment it starts; the referrer completing a MARAC referral and
raising a notification for a household child who has none. Thin, like the ledger's: each
reads the obligation through ``obligations.selectors`` (visibility and the access log)
and writes through ``referrals.services``, which checks the rules again."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from hearth.core.errors import NotFound, ValidationFailed
from hearth.core.personal_data import no_personal_data, reads_personal_data
from hearth.obligations.models import Obligation
from hearth.obligations.selectors import ObligationDetail
from hearth.obligations.views._common import (
    posted,
    recipient_detail_for,
    referrer_detail_for,
    to_detail,
)
from hearth.obligations.views.actions import REFUSED, as_failure, page
from hearth.referrals import forms, policy, selectors, services
from hearth.referrals.selectors import ReferralShare, _decision_words


def _part(detail: ObligationDetail) -> ReferralShare:
    """The referral route's own part of what the obligation shares."""
    return detail.shared.part or ReferralShare()


@no_personal_data  # answers with a redirect; the obligation's read is logged by its selector
@require_POST
def marac_child_notification_raise(
    request: HttpRequest, obligation_id: int, child_id: int
) -> HttpResponse:
    """The referrer raises a child concern notification for a household child who has
    none, linked to the MARAC referral (anyone else: 403, whichever child is named)."""
    actor, detail = referrer_detail_for(request, obligation_id, "Notify a child's front door")
    children = {child.pk: child for child, _ in _part(detail).marac_children}
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


def _decided_words(decided: list[tuple[Obligation, bool]]) -> str:
    """One message for the household: "Decision recorded for Mia Vance: Early help", or
    for several children "Decisions recorded for 3 children: Mia Vance, Early help; ...";
    a sibling someone else decided meanwhile keeps their decision, and is named."""

    def label(obligation: Obligation) -> str:
        return policy.DECISION_LABELS.get(policy.Decision(obligation.outcome), obligation.outcome)

    recorded = [o for o, done in decided if done]
    kept = [o for o, done in decided if not done]
    if len(recorded) == 1:
        words = f"Decision recorded for {recorded[0].subject.full_name}: {label(recorded[0])}"
    else:
        each = "; ".join(f"{o.subject.full_name}, {label(o)}" for o in recorded)
        words = f"Decisions recorded for {len(recorded)} children: {each}"
    for o in kept:
        words += f". {o.subject.full_name} already had a decision, which is unchanged: {label(o)}"
    return words


@reads_personal_data
@require_http_methods(["GET", "POST"])
def obligation_decision(request: HttpRequest, obligation_id: int) -> HttpResponse:
    actor, detail = recipient_detail_for(request, obligation_id, "Decide on a notification")
    obligation = detail.obligation
    if obligation.route != policy.Route.CHILD_CONCERN:
        return redirect("obligation_outcome", obligation_id=obligation.pk)
    if not obligation.is_open:
        return to_detail(obligation)
    # The household's other children from this incident, not decided yet: decided with
    # this one at once, each keeping their own obligation, record and outcome (issue 17).
    siblings = selectors.undecided_siblings_for(actor=actor, obligation=obligation)
    form = forms.DecisionForm(
        posted(request),
        child=obligation.subject.full_name,
        siblings=[(s.pk, s.subject.full_name) for s in siblings],
    )
    if request.method == "POST" and form.is_valid():
        try:
            decided = services.decisions_record(
                actor=actor,
                obligation=obligation,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
                assessment_started_on=form.started_on(),
                others=form.others(),
            )
        except REFUSED as refused:
            form.add_failure(as_failure(refused))
        else:
            messages.success(request, _decided_words(decided))
            return to_detail(obligation)
    return page(request, "referrals/decision.html", detail, form=form)


@reads_personal_data
@require_http_methods(["GET", "POST"])
def obligation_assessment(
    request: HttpRequest, obligation_id: int, assessment_id: int
) -> HttpResponse:
    actor, detail = recipient_detail_for(request, obligation_id, "Record an assessment")
    assessment = next((a for a in _part(detail).assessments if a.pk == assessment_id), None)
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
    return page(
        request,
        "referrals/assessment.html",
        detail,
        form=form,
        assessment=assessment,
        kind=_decision_words(assessment.kind),
    )


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
        posted(request), initial=forms.MaracReferralForm.initial_from(_part(detail).marac)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.marac_referral_update(actor=actor, obligation=obligation, **form.values())
        except REFUSED as refused:
            form.add_failure(as_failure(refused))
        else:
            messages.success(request, "The referral details have been saved")
            return to_detail(obligation)
    return page(request, "referrals/marac_referral.html", detail, form=form)
