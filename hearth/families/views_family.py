"""The family page: who Hearth's records connect to a person, each member's work across
agencies, risk over time and the incidents in order, as far as the viewer may see (the
rest counted, never named). Thin: one selector, ``family_page.family_page_for``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hearth.core.http import actor_of
from hearth.core.personal_data import reads_personal_data
from hearth.families.family_page import family_page_for
from hearth.families.selectors import plan_links_for


@reads_personal_data
def family_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = actor_of(request)
    page = family_page_for(actor=actor, person_id=person_id)
    plans = plan_links_for(actor=actor, person_ids=[m.person.pk for m in page.members])
    return render(
        request, "families/family.html", {"family": page, "person": page.person, "plans": plans}
    )
