"""The whole-family plan's pages: the plans my teams lead or act in, opening a plan from a
person, a plan with each member's support side by side, and the lead team's forms (a
goal, an action, a support, a review, closing). Thin: each reads through ``selectors``
(``NotFound`` for anyone who may not see the plan, as if missing) and writes through
``services``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from hearth.core.actor import Actor
from hearth.core.errors import NotFound, NotPermitted, ValidationFailed
from hearth.core.http import actor_of
from hearth.core.personal_data import no_personal_data, reads_personal_data
from hearth.families import forms, selectors, services
from hearth.families.selectors import PlanView
from hearth.obligations.views._common import posted
from hearth.people.forms import GovukForm


@reads_personal_data
def plans(request: HttpRequest) -> HttpResponse:
    rows = selectors.plans_for(actor=actor_of(request))
    return render(request, "families/plans.html", {"rows": rows})


def _person_id(request: HttpRequest) -> int:
    raw = request.GET.get("person", "")
    if not raw.isdigit() or not 1 <= int(raw) <= 2**63 - 1:
        raise NotFound("No such person")
    return int(raw)


@reads_personal_data
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    person_id = _person_id(request)
    options = selectors.open_options_for(actor=actor, person_id=person_id)
    form = forms.PlanOpenForm(posted(request), options=options)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_open(actor=actor, person_id=person_id, **form.service_arguments())
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(request, "The family plan has been opened")
            return redirect("family_plan", plan_id=plan.pk)
    return render(request, "families/plan_new.html", {"options": options, "form": form})


@reads_personal_data
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    view = selectors.plan_get_for(actor=actor_of(request), plan_id=plan_id)
    return render(request, "families/plan.html", {"view": view, "plan": view.plan})


def _lead_step(
    request: HttpRequest,
    plan_id: int,
    make_form: Callable[[PlanView], GovukForm],
    heading: str,
    act: Callable[[Actor, PlanView, GovukForm], Any],
    done: str,
    purpose: str,
) -> HttpResponse:
    actor = actor_of(request)
    view = selectors.plan_get_for(actor=actor, plan_id=plan_id, purpose=purpose, voices=False)
    if not view.can_change:
        raise NotPermitted("Only the plan's lead team can change it while it is open")
    form = make_form(view)
    if request.method == "POST" and form.is_valid():
        try:
            act(actor, view, form)
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(request, done)
            return redirect("family_plan", plan_id=plan_id)
    return render(
        request,
        "families/plan_step.html",
        {"view": view, "plan": view.plan, "form": form, "heading": heading},
    )


def _members(view: PlanView) -> list[Any]:
    return [m.member for m in view.members]


@reads_personal_data
@require_http_methods(["GET", "POST"])
def goal_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _lead_step(
        request,
        plan_id,
        lambda view: forms.GoalForm(posted(request), members=_members(view)),
        "Add a goal",
        lambda actor, view, form: services.goal_add(
            actor=actor,
            plan=view.plan,
            member_id=int(form.cleaned_data["member"]),
            words=form.cleaned_data["words"],
        ),
        "The goal has been added",
        "Add a goal to a family plan",
    )


@reads_personal_data
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _lead_step(
        request,
        plan_id,
        lambda view: forms.ActionForm(
            posted(request),
            members=_members(view),
            goals=view.open_goals,
            teams=selectors.action_teams(),
        ),
        "Add an action",
        lambda actor, view, form: services.action_add(
            actor=actor,
            plan=view.plan,
            member_id=int(form.cleaned_data["member"]),
            team_id=int(form.cleaned_data["team"]),
            what=form.cleaned_data["what"],
            due_on=form.cleaned_data["due_on"],
            goal_id=int(form.cleaned_data["goal"]) if form.cleaned_data.get("goal") else None,
        ),
        "The action has been added and sent to its team",
        "Add an action to a family plan",
    )


@reads_personal_data
@require_http_methods(["GET", "POST"])
def support_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _lead_step(
        request,
        plan_id,
        lambda view: forms.SupportForm(posted(request), members=_members(view)),
        "Add support",
        lambda actor, view, form: services.support_add(
            actor=actor,
            plan=view.plan,
            member_id=int(form.cleaned_data["member"]),
            kind=form.cleaned_data["kind"],
            status=form.cleaned_data["status"],
            started_on=form.cleaned_data.get("started_on"),
            ended_on=form.cleaned_data.get("ended_on"),
            obligation_id=form.cleaned_data.get("obligation"),
            note=form.cleaned_data.get("note") or "",
        ),
        "The support has been recorded",
        "Add support to a family plan",
    )


@reads_personal_data
@require_http_methods(["GET", "POST"])
def support_update(request: HttpRequest, plan_id: int, support_id: int) -> HttpResponse:
    def make(view: PlanView) -> GovukForm:
        support = next((s for m in view.members for s in m.supports if s.pk == support_id), None)
        if support is None:
            raise NotFound("No such support")
        initial = {
            "status": support.status,
            "started_on": support.started_on,
            "ended_on": support.ended_on,
            "note": support.note,
        }
        form = forms.SupportUpdateForm(posted(request), initial=initial)
        form.support = support  # type: ignore[attr-defined]
        return form

    return _lead_step(
        request,
        plan_id,
        make,
        "Update support",
        lambda actor, view, form: services.support_update(
            actor=actor,
            plan=view.plan,
            support_id=support_id,
            status=form.cleaned_data["status"],
            started_on=form.cleaned_data.get("started_on"),
            ended_on=form.cleaned_data.get("ended_on"),
            note=form.cleaned_data.get("note") or "",
        ),
        "The support has been updated",
        "Update support in a family plan",
    )


@reads_personal_data
@require_http_methods(["GET", "POST"])
def review_record(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _lead_step(
        request,
        plan_id,
        lambda view: forms.ReviewForm(posted(request), goals=view.open_goals),
        "Record a review",
        lambda actor, view, form: services.review_record(
            actor=actor,
            plan=view.plan,
            **form.service_arguments(),  # type: ignore[attr-defined]
        ),
        "The review has been recorded",
        "Record a family plan's review",
    )


@reads_personal_data
@require_http_methods(["GET", "POST"])
def first_meeting(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _lead_step(
        request,
        plan_id,
        lambda view: forms.FirstMeetingForm(posted(request)),
        "Record the first meeting",
        lambda actor, view, form: services.first_meeting_record(
            actor=actor, plan=view.plan, held_on=form.cleaned_data["held_on"]
        ),
        "The first meeting has been recorded",
        "Record a family plan's first meeting",
    )


@reads_personal_data
@require_http_methods(["GET", "POST"])
def plan_close(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _lead_step(
        request,
        plan_id,
        lambda view: forms.CloseForm(posted(request)),
        "Close the family plan",
        lambda actor, view, form: services.plan_close(
            actor=actor,
            plan=view.plan,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data.get("note") or "",
        ),
        "The family plan has been closed",
        "Close a family plan",
    )


@no_personal_data  # answers with a redirect to the plan's review form
def review_for_obligation(request: HttpRequest, obligation_id: int) -> HttpResponse:
    """The generic outcome page of a review owed leads here, and on to the plan's form."""
    plan_id = selectors.plan_for_review_obligation(
        actor=actor_of(request), obligation_id=obligation_id
    )
    return redirect("family_plan_review", plan_id=plan_id)


# --- Each area's review timescales (the service operator's administrators) ----------------


@no_personal_data
def settings_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.family_plan_settings_for(actor=actor_of(request))
    return render(request, "families/plan_settings_list.html", {"rows": rows})


@no_personal_data
@require_http_methods(["GET", "POST"])
def settings_area(request: HttpRequest, area_id: int) -> HttpResponse:
    """One local authority's timescales, saved through ``services.family_plan_settings_set``
    (which records the change on the area's timeline)."""
    actor = actor_of(request)
    row = selectors.family_plan_settings_get_for(actor=actor, area_id=area_id)
    initial = {
        "first_meeting_working_days": row.schedule.first_meeting_working_days,
        "first_review_months": row.schedule.first_review_months,
        "review_every_months": row.schedule.review_every_months,
    }
    form = forms.SettingsForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.family_plan_settings_set(actor=actor, area=row.area, **form.cleaned_data)
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(
                request, f"The family plan timescales for {row.area.name} have been saved"
            )
            return redirect("family_plan_settings")
    return render(request, "families/plan_settings_area.html", {"form": form, "row": row})
