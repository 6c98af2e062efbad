"""The service operator's administrators' pages for education settings and term calendars
(issue 6 points 1 and 2): the directory, one setting (its links to Hearth, its
safeguarding leads, which term dates apply), and the term calendars with their terms and
INSET days.

Thin: each page reads through one of ``selectors``' ``*_for`` functions (anyone but the
service operator's administrators gets 404, the same as a page that does not exist) and
writes through one service. Only a setting's page shows people (its DSL and deputies),
so only it is marked as reading personal data; its selector writes the access event.
Buttons that change something post to their own address; asked for with GET, that
address sends the person back to the page the button is on.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from hearth.core.errors import ValidationFailed
from hearth.core.http import actor_of
from hearth.core.personal_data import no_personal_data, reads_personal_data
from hearth.schools import selectors, services
from hearth.schools.forms import (
    DayStartsForm,
    GiasUploadForm,
    InsetDayForm,
    SettingContactForm,
    SettingFilterForm,
    SettingLinkForm,
    TermCalendarForm,
    TermDatesUploadForm,
    TermForm,
)
from hearth.schools.imports import (
    ImportReport,
    UnreadableText,
    decode_text,
    gias_import,
    term_dates_import,
)
from hearth.schools.models import DEFAULT_DAY_STARTS, SettingStatus
from hearth.schools.services import long_date


def _posted(request: HttpRequest) -> Any:
    """The submitted data, or ``None`` for a GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


# --- The directory and one setting ---------------------------------------------------------


@no_personal_data
@require_GET
def school_list(request: HttpRequest) -> HttpResponse:
    filters = SettingFilterForm(request.GET).filters()
    listing = selectors.setting_list_for(
        actor=actor_of(request), page=request.GET.get("page"), **filters
    )
    page = listing.page
    return render(
        request,
        "schools/setting_list.html",
        {
            "listing": listing,
            "page": page,
            "filters": filters,
            "filtered": any(filters.values()),
            "page_links": list(
                page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
            ),
            "ellipsis": Paginator.ELLIPSIS,
            "statuses": SettingStatus.choices,
            "imports_available": True,
        },
    )


@reads_personal_data
@require_GET
def school_detail(request: HttpRequest, urn: str) -> HttpResponse:
    detail = selectors.setting_get_for(actor=actor_of(request), urn=urn)
    return render(request, "schools/setting_detail.html", {"detail": detail, "s": detail.setting})


