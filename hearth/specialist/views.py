"""Specialist support pages: refer a child (the services that fit, and why others do not),
the referral form, a referral's page with the service's answers, the service's waiting
list, and the lead agency's unmet need. Thin: each reads through ``selectors`` (``NotFound``
for anyone who may not see it, as if missing) and writes through ``services``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from hearth.accounts.views import HomeAction, WaitingCount
from hearth.core.actor import Actor, AgencyKind, Role
from hearth.core.errors import NotFound, NotPermitted, ValidationFailed
from hearth.core.http import actor_of
from hearth.core.personal_data import no_personal_data, reads_personal_data
from hearth.obligations.views._common import posted
from hearth.people.forms import GovukForm
from hearth.specialist import forms, routing, selectors, services
from hearth.specialist.selectors import ReferralView


def child_page_context(actor: Actor, detail: Any) -> dict[str, Any]:
    """The child's record links to referring them (``CHILD_PAGE_EXTRAS``)."""
    return {"specialist_refer_url": reverse("specialist_refer", args=[detail.child.pk])}


def child_record_context(actor: Actor, record: Any) -> dict[str, Any]:
    """The child's safeguarding record (``CHILD_RECORD_EXTRAS``) links to referring them,
    for whoever may refer them (``child_visible_to``): the front door that knows the child
    through its notifications reaches the child's record only there."""
    try:
        selectors.child_visible_to(actor, record.child.pk)
    except NotFound:
        return {}
    return {"specialist_refer_url": reverse("specialist_refer", args=[record.child.pk])}


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def home_actions(actor: Actor) -> list[HomeAction]:
    """The home page (``HOME_ACTIONS``): a specialist service leads with its referrals,
    with those to acknowledge, overdue, on the waiting list and receiving support counted,
    each linking to the list showing exactly those (``referrals_received(show=...)``).
    Counts only, one query."""
    if not (
        actor.agency_kind == AgencyKind.SPECIALIST_CHILDRENS_SERVICE
        and actor.sees_case_content
        and Role.SPECIALIST_PRACTITIONER in actor.roles
    ):
        return []
    work = selectors.service_work_for(actor=actor)
    referrals = reverse("specialist_referrals")
    waiting = [
        WaitingCount(
            words=f"{_plural(work.to_acknowledge, 'referral', 'referrals')} to acknowledge",
            count=work.to_acknowledge,
            url=f"{referrals}?show=to_acknowledge",
        ),
    ]
    if work.overdue:
        waiting.append(
            WaitingCount(
                words=f"{_plural(work.overdue, 'referral', 'referrals')} overdue",
                count=work.overdue,
                url=f"{referrals}?show=overdue",
                urgent=True,
            )
        )
    waiting += [
        WaitingCount(
            words=f"{_plural(work.waiting_list, 'child', 'children')} on your waiting list",
            count=work.waiting_list,
            url=reverse("specialist_waiting_list"),
        ),
        WaitingCount(
            words=f"{_plural(work.receiving_support, 'child', 'children')} receiving support",
            count=work.receiving_support,
            url=f"{referrals}?show=receiving_support",
        ),
    ]
    label = (
        "Acknowledge and answer referrals"
        if work.to_acknowledge
        else "See the referrals to your services"
    )
    return [HomeAction(label=label, url=referrals, waiting=tuple(waiting), order=10)]


def home_page_context(actor: Actor) -> dict[str, Any]:
    """The home page (``HOME_PAGE_EXTRAS``): a lead agency's children waiting for
    specialist support. Counts only. (A service's own referrals are its home action.)"""
    context: dict[str, Any] = {}
    if actor.sees_case_content:
        waiting = selectors.children_waiting_count(actor=actor)
        if waiting or actor.agency_kind == AgencyKind.CHILDRENS_SERVICES:
            context["children_waiting"] = waiting
    return context


