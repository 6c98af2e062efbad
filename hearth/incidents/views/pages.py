"""Reading: an incident's summary, a child's record, and the list of incidents."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hearth.core.http import actor_of
from hearth.core.personal_data import reads_personal_data
from hearth.incidents import forms, selectors
from hearth.incidents.views._common import _is_police


@reads_personal_data
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    detail = selectors.incident_get_for(actor=actor_of(request), incident_id=incident_id)
    return render(
        request,
        "incidents/detail.html",
        {"detail": detail, "incident": detail.incident, "is_police": _is_police(detail.incident)},
    )


@reads_personal_data
def child_detail(request: HttpRequest, child_id: int) -> HttpResponse:
    detail = selectors.child_get_for(actor=actor_of(request), child_id=child_id)
    return render(request, "incidents/child_detail.html", {"detail": detail})


@reads_personal_data
def incident_list(request: HttpRequest) -> HttpResponse:
    """The incidents the person may see (all the force's for public protection, their
    own for a response officer, their own concerns for another agency), filtered."""
    actor = actor_of(request)
    form = forms.IncidentFilterForm(
        request.GET or None,
        initial={"children": forms.ANY},
        local_authorities=selectors.local_authority_choices(),
    )
    page = None
    if not form.is_bound or form.is_valid():
        page = selectors.incident_list_for(actor=actor, filters=form.filters())
    return render(
        request,
        "incidents/list.html",
        {"form": form, "page": page, "filtered": form.is_bound},
    )
