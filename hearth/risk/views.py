"""The risk pages: the adult victim's checklist on a phone (safety checks first, one
section per page, the supplementary sets only after their trigger question is answered
yes, "Check your answers", professional judgement and complete), its result with the
MARAC criteria, a supervisor's countersignature, a child's own risk level, the victim's
risk over time with their changes of circumstances, and each area's risk settings (for
the service operator's administrators).

Thin: each page reads through ``risk.selectors`` (visibility and the access log; missing
and forbidden are both 404) and writes through ``risk.services``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from hearth.core.actor import Actor
from hearth.core.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from hearth.core.http import actor_of
from hearth.core.personal_data import no_personal_data, reads_personal_data
from hearth.incidents import selectors as incident_selectors
from hearth.incidents.models import Incident
from hearth.incidents.selectors import ChildDetail, IncidentDetail
from hearth.people.models import Person
from hearth.risk import forms, selectors, services
from hearth.risk.instruments import Instrument, Section
from hearth.risk.models import RiskAssessment
from hearth.risk.selectors import AssessmentAnswers, StoredAnswer
from hearth.risk.wording import wording_for

SAFETY, CHECK = "safety", "check"
MARAC_LABELS = {
    "visible_high_risk": "Visible high risk",
    "professional_judgement": "Professional judgement",
    "potential_escalation": "Potential escalation",
    "repeat": "Repeat",
}


# --- The order of the checklist's pages ---------------------------------------------------


def _sections(used: Instrument, stored: dict[str, StoredAnswer]) -> list[Section]:
    """The instrument's sections, each followed by the supplementary sets its items
    triggered (answered yes)."""
    pages = []
    for section in used.sections:
        pages.append(section)
        for item in section.items:
            answer = stored.get(item.key)
            if item.triggers and answer is not None and answer.answer == "yes":
                pages.append(used.supplementary[item.triggers])
    return pages


def _steps(state: AssessmentAnswers) -> list[str]:
    return [SAFETY, *(s.key for s in _sections(state.detail.instrument, state.stored)), CHECK]


def _url(assessment: RiskAssessment, step: str) -> str:
    if step == SAFETY:
        return reverse("risk_assessment_safety", args=[assessment.pk])
    if step == CHECK:
        return reverse("risk_assessment_check", args=[assessment.pk])
    return reverse("risk_assessment_section", args=[assessment.pk, step])


def _next(request: HttpRequest, state: AssessmentAnswers, step: str) -> str:
    assessment = state.detail.assessment
    if request.GET.get("change"):
        return _url(assessment, CHECK)
    steps = _steps(state)
    return _url(assessment, steps[steps.index(step) + 1])


def _back(request: HttpRequest, state: AssessmentAnswers, step: str) -> str:
    assessment = state.detail.assessment
    if request.GET.get("change"):
        return _url(assessment, CHECK)
    steps = _steps(state)
    index = steps.index(step)
    if index == 0:
        return reverse("risk_assessment_detail", args=[assessment.pk])
    return _url(assessment, steps[index - 1])


def _carry_on_url(state: AssessmentAnswers) -> str:
    """Where to carry on: the safety checks until it is safe to talk, then the first
    page with a question not yet answered, else "Check your answers"."""
    assessment = state.detail.assessment
    if assessment.safe_to_talk != RiskAssessment.SafeToTalk.YES:
        return _url(assessment, SAFETY)
    for section in _sections(state.detail.instrument, state.stored):
        if any(item.key not in state.stored for item in section.items):
            return _url(assessment, section.key)
    return _url(assessment, CHECK)


def _in_progress(
    request: HttpRequest, assessment_id: int
) -> tuple[Actor, AssessmentAnswers, HttpResponse | None]:
    """The checklist for one of its own pages. A completed one goes to its result; only
    the agency that started it may fill it in."""
    actor = actor_of(request)
    state = selectors.assessment_answers_get_for(actor=actor, assessment_id=assessment_id)
    assessment = state.detail.assessment
    if assessment.status != RiskAssessment.Status.IN_PROGRESS:
        return actor, state, redirect("risk_assessment_detail", assessment_id=assessment.pk)
    if assessment.recorded_by_agency_id != actor.agency_id:
        raise NotPermitted("Only the agency that started this checklist can change it")
    return actor, state, None


def _posted(request: HttpRequest) -> Any:
    """The submitted data, or ``None`` for a GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def _page(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    return render(request, template, context)


# --- Starting, the safety checks and each section -----------------------------------------


@no_personal_data  # answers with a redirect; the incident's read is logged by its selector
@require_POST
def risk_assessment_start(request: HttpRequest, incident_id: int) -> HttpResponse:
    """Start a checklist for the incident's adult victim (the first, or ``victim`` if
    posted) about its alleged perpetrator. Its reason is the one posted (from the victim's
    risk page), else what made a new assessment due."""
    actor = actor_of(request)
    detail = incident_selectors.incident_get_for(
        actor=actor, incident_id=incident_id, purpose="Start a risk checklist"
    )
    facts = detail.facts
    chosen = [v for v in facts.victims if str(v.pk) == request.POST.get("victim")]
    victims = chosen or facts.victims
    if not victims:
        raise NotFound("No adult victim to assess")
    reason = request.POST.get("reason", "")
    if reason not in RiskAssessment.Reason.values:
        reason = selectors.reassessment_reason_for(actor=actor, victim=victims[0])
    assessment = services.assessment_start(
        actor=actor,
        victim=victims[0],
        incident=detail.incident,
        perpetrator=facts.perpetrators[0] if facts.perpetrators else None,
        reason=reason,
    )
    return redirect("risk_assessment_safety", assessment_id=assessment.pk)


@reads_personal_data
@require_http_methods(["GET", "POST"])
def risk_assessment_safety(request: HttpRequest, assessment_id: int) -> HttpResponse:
    actor, state, done = _in_progress(request, assessment_id)
    if done:
        return done
    assessment = state.detail.assessment
    form = forms.SafetyChecksForm(
        _posted(request), initial=forms.SafetyChecksForm.initial_from(assessment)
    )
    if request.method == "POST" and form.is_valid():
        checks = services.SafetyChecks(**{k: v.strip() for k, v in form.cleaned_data.items()})
        services.assessment_safety_record(actor=actor, assessment=assessment, checks=checks)
        if checks.safe_to_talk != RiskAssessment.SafeToTalk.YES:
            return redirect("risk_assessment_detail", assessment_id=assessment.pk)
        return redirect(_next(request, state, SAFETY))
    return _page(
        request,
        "risk/form_page.html",
        form=form,
        state=state,
        title="Safety checks",
        intro="risk/_safety_intro.html",
        back_url=_back(request, state, SAFETY),
    )


@reads_personal_data
@require_http_methods(["GET", "POST"])
def risk_assessment_section(request: HttpRequest, assessment_id: int, section: str) -> HttpResponse:
    actor, state, done = _in_progress(request, assessment_id)
    if done:
        return done
    assessment = state.detail.assessment
    if assessment.safe_to_talk != RiskAssessment.SafeToTalk.YES:
        return redirect("risk_assessment_safety", assessment_id=assessment.pk)
    pages = {s.key: s for s in _sections(state.detail.instrument, state.stored)}
    if section not in pages:
        raise NotFound("No such section")
    form = forms.SectionForm(
        _posted(request),
        section=pages[section],
        wording=wording_for(state.detail.instrument),
        stored=state.stored,
    )
    if request.method == "POST" and form.is_valid():
        try:
            for key, answer, comment, source in form.answers():
                services.assessment_answer(
                    actor=actor,
                    assessment=assessment,
                    item_key=key,
                    answer=answer,
                    comment=comment,
                    source=source,
                )
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            saved = selectors.assessment_answers_get_for(actor=actor, assessment_id=assessment.pk)
            return redirect(_next(request, saved, section))
    steps = _steps(state)
    return _page(
        request,
        "risk/form_page.html",
        form=form,
        state=state,
        title=pages[section].title,
        step_of=(steps.index(section), len(steps) - 2),
        back_url=_back(request, state, section),
    )


# --- Check your answers, and complete -------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    number: int | None
    question: str
    answer: str
    comment: str
    source: str
    change_url: str
    key: str


def _answer_rows(
    state: AssessmentAnswers, *, change: bool, wording: dict[str, str]
) -> list[tuple[Section, list[AnswerRow]]]:
    assessment = state.detail.assessment
    suffix = "?change=1" if change else ""
    rows = []
    for section in _sections(state.detail.instrument, state.stored):
        url = _url(assessment, section.key) + suffix
        section_rows = []
        for item in section.items:
            stored = state.stored.get(item.key)
            section_rows.append(
                AnswerRow(
                    number=item.number,
                    question=wording.get(item.key, item.label),
                    answer=forms.ANSWER_LABELS.get(stored.answer, "") if stored else "",
                    comment=stored.comment if stored else "",
                    source=stored.source if stored else "",
                    change_url=url,
                    key=item.key,
                )
            )
        rows.append((section, section_rows))
    return rows


def _yes_count(state: AssessmentAnswers) -> int:
    """The score so far: yes answers to the main items (the supplementary sets inform the
    officer's judgement but are not counted, domain.md §1.2)."""
    return sum(
        1
        for item in state.detail.instrument.items
        if (stored := state.stored.get(item.key)) and stored.answer == "yes"
    )


@reads_personal_data
@require_http_methods(["GET", "POST"])
def risk_assessment_check(request: HttpRequest, assessment_id: int) -> HttpResponse:
    actor, state, done = _in_progress(request, assessment_id)
    if done:
        return done
    assessment = state.detail.assessment
    form = forms.CompleteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_complete(
                actor=actor,
                assessment=assessment,
                judged=form.judged_grade(),
                judgement_reason=form.cleaned_data["judgement_reason"],
            )
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(request, "The risk checklist is complete")
            return redirect("risk_assessment_detail", assessment_id=assessment.pk)
    return _page(
        request,
        "risk/check.html",
        form=form,
        state=state,
        assessment=assessment,
        safe_checks_url=_url(assessment, SAFETY) + "?change=1",
        sections=_answer_rows(state, change=True, wording=wording_for(state.detail.instrument)),
        yes_count=_yes_count(state),
        back_url=_url(assessment, _steps(state)[-2]),
    )


# --- The result -----------------------------------------------------------------------------


@reads_personal_data
def risk_assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    actor = actor_of(request)
    state = selectors.assessment_answers_get_for(
        actor=actor, assessment_id=assessment_id, purpose="View a risk assessment"
    )
    detail = state.detail
    assessment = detail.assessment
    completed = assessment.status == RiskAssessment.Status.COMPLETED
    may_countersign = (
        completed
        and assessment.countersigned_at is None
        and actor.has_role(*services.SUPERVISOR_ROLES)
        and actor.agency_id == assessment.recorded_by_agency_id
        and actor.user_id != assessment.recorded_by_id
    )
    return _page(
        request,
        "risk/detail.html",
        state=state,
        detail=detail,
        assessment=assessment,
        completed=completed,
        carry_on_url=None if completed else _carry_on_url(state),
        sections=_answer_rows(state, change=False, wording=wording_for(detail.instrument)),
        yes_count=_yes_count(state),
        criteria=[
            (MARAC_LABELS.get(c.key, c.key), c)
            for c in (detail.marac.criteria if detail.marac else ())
        ],
        history=sorted(detail.history, key=lambda e: e.on, reverse=True),
        countersign_form=forms.CountersignForm() if may_countersign else None,
    )


@no_personal_data  # answers with a redirect; the assessment's read is logged by its selector
@require_POST
def risk_assessment_countersign(request: HttpRequest, assessment_id: int) -> HttpResponse:
    actor = actor_of(request)
    detail = selectors.assessment_get_for(
        actor=actor, assessment_id=assessment_id, purpose="Countersign a risk assessment"
    )
    form = forms.CountersignForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.assessment_countersign(actor=actor, assessment=detail.assessment, note=note)
    except InvalidTransition as refused:
        messages.success(request, refused.message)
    else:
        messages.success(request, "You have countersigned this risk assessment")
    return redirect("risk_assessment_detail", assessment_id=detail.assessment.pk)


# --- A child's risk ------------------------------------------------------------------------


@reads_personal_data
@require_http_methods(["GET", "POST"])
def risk_child(request: HttpRequest, child_id: int, incident_id: int) -> HttpResponse:
    actor = actor_of(request)
    context = selectors.child_risk_context_for(
        actor=actor, child_id=child_id, incident_id=incident_id
    )
    form = forms.ChildRiskForm(
        _posted(request), initial=forms.ChildRiskForm.initial_from(context.factors)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.child_risk_record(
                actor=actor,
                child=context.child,
                incident=context.incident,
                factors=form.to_factors(adult_grade=context.factors.adult_grade),
                raise_to=form.raise_level(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(request, "The child's risk level has been recorded")
            return redirect("child_detail", child_id=context.child.pk)
    return _page(
        request,
        "risk/child.html",
        form=form,
        context_=context,
        title=f"Risk to {context.child.full_name}",
        back_url=reverse("child_detail", args=[context.child.pk]),
    )


# --- The victim's risk over time ------------------------------------------------------------


@reads_personal_data
@require_http_methods(["GET", "POST"])
def risk_victim(request: HttpRequest, victim_id: int) -> HttpResponse:
    """The victim's grades over time, the changes in their circumstances, whether a new
    assessment is due, and recording a change of circumstances."""
    actor = actor_of(request)
    state = selectors.victim_risk_get_for(actor=actor, victim_id=victim_id)
    form = forms.CircumstanceChangeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.circumstance_record(
                actor=actor,
                victim=state.victim,
                kind=form.cleaned_data["kind"],
                changed_on=form.cleaned_data["changed_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(request, "The change of circumstances has been recorded")
            return redirect("risk_victim", victim_id=state.victim.pk)
    return _page(request, "risk/victim.html", form=form, state=state)


# --- Each area's settings (the service operator's administrators) ----------------------------


@no_personal_data
def risk_area_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.area_settings_list_for(actor=actor_of(request))
    return _page(request, "risk/area_list.html", rows=rows)


@no_personal_data
@require_http_methods(["GET", "POST"])
def risk_area_settings(request: HttpRequest, area_id: int) -> HttpResponse:
    actor = actor_of(request)
    row = selectors.area_settings_get_for(actor=actor, area_id=area_id)
    form = forms.AreaRiskSettingsForm(
        _posted(request), initial=forms.AreaRiskSettingsForm.initial_from(row)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.area_risk_settings_set(actor=actor, area=row.area, **form.cleaned_data)
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(request, f"The risk settings for {row.area.name} have been saved")
            return redirect("risk_area_list")
    return _page(request, "risk/area_settings.html", form=form, row=row)


# --- Sections of the incident's summary and the child's record ------------------------------


def incident_risk_context(actor: Actor, detail: IncidentDetail) -> dict[str, Any]:
    """The incident's checklists, the start button (a police incident with an adult
    victim) and the victim's history of grades."""
    victims = detail.facts.victims
    history = selectors.grade_history_for(actor=actor, victim_id=victims[0].pk) if victims else []
    return {
        "risk_assessments": selectors.assessment_list_for_incident(
            actor=actor, incident_id=detail.incident.pk
        ),
        "may_start_risk": bool(victims) and detail.incident.kind == Incident.Kind.POLICE,
        "grade_history": history,
        "reassessment_prompts": (
            selectors.reassessment_prompts(victim=victims[0], since=history[0] if history else None)
            if victims and detail.incident.status == Incident.Status.SUBMITTED
            else []
        ),
    }


def person_risk_context(actor: Actor, person: Person) -> dict[str, Any]:
    """A victim's history of risk grades on their page."""
    return {"grade_history": selectors.grade_history_for(actor=actor, victim_id=person.pk)}


def child_risk_context(actor: Actor, detail: ChildDetail) -> dict[str, Any]:
    return {"child_risks": selectors.child_risk_history_for(actor=actor, child_id=detail.child.pk)}