@reads_personal_data
def refer_options(request: HttpRequest, child_id: int) -> HttpResponse:
    actor = actor_of(request)
    options = selectors.refer_options_for(actor=actor, child_id=child_id)
    referrals = selectors.referrals_for_child(actor=actor, child_id=child_id)
    return render(
        request, "specialist/refer_options.html", {"options": options, "referrals": referrals}
    )


@no_personal_data  # answers with a redirect; the child's read is logged by its selector
@require_POST
def refer_unmet(request: HttpRequest, child_id: int) -> HttpResponse:
    """Record that no service can take the child today (UNMET-NEED-1 v1)."""
    actor = actor_of(request)
    options = selectors.refer_options_for(
        actor=actor, child_id=child_id, purpose="Record unmet need for specialist support"
    )
    services.unmet_need_check(
        actor=actor, child=options.child, area_id=routing.child_area_id(options.child)
    )
    messages.success(request, "This has been recorded as unmet need")
    return redirect("specialist_refer", child_id=child_id)


@reads_personal_data
@require_http_methods(["GET", "POST"])
def refer_form(request: HttpRequest, child_id: int, service_id: str) -> HttpResponse:
    actor = actor_of(request)
    options = selectors.refer_options_for(actor=actor, child_id=child_id)
    fit = next((f for f in options.fits if str(f.service.service_id) == service_id), None)
    if fit is None:
        raise NotFound("No such service for this child")
    form = forms.ReferralForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(
                actor=actor, child_id=child_id, service_id=service_id, **form.cleaned_data
            )
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(
                request, f"{options.child.full_name} has been referred to {fit.service.name}"
            )
            return redirect("specialist_referral", obligation_id=referral.obligation_id)
    return render(
        request, "specialist/refer_form.html", {"options": options, "fit": fit, "form": form}
    )


@reads_personal_data
def referral_detail(request: HttpRequest, obligation_id: int) -> HttpResponse:
    view = selectors.referral_get_for(actor=actor_of(request), obligation_id=obligation_id)
    return render(request, "specialist/referral.html", _context(view))


def _context(view: ReferralView, **extra: Any) -> dict[str, Any]:
    return {
        "view": view,
        "referral": view.referral,
        "obligation": view.obligation,
        "sessions": list(view.referral.sessions.all()),
        **extra,
    }


@no_personal_data  # answers with a redirect; the referral's read is logged by its page
@require_POST
def referral_acknowledge(request: HttpRequest, obligation_id: int) -> HttpResponse:
    actor = actor_of(request)
    referral = selectors.referral_acting(actor=actor, obligation_id=obligation_id)
    services.referral_acknowledge(actor=actor, referral=referral)
    messages.success(request, "You have acknowledged the referral")
    return redirect("specialist_referral", obligation_id=obligation_id)


