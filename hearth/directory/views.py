"""The directory's pages (issue 13 §1): every signed-in person may browse the services;
a provider (a specialist practitioner or administrator of the agency that keeps an
organisation) keeps its entries and capacity current and confirms them; the service
operator's administrators add organisations and services and import directories.

Thin: each page reads through ``selectors`` and writes through one service; a service
someone may not change is a 404, as a page that does not exist. No page shows personal
data (a service's history names organisations, not people), so every page is marked
``no_personal_data``. Buttons that change something post to their own address.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from hearth.core.errors import NotFound, NotPermitted, ValidationFailed
from hearth.core.http import actor_of
from hearth.core.personal_data import no_personal_data
from hearth.directory import rules, selectors, services
from hearth.directory.forms import ImportForm, OrganisationForm, ServiceForm
from hearth.directory.importing import (
    FetchFailed,
    Outcome,
    directory_import,
    fetch_feed,
    read_document,
)
from hearth.directory.models import Delivery, Eligible
from hearth.directory.oruk import RowError


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _service(service_id: str) -> Any:
    try:
        return selectors.service_get(service_id)
    except NotFound:
        raise Http404("Page not found") from None


@no_personal_data
@require_GET
def directory_home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    everything = list(selectors.service_list())
    mine = (
        [s for s in everything if selectors.keeps(actor, s)]
        if not actor.is_host_administrator
        else []
    )
    return render(
        request,
        "directory/home.html",
        {
            "services": everything,
            "mine": mine,
            "lapsed": {s.pk for s in mine if s.unconfirmed_since(services.today())},
            "may_add": rules.may_add(actor),
            "may_import": rules.may_import(actor),
        },
    )


@no_personal_data
@require_GET
def service_detail(request: HttpRequest, service_id: str) -> HttpResponse:
    actor = actor_of(request)
    service = _service(service_id)
    keeps = selectors.keeps(actor, service)
    return render(
        request,
        "directory/service_detail.html",
        {
            "service": service,
            "keeps": keeps,
            "history": selectors.service_history(service) if keeps else [],
            "eligible_labels": [
                Eligible(c).label for c in service.eligible if c in Eligible.values
            ],
            "delivery_labels": [
                Delivery(c).label for c in service.delivery if c in Delivery.values
            ],
            "unconfirmed_since": service.unconfirmed_since(services.today()),
        },
    )


@no_personal_data
@require_http_methods(["GET", "POST"])
def service_change(request: HttpRequest, service_id: str) -> HttpResponse:
    actor = actor_of(request)
    service = _service(service_id)
    if not selectors.keeps(actor, service):
        raise Http404("Page not found")
    agency_id = service.organisation.agency_id
    form = ServiceForm(
        _posted(request),
        initial=ServiceForm.initial_for(service),
        areas=selectors.area_choices(),
        teams=selectors.team_choices(agency_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.service_update(
                actor=actor,
                service=service,
                areas=selectors.areas_by_id(form.area_ids()),
                team=selectors.team_of(agency_id, form.team_id()),
                **form.values(),
            )
        except ValidationFailed as failure:
            form.add_failure(failure)
        except NotFound:
            raise Http404("Page not found") from None
        else:
            messages.success(request, f"{service.name} has been updated and confirmed")
            return redirect("directory_service", service_id=service.pk)
    return render(request, "directory/service_change.html", {"form": form, "service": service})


@no_personal_data
@require_http_methods(["GET", "POST"])
def service_confirm(request: HttpRequest, service_id: str) -> HttpResponse:
    if request.method == "GET":
        return redirect("directory_service", service_id=service_id)
    actor = actor_of(request)
    service = _service(service_id)
    try:
        services.service_confirm(actor=actor, service=service)
    except NotFound:
        raise Http404("Page not found") from None
    messages.success(request, f"{service.name} has been confirmed as right today")
    return redirect("directory_service", service_id=service.pk)


@no_personal_data
@require_http_methods(["GET", "POST"])
def service_add(request: HttpRequest, organisation_id: str) -> HttpResponse:
    actor = actor_of(request)
    try:
        organisation = selectors.organisation_get_for(actor, organisation_id)
    except NotFound:
        raise Http404("Page not found") from None
    if not (rules.may_add(actor) or rules.may_keep(actor, organisation.agency_id)):
        raise Http404("Page not found")
    form = ServiceForm(
        _posted(request),
        initial={"open_to_referrals": "yes", "status": "active", "free": "yes"},
        areas=selectors.area_choices(),
        teams=selectors.team_choices(organisation.agency_id),
    )
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            service = services.service_create(
                actor=actor,
                organisation=organisation,
                areas=selectors.areas_by_id(form.area_ids()),
                team=selectors.team_of(organisation.agency_id, form.team_id()),
                **values,
            )
        except ValidationFailed as failure:
            form.add_failure(failure)
        except NotPermitted:
            raise Http404("Page not found") from None
        else:
            messages.success(request, f"{service.name} has been added to the directory")
            return redirect("directory_service", service_id=service.pk)
    return render(
        request, "directory/service_add.html", {"form": form, "organisation": organisation}
    )


@no_personal_data
@require_http_methods(["GET", "POST"])
def organisation_add(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not actor.is_host_administrator:
        raise Http404("Page not found")
    form = OrganisationForm(_posted(request), agencies=selectors.provider_agency_choices())
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        agency = selectors.provider_agency(int(c["agency"]))
        try:
            org = services.organisation_create(
                actor=actor,
                name=c["name"],
                description=c["description"],
                email=c["email"],
                url=c["url"],
                agency=agency,
            )
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(request, f"{org.name} has been added: now add its services")
            return redirect("directory_service_add", organisation_id=org.pk)
    return render(request, "directory/organisation_add.html", {"form": form})


@no_personal_data
@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not rules.may_add(actor):
        raise Http404("Page not found")
    return render(
        request,
        "directory/organisation_list.html",
        {"organisations": selectors.organisation_choices_for(actor)},
    )


@no_personal_data
@require_http_methods(["GET", "POST"])
def directory_import_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not rules.may_import(actor):
        raise Http404("Page not found")
    form = ImportForm(_posted(request), request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload, url = form.cleaned_data.get("file"), form.cleaned_data.get("url")
        try:
            if upload:
                rows = read_document(upload.read())
                source = f"file:{upload.name}"
            else:
                rows = fetch_feed(str(url))
                source = str(url).split("?")[0]
        except RowError as error:
            form.add_error("file", f"The file cannot be read: {error}")
        except FetchFailed as error:
            form.add_error("url", f"{error}. Check the address and try again")
        else:
            report = directory_import(actor=actor, rows=rows, source=source)
            if report.ok:
                messages.success(
                    request,
                    f"Imported: {report.count(Outcome.IMPORTED)} new, "
                    f"{report.count(Outcome.CHANGED)} changed, "
                    f"{report.count(Outcome.UNCHANGED)} unchanged",
                )
    return render(
        request,
        "directory/import.html",
        {"form": form, "report": report, "outcomes": Outcome},
    )
