"""MARAC pages, for the MARAC's own agency only (anyone else: 404, as if missing): its
meetings and the referrals waiting to be heard, scheduling and changing a meeting, a
meeting's agenda, adding a referral to a meeting, moving or removing a case, a case and
the record of its hearing. Thin: each reads through ``selectors`` and writes through
``services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from hearth.accounts.views import HomeAction, WaitingCount
from hearth.core.actor import Actor, Role
from hearth.core.dates import govuk_date
from hearth.core.errors import ValidationFailed
from hearth.core.http import actor_of
from hearth.core.personal_data import no_personal_data, reads_personal_data
from hearth.marac import forms, selectors, services
from hearth.obligations.views._common import posted

# The action rows the hearing's form shows at first; "Add another action" adds one.
FIRST_ROWS = 3


def home_actions(actor: Actor) -> list[HomeAction]:
    """The MARAC coordinator's main work on the home page (``HOME_ACTIONS``, issue 17):
    the meetings, with the referrals waiting to be heard (the count the meetings page
    lists) and the next meeting's cases on its agenda. Counts and a date only."""
    if not actor.has_role(Role.MARAC_COORDINATOR):
        return []
    work = selectors.work_for(actor=actor)
    if work is None:
        return []
    meetings_url = reverse("marac_meetings")
    waiting = [
        WaitingCount(
            words=f"referral{'s' if work.waiting != 1 else ''} waiting to be heard",
            count=work.waiting,
            url=f"{meetings_url}#waiting",
        )
    ]
    if work.next_meeting_id is not None and work.next_meeting_on is not None:
        waiting.append(
            WaitingCount(
                words=(
                    f"case{'s' if work.next_meeting_cases != 1 else ''} on the agenda of the "
                    f"next meeting, {govuk_date(work.next_meeting_on, weekday=True)}"
                ),
                count=work.next_meeting_cases,
                url=reverse("marac_meeting", args=[work.next_meeting_id]),
            )
        )
    return [HomeAction(label="MARAC meetings", url=meetings_url, waiting=tuple(waiting), order=10)]


def obligation_page_context(actor: Actor, detail: Any) -> dict[str, Any]:
    """A MARAC referral's page (``OBLIGATION_PAGE_EXTRAS``), for the MARAC it was sent to:
    the meeting that heard it or has it on its agenda, or "Add to a meeting"."""
    where = selectors.referral_at_marac(actor=actor, obligation=detail.obligation)
    if where is None:
        return {}
    if where.case is not None:
        meeting_on = f"{where.case.meeting.held_on:%-d %B %Y}"
        text = (
            f"Heard at the MARAC meeting on {meeting_on}: the case and its actions"
            if where.case.is_heard
            else f"On the agenda of the MARAC meeting on {meeting_on}"
        )
        return {"page_links": [{"url": reverse("marac_case", args=[where.case.pk]), "text": text}]}
    if where.may_add:
        url = reverse("marac_referral_add", args=[detail.obligation.pk])
        return {"page_links": [{"url": url, "text": "Add to a MARAC meeting"}]}
    return {}


# --- Meetings -----------------------------------------------------------------------------


@reads_personal_data
def meetings(request: HttpRequest) -> HttpResponse:
    page = selectors.meetings_for(actor=actor_of(request))
    return render(request, "marac/meetings.html", {"page": page})


@no_personal_data
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    selectors.meetings_for(actor=actor, with_waiting=False)  # the MARAC's only (else 404)
    form = forms.MeetingForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(actor=actor, **form.cleaned_data)
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(request, f"The meeting on {meeting.held_on:%-d %B %Y} is scheduled")
            return redirect("marac_meeting", meeting_id=meeting.pk)
    return render(request, "marac/meeting_form.html", {"form": form, "meeting": None})


@no_personal_data
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = actor_of(request)
    meeting = selectors.meeting_only(actor=actor, meeting_id=meeting_id)
    initial = {
        "held_on": meeting.held_on,
        "starts_at": f"{meeting.starts_at:%H:%M}",
        "format": meeting.format,
        "place": meeting.place,
    }
    form = forms.MeetingForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(actor=actor, meeting=meeting, **form.cleaned_data)
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(request, "The meeting has been changed")
            return redirect("marac_meeting", meeting_id=meeting.pk)
    return render(request, "marac/meeting_form.html", {"form": form, "meeting": meeting})