def _step(
    request: HttpRequest,
    obligation_id: int,
    form: GovukForm,
    heading: str,
    act: Callable[[Actor, Any, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    actor = actor_of(request)
    view = selectors.referral_get_for(actor=actor, obligation_id=obligation_id)
    if not view.is_recipient:
        raise NotPermitted("Only the service it was sent to can do this")
    if request.method == "POST" and form.is_valid():
        try:
            act(actor, view.referral, form.cleaned_data)
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(request, done)
            return redirect("specialist_referral", obligation_id=obligation_id)
    return render(request, "specialist/step.html", _context(view, form=form, heading=heading))


@reads_personal_data
@require_http_methods(["GET", "POST"])
def referral_accept(request: HttpRequest, obligation_id: int) -> HttpResponse:
    return _step(
        request,
        obligation_id,
        forms.AcceptForm(posted(request)),
        "Accept the referral",
        lambda actor, referral, data: services.referral_accept(
            actor=actor,
            referral=referral,
            waiting_list=data["answer"] == "waiting_list",
            start_on=data.get("start_on"),
            expected_start_on=data.get("expected_start_on"),
        ),
        "The referral has been accepted",
    )


@reads_personal_data
@require_http_methods(["GET", "POST"])
def referral_decline(request: HttpRequest, obligation_id: int) -> HttpResponse:
    return _step(
        request,
        obligation_id,
        forms.DeclineForm(posted(request)),
        "Decline the referral",
        lambda actor, referral, data: services.referral_decline(
            actor=actor, referral=referral, reason=data["reason"], note=data["note"]
        ),
        "The referral has been declined",
    )


@reads_personal_data
@require_http_methods(["GET", "POST"])
def referral_start(request: HttpRequest, obligation_id: int) -> HttpResponse:
    return _step(
        request,
        obligation_id,
        forms.DateForm(posted(request), label="When did support start?"),
        "Record that support has started",
        lambda actor, referral, data: services.referral_start(
            actor=actor, referral=referral, started_on=data["on"]
        ),
        "Support has started",
    )


@reads_personal_data
@require_http_methods(["GET", "POST"])
def referral_session(request: HttpRequest, obligation_id: int) -> HttpResponse:
    return _step(
        request,
        obligation_id,
        forms.DateForm(posted(request), label="When was the session?"),
        "Record a session the child attended",
        lambda actor, referral, data: services.session_record(
            actor=actor, referral=referral, on=data["on"]
        ),
        "The session has been recorded",
    )


@reads_personal_data
@require_http_methods(["GET", "POST"])
def referral_outcome(request: HttpRequest, obligation_id: int) -> HttpResponse:
    return _step(
        request,
        obligation_id,
        forms.OutcomeForm(posted(request)),
        "Record how support ended",
        lambda actor, referral, data: services.referral_end(actor=actor, referral=referral, **data),
        "How support ended has been recorded",
    )


@reads_personal_data
def referrals(request: HttpRequest) -> HttpResponse:
    """The service's own list of the referrals to it: the ledger's team inbox does not
    show them (the route is read only on its own pages), so this is where they arrive."""
    show = request.GET.get("show", "")
    show = show if show in selectors.WORK_SHOWN else ""
    rows = selectors.referrals_received(actor=actor_of(request), show=show)
    return render(
        request,
        "specialist/referrals.html",
        {"rows": rows, "show": show, "show_words": selectors.WORK_SHOWN.get(show, "")},
    )


@reads_personal_data
def waiting_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    rows = selectors.referrals_received(actor=actor, waiting_only=True)
    return render(request, "specialist/waiting_list.html", {"rows": rows})


@reads_personal_data
def unmet_need(request: HttpRequest) -> HttpResponse:
    rows = selectors.unmet_need_list(actor=actor_of(request))
    return render(request, "specialist/unmet_need.html", {"rows": rows})


# --- Each area's settings (the service operator's administrators) ---------------------------


@no_personal_data
def settings_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.specialist_settings_list_for(actor=actor_of(request))
    return render(request, "specialist/settings_list.html", {"rows": rows})


@no_personal_data
@require_http_methods(["GET", "POST"])
def settings_area(request: HttpRequest, area_id: int) -> HttpResponse:
    """One local authority's lead team and timescales for specialist support, saved
    through ``services.specialist_settings_set`` (which records the change on the area's
    timeline)."""
    actor = actor_of(request)
    row = selectors.specialist_settings_get_for(actor=actor, area_id=area_id)
    chosen = row.chosen_team
    initial = {
        "lead_team": str(chosen.pk) if chosen and not row.chosen_team_inactive else "",
        "offer_working_days": row.offer_working_days,
        "acknowledge_working_days": row.acknowledge_working_days,
        "waiting_threshold_weeks": row.waiting_threshold_weeks,
    }
    form = forms.SpecialistSettingsForm(
        posted(request),
        initial=initial,
        area_name=row.area.name,
        teams=selectors.lead_team_choices(row.area),
        front_door=row.front_door,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.specialist_settings_set(actor=actor, area=row.area, **form.cleaned_data)
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(
                request, f"The specialist support settings for {row.area.name} have been saved"
            )
            return redirect("specialist_settings")
    return render(request, "specialist/settings_area.html", {"form": form, "row": row})
