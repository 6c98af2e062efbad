"""Each area's obligation timescales (the service operator's administrators): the list of
local authorities and one area's settings. Configuration, not personal data.

Thin: each page reads through ``area_settings``' selectors (anyone but the service
operator's administrators gets 404) and writes through ``routing_settings_set``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from hearth.core.errors import ValidationFailed
from hearth.core.http import actor_of
from hearth.core.personal_data import no_personal_data
from hearth.obligations import area_settings
from hearth.obligations.settings_forms import RoutingSettingsForm
from hearth.obligations.views._common import posted


@no_personal_data
def obligation_area_list(request: HttpRequest) -> HttpResponse:
    rows = area_settings.routing_settings_list_for(actor=actor_of(request))
    return render(request, "obligations/area_list.html", {"rows": rows})


@no_personal_data
@require_http_methods(["GET", "POST"])
def obligation_area_settings(request: HttpRequest, area_id: int) -> HttpResponse:
    actor = actor_of(request)
    row = area_settings.routing_settings_get_for(actor=actor, area_id=area_id)
    form = RoutingSettingsForm(posted(request), initial=RoutingSettingsForm.initial_from(row))
    if request.method == "POST" and form.is_valid():
        try:
            area_settings.routing_settings_set(actor=actor, area=row.area, **form.cleaned_data)
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(request, f"The timescales for {row.area.name} have been saved")
            return redirect("obligation_area_list")
    return render(request, "obligations/area_settings.html", {"form": form, "row": row})
