"""A person's own page: who they are, their identifiers and where they live."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hearth.core.actor import Actor
from hearth.core.http import actor_of
from hearth.core.personal_data import reads_personal_data
from hearth.people.models import Person
from hearth.people.selectors import person_get_for

# Contexts above people (risk) add sections to a person's page through this hook, so
# that people never imports them (pyproject.toml's layers).
PERSON_PAGE_EXTRAS: list[Callable[[Actor, Person], dict[str, Any]]] = []


@reads_personal_data
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = actor_of(request)
    person = person_get_for(actor=actor, person_id=person_id)
    extras: dict[str, Any] = {}
    for extra in PERSON_PAGE_EXTRAS:
        extras.update(extra(actor, person))
    return render(request, "people/person_detail.html", {"person": person, **extras})