@no_personal_data  # answers with a redirect
@require_POST
def meeting_cancel(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = actor_of(request)
    meeting = selectors.meeting_only(actor=actor, meeting_id=meeting_id)
    try:
        services.meeting_cancel(actor=actor, meeting=meeting)
    except ValidationFailed as failure:
        messages.error(request, failure.message)
    else:
        messages.success(request, "The meeting has been cancelled: its cases wait for another")
    return redirect("marac_meeting", meeting_id=meeting_id)


@reads_personal_data
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    view = selectors.meeting_get_for(actor=actor_of(request), meeting_id=meeting_id)
    return render(request, "marac/meeting.html", {"view": view, "meeting": view.meeting})


# --- The agenda ---------------------------------------------------------------------------------


@reads_personal_data
@require_http_methods(["GET", "POST"])
def referral_add(request: HttpRequest, obligation_id: int) -> HttpResponse:
    """Add a referral waiting to be heard to one of the MARAC's scheduled meetings."""
    actor = actor_of(request)
    found = selectors.referral_for_agenda(actor=actor, obligation_id=obligation_id)
    form = forms.ChooseMeetingForm(posted(request), meetings=found.meetings)
    if request.method == "POST" and form.is_valid():
        meeting = next(m for m in found.meetings if m.pk == form.cleaned_data["meeting"])
        try:
            services.case_add(actor=actor, meeting=meeting, referral_obligation_id=obligation_id)
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(
                request,
                f"{found.referral.subject.full_name} is on the agenda of the meeting on "
                f"{meeting.held_on:%-d %B %Y}",
            )
            return redirect("marac_meeting", meeting_id=meeting.pk)
    return render(request, "marac/referral_add.html", {"found": found, "form": form})


@reads_personal_data
@require_http_methods(["GET", "POST"])
def case_move(request: HttpRequest, case_id: int) -> HttpResponse:
    """Move a case not yet heard to another scheduled meeting (deferred)."""
    actor = actor_of(request)
    view = selectors.case_get_for(actor=actor, case_id=case_id)
    meetings = [m for m in selectors.scheduled_meetings(actor=actor) if m.pk != view.meeting.pk]
    form = forms.ChooseMeetingForm(
        posted(request), meetings=meetings, label="Which meeting should hear it instead?"
    )
    if request.method == "POST" and form.is_valid():
        meeting = next(m for m in meetings if m.pk == form.cleaned_data["meeting"])
        try:
            moved = services.case_move(actor=actor, case=view.case, to_meeting=meeting)
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(
                request, f"The case is moved to the meeting on {meeting.held_on:%-d %B %Y}"
            )
            return redirect("marac_meeting", meeting_id=moved.meeting_id)
    return render(request, "marac/case_move.html", {"view": view, "form": form})


@no_personal_data  # answers with a redirect; the case's read is logged by its page
@require_POST
def case_remove(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = actor_of(request)
    case = selectors.case_acting(actor=actor, case_id=case_id)
    try:
        services.case_remove(actor=actor, case=case)
    except ValidationFailed as failure:
        messages.error(request, failure.message)
        return redirect("marac_case", case_id=case_id)
    messages.success(request, "The case is taken off the agenda: the referral waits for a meeting")
    return redirect("marac_meeting", meeting_id=case.meeting_id)


# --- A case ---------------------------------------------------------------------------


@reads_personal_data
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    view = selectors.case_get_for(actor=actor_of(request), case_id=case_id)
    return render(request, "marac/case.html", {"view": view, "case": view.case})


def _rows(request: HttpRequest) -> int:
    """How many action rows the form has (its hidden count, bounded)."""
    try:
        rows = int(request.POST.get("rows", FIRST_ROWS))
    except ValueError:
        rows = FIRST_ROWS
    return max(1, min(rows, 30))


@reads_personal_data
@require_http_methods(["GET", "POST"])
def case_hear(request: HttpRequest, case_id: int) -> HttpResponse:
    """The record of the case's hearing: attendance, risks, the children confirmed and the
    action plan. Without JavaScript the form shows three action rows, and "Add another
    action" shows the same form again with one more (nothing is checked or saved)."""
    actor = actor_of(request)
    view = selectors.case_get_for(actor=actor, case_id=case_id, purpose="Record a MARAC hearing")
    options = selectors.hear_options(view)
    children = [(c.child_id, c.child.full_name) for c in view.children]
    data = posted(request)
    adding = data is not None and "add_row" in data
    rows = _rows(request) + (1 if adding else 0) if data is not None else FIRST_ROWS
    initial = {"child_ids": [pk for pk, _ in children]}
    form = forms.HearForm(data, agencies=options.agencies, children=children, initial=initial)
    actions = [
        forms.ActionForm(data, number=n, people=view.people(), teams=options.teams)
        for n in range(rows)
    ]
    if data is not None and not adding and not view.case.is_heard:
        valid = all([form.is_valid(), *[a.is_valid() for a in actions]])
        if valid:
            try:
                services.case_hear(
                    actor=actor,
                    case=view.case,
                    attended_agency_ids=form.cleaned_data["attended_agency_ids"],
                    risks=form.cleaned_data["risks"],
                    child_ids=form.cleaned_data["child_ids"],
                    unconfirmed_reason=form.cleaned_data["unconfirmed_reason"],
                    note=form.cleaned_data["note"],
                    actions=[a.action() for a in actions],
                )
            except ValidationFailed as failure:
                forms.hear_failure(failure, form, actions)
            else:
                messages.success(
                    request,
                    f"The case is heard: {view.victim.full_name}'s referral is closed and each "
                    "action is sent to its team",
                )
                return redirect("marac_case", case_id=case_id)
    elif adding:
        # Another row, and nothing checked yet: what was typed is kept, with no errors.
        for bound in [form, *actions]:
            bound.is_valid()
            bound._errors = ErrorDict()  # type: ignore[attr-defined]
    errors = _error_links(form, actions) if data is not None and not adding else []
    return render(
        request,
        "marac/case_hear.html",
        {
            "view": view,
            "case": view.case,
            "form": form,
            "actions": actions,
            "rows": rows,
            "error_links": errors,
            "adding": adding,
        },
    )


def _error_links(form: forms.HearForm, actions: list[forms.ActionForm]) -> list[tuple[str, str]]:
    links = form.error_links()
    for row in actions:
        for href, message in row.error_links():
            links.append((href, f"Action {row.number + 1}: {message}"))
    return links
