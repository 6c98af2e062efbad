"""The access log search page for administrators."""

from __future__ import annotations

import rules
from allauth.account.decorators import reauthentication_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from hearth.audit.forms import AccessLogSearchForm
from hearth.audit.selectors import AccessLogSearch, access_event_search
from hearth.core.actor import Actor
from hearth.core.http import actor_of
from hearth.core.personal_data import reads_personal_data


@reads_personal_data
def access_log(request: HttpRequest) -> HttpResponse:
    """Who looked at what. Others get the same 404 as for a page that does not exist."""
    actor = actor_of(request)
    if not rules.test_rule("audit.search_access_log", actor):
        raise Http404("Page not found")
    return _access_log(request, actor=actor)


@reauthentication_required
def _access_log(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    # Sensitive: allauth asks for the password again unless the person signed in recently.
    form = AccessLogSearchForm(request.GET or None)
    page = None
    if not form.is_bound or form.is_valid():
        criteria = form.cleaned_data if form.is_bound else {}
        page = access_event_search(actor=actor, search=AccessLogSearch(**criteria))
    return render(request, "audit/access_log.html", {"form": form, "page": page})
