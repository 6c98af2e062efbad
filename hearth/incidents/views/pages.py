"""Reading: an incident's summary, a child's record, and the list of incidents."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hearth.core.actor import Actor
from hearth.core.http import actor_of
from hearth.core.personal_data import reads_personal_data
from hearth.incidents import forms, selectors
from hearth.incidents.selectors import ChildDetail, IncidentDetail
from hearth.incidents.views._common import _is_police

# Contexts above incidents (risk) add sections to these two pages without incidents
# importing them (pyproject.toml's layers): each registers a function giving extra
# template context, read through its own selectors (which write the access log).
INCIDENT_PAGE_EXTRAS: list[Callable[[Actor, IncidentDetail], dict[str, Any]]] = []
CHILD_PAGE_EXTRAS: list[Callable[[Actor, ChildDetail], dict[str, Any]]] = []


def _extras(
    hooks: Sequence[Callable[[Actor, Any], dict[str, Any]]], actor: Actor, detail: Any
) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for hook in hooks:
        context.update(hook(actor, detail))
    return context


@reads_personal_data
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    actor = actor_of(request)
    detail = selectors.incident_get_for(actor=actor, incident_id=incident_id)
    return render(
        request,
        "incidents/detail.html",
        {
            "detail": detail,
            "incident": detail.incident,
            "is_police": _is_police(detail.incident),
            **_extras(INCIDENT_PAGE_EXTRAS, actor, detail),
        },
    )


@reads_personal_data
def child_detail(request: HttpRequest, child_id: int) -> HttpResponse:
    actor = actor_of(request)
    detail = selectors.child_get_for(actor=actor, child_id=child_id, page=request.GET.get("page"))
    return render(
        request,
        "incidents/child_detail.html",
        {"detail": detail, **_extras(CHILD_PAGE_EXTRAS, actor, detail)},
    )


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
        page = selectors.incident_list_for(
            actor=actor, filters=form.filters(), page=request.GET.get("page")
        )
    return render(
        request,
        "incidents/list.html",
        {"form": form, "page": page, "filtered": bool(set(request.GET) - {"page"})},
    )
