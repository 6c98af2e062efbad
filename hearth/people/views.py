"""A person's own page: who they are, their identifiers and where they live."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hearth.core.http import actor_of
from hearth.core.personal_data import reads_personal_data
from hearth.people.selectors import person_get_for


@reads_personal_data
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = person_get_for(actor=actor_of(request), person_id=person_id)
    return render(request, "people/person_detail.html", {"person": person})
