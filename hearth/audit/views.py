"""The access log search page for administrators, and its CSV export."""

from __future__ import annotations

import rules
from allauth.account.decorators import reauthentication_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render

from hearth.audit.csv_export import access_log_csv
from hearth.audit.forms import AccessLogSearchForm
from hearth.audit.selectors import (
    AccessLogSearch,
    access_event_export,
    access_event_search,
    record_kind,
)
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.http import actor_of
from hearth.core.personal_data import reads_personal_data

# The search's own fields: the export's link carries them and nothing else.
SEARCH_FIELDS = ("who", "record_type", "record_id", "date_from", "date_to")


@reads_personal_data
def access_log(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Who looked at what. Others get the same 404 as for a page that does not exist.
    With ``export=csv``, every event the search finds as a CSV file (logged as an
    export); the page itself is logged as a search."""
    actor = actor_of(request)
    if not rules.test_rule("audit.search_access_log", actor):
        raise Http404("Page not found")
    return _access_log(request, actor=actor)


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@reauthentication_required
def _access_log(request: HttpRequest, *, actor: Actor) -> HttpResponse | StreamingHttpResponse:
    # Sensitive: allauth asks for the password again unless the person signed in recently.
    terms = {k: str(v) for k, v in request.GET.items() if k in SEARCH_FIELDS}
    form = AccessLogSearchForm(terms or None)
    page = None
    if not form.is_bound or form.is_valid():
        criteria = form.cleaned_data if form.is_bound else {}
        search = AccessLogSearch(**criteria)
        if request.GET.get("export") == "csv":
            events = access_event_export(actor=actor, search=search)
            response = StreamingHttpResponse(
                access_log_csv(events, record_kind), content_type="text/csv; charset=utf-8"
            )
            stamp = clock.now().strftime("%Y-%m-%d-%H%M")
            response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
            return response
        page = access_event_search(actor=actor, search=search, page=_page_number(request))
    return render(
        request,
        "audit/access_log.html",
        {"form": form, "page": page, "export_query": _export_query(terms)},
    )


def _export_query(terms: dict[str, str]) -> str:
    """The export's link: the search's terms (only those given), and ``export=csv``."""
    query = QueryDict(mutable=True)
    query.update({k: v for k, v in terms.items() if v})
    query["export"] = "csv"
    return query.urlencode()