@no_personal_data
@require_http_methods(["GET", "POST"])
def school_links(request: HttpRequest, urn: str) -> HttpResponse:
    actor = actor_of(request)
    setting = selectors.setting_for_change(actor=actor, urn=urn)
    choices = selectors.setting_link_choices_for(actor=actor)
    form = SettingLinkForm(
        _posted(request),
        initial=SettingLinkForm.initial_from(setting),
        agencies=choices.agencies,
        dsl_teams=choices.dsl_teams,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.setting_link_set(actor=actor, setting=setting, **form.links())
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(request, f"{setting.name}'s links to Hearth have been saved")
            return redirect("school_detail", urn=setting.urn)
    return render(request, "schools/setting_links.html", {"form": form, "s": setting})


@no_personal_data
@require_http_methods(["GET", "POST"])
def school_contact_add(request: HttpRequest, urn: str) -> HttpResponse:
    actor = actor_of(request)
    setting = selectors.setting_for_change(actor=actor, urn=urn)
    form = SettingContactForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        user = selectors.user_by_email_for(actor=actor, email=form.cleaned_data["email"])
        try:
            if user is None:
                raise ValidationFailed.from_fields(
                    {"email": ["Enter the email address of someone who has a Hearth account"]}
                )
            services.setting_contact_add(
                actor=actor, setting=setting, user=user, role=form.cleaned_data["role"]
            )
        except ValidationFailed as failure:
            form.add_failure(failure.renamed(lambda f: "email" if f == "user" else f))
        else:
            messages.success(request, f"{user.email} has been added to {setting.name}")
            return redirect("school_detail", urn=setting.urn)
    return render(request, "schools/setting_contact_add.html", {"form": form, "s": setting})


@no_personal_data
@require_http_methods(["GET", "POST"])
def school_contact_end(request: HttpRequest, urn: str, contact_id: int) -> HttpResponse:
    actor = actor_of(request)
    contact = selectors.setting_contact_get_for(actor=actor, urn=urn, contact_id=contact_id)
    if request.method == "POST":
        services.setting_contact_end(actor=actor, contact=contact)
        messages.success(
            request, f"{contact.get_role_display()} contact ended for {contact.setting.name}"
        )
    return redirect("school_detail", urn=urn)


@no_personal_data
@require_http_methods(["GET", "POST"])
def school_calendar_create(request: HttpRequest, urn: str) -> HttpResponse:
    """A setting's own term calendar, empty (its terms are added to it)."""
    actor = actor_of(request)
    setting = selectors.setting_for_change(actor=actor, urn=urn)
    if request.method != "POST":
        return redirect("school_detail", urn=urn)
    try:
        calendar = services.term_calendar_create(
            actor=actor,
            setting=setting,
            name=f"{setting.name} term dates",
            day_starts=DEFAULT_DAY_STARTS,
        )
    except ValidationFailed as failure:
        messages.error(request, failure.message)
        return redirect("school_detail", urn=urn)
    messages.success(request, f"{setting.name} now has its own term calendar: add its terms")
    return redirect("term_calendar_detail", calendar_id=calendar.pk)


# --- Term calendars ------------------------------------------------------------------------


@no_personal_data
@require_GET
def term_calendar_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    rows = selectors.calendar_list_for(actor=actor)
    without = selectors.local_authorities_without_calendar_for(actor=actor)
    return render(request, "schools/calendar_list.html", {"rows": rows, "without": without})


@no_personal_data
@require_http_methods(["GET", "POST"])
def term_calendar_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    areas = selectors.local_authorities_without_calendar_for(actor=actor)
    form = TermCalendarForm(
        _posted(request),
        initial={"day_starts": DEFAULT_DAY_STARTS.strftime("%H:%M")},
        local_authorities=areas,
    )
    if request.method == "POST" and form.is_valid():
        try:
            calendar = services.term_calendar_create(
                actor=actor,
                local_authority=form.area(),
                name=form.cleaned_data["name"],
                day_starts=form.cleaned_data["day_starts"],
            )
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(request, f"{calendar.name} has been created: add its terms")
            return redirect("term_calendar_detail", calendar_id=calendar.pk)
    return render(request, "schools/calendar_create.html", {"form": form, "areas": areas})


@no_personal_data
@require_GET
def term_calendar_detail(request: HttpRequest, calendar_id: int) -> HttpResponse:
    detail = selectors.calendar_get_for(actor=actor_of(request), calendar_id=calendar_id)
    return render(request, "schools/calendar_detail.html", {"detail": detail, "c": detail.calendar})


def _calendar_form_page(
    request: HttpRequest,
    calendar_id: int,
    *,
    form_class: type[Any],
    template: str,
    change: Any,
    done: Any,
    initial: Any = None,
) -> HttpResponse:
    """A page with one form that changes a calendar: on success, back to the calendar with
    a message; on a refusal, the same page with the service's words on its fields."""
    actor = actor_of(request)
    detail = selectors.calendar_get_for(actor=actor, calendar_id=calendar_id)
    form = form_class(_posted(request), initial=initial(detail.calendar) if initial else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = change(actor, detail.calendar, form.cleaned_data)
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(request, done(form.cleaned_data, result))
            return redirect("term_calendar_detail", calendar_id=calendar_id)
    return render(request, template, {"form": form, "c": detail.calendar})


@no_personal_data
@require_http_methods(["GET", "POST"])
def term_calendar_day_starts(request: HttpRequest, calendar_id: int) -> HttpResponse:
    return _calendar_form_page(
        request,
        calendar_id,
        form_class=DayStartsForm,
        template="schools/calendar_day_starts.html",
        initial=lambda c: {"day_starts": c.day_starts.strftime("%H:%M")},
        change=lambda actor, c, data: services.term_calendar_day_starts_set(
            actor=actor, calendar=c, day_starts=data["day_starts"]
        ),
        done=lambda data, _: f"The school day now starts at {data['day_starts']:%H:%M}",
    )


@no_personal_data
@require_http_methods(["GET", "POST"])
def term_add(request: HttpRequest, calendar_id: int) -> HttpResponse:
    return _calendar_form_page(
        request,
        calendar_id,
        form_class=TermForm,
        template="schools/term_add.html",
        change=lambda actor, c, data: services.term_period_add(actor=actor, calendar=c, **data),
        done=lambda data, term: (
            f"{term.name} has been added: {long_date(term.starts_on)} to {long_date(term.ends_on)}"
        ),
    )


@no_personal_data
@require_http_methods(["GET", "POST"])
def term_remove(request: HttpRequest, calendar_id: int, term_id: int) -> HttpResponse:
    actor = actor_of(request)
    term = selectors.calendar_get_for(actor=actor, calendar_id=calendar_id).term(term_id)
    if request.method == "POST":
        removed = services.term_period_remove(actor=actor, term=term)
        extra = f" with its {len(removed)} INSET day{'s' if len(removed) != 1 else ''}"
        messages.success(request, f"{term.name} has been removed{extra if removed else ''}")
    return redirect("term_calendar_detail", calendar_id=calendar_id)


@no_personal_data
@require_http_methods(["GET", "POST"])
def inset_day_add(request: HttpRequest, calendar_id: int) -> HttpResponse:
    return _calendar_form_page(
        request,
        calendar_id,
        form_class=InsetDayForm,
        template="schools/inset_day_add.html",
        change=lambda actor, c, data: services.inset_day_add(actor=actor, calendar=c, **data),
        done=lambda data, inset: f"{long_date(inset.day)} has been added as an INSET day",
    )


@no_personal_data
@require_http_methods(["GET", "POST"])
def inset_day_remove(request: HttpRequest, calendar_id: int, inset_day_id: int) -> HttpResponse:
    actor = actor_of(request)
    inset = selectors.calendar_get_for(actor=actor, calendar_id=calendar_id).inset_day(inset_day_id)
    if request.method == "POST":
        services.inset_day_remove(actor=actor, inset_day=inset)
        messages.success(request, f"{long_date(inset.day)} is no longer an INSET day")
    return redirect("term_calendar_detail", calendar_id=calendar_id)


# --- Uploads -------------------------------------------------------------------------------
# The imports check the whole file first and change nothing if any line has a problem, so
# a refused file is shown with every problem at once, to fix and upload again.


def _refused(form: Any, report: ImportReport) -> None:
    for problem in report.problems:
        form.add_error("file", str(problem))


@no_personal_data
@require_http_methods(["GET", "POST"])
def school_import(request: HttpRequest) -> HttpResponse:
    """Upload a "Get Information About Schools" establishment file."""
    actor = actor_of(request)
    selectors.manager_check(actor=actor)
    form = GiasUploadForm(_posted(request), request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            text = decode_text(form.cleaned_data["file"].read())
        except UnreadableText as error:
            form.add_error("file", str(error.problem))
        else:
            found = gias_import(actor=actor, text=text)
            if found.problems:
                _refused(form, found)
            else:
                report = found
    return render(request, "schools/gias_import.html", {"form": form, "report": report})


@no_personal_data
@require_http_methods(["GET", "POST"])
def term_dates_import_page(request: HttpRequest, calendar_id: int) -> HttpResponse:
    """Upload a calendar's term dates and INSET days as CSV or ICS."""
    actor = actor_of(request)
    detail = selectors.calendar_get_for(actor=actor, calendar_id=calendar_id)
    form = TermDatesUploadForm(_posted(request), request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            found = term_dates_import(
                actor=actor,
                calendar=detail.calendar,
                text=decode_text(data["file"].read()),
                file_format=data["file_format"],
                replace_from=data["replace_from"],
            )
        except UnreadableText as error:
            form.add_error("file", str(error.problem))
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            if found.problems:
                _refused(form, found)
            else:
                report = found
    return render(
        request,
        "schools/term_dates_import.html",
        {"form": form, "report": report, "c": detail.calendar},
    )
