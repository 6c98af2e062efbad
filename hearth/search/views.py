"""The search page: a search box and the results the searcher may see, each with why."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from hearth.core.http import actor_of
from hearth.core.personal_data import reads_personal_data
from hearth.search import selectors
from hearth.search.policy import MAX_QUERY_LENGTH


def _page_number(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 6 else 1


@reads_personal_data
def search(request: HttpRequest) -> HttpResponse:
    """``/search/?q=...``: only for whoever sees case content (404 otherwise, like any
    page they have no business on); a search with words in it is logged, results or not."""
    actor = actor_of(request)
    if not selectors.may_search(actor):
        raise Http404("Page not found")
    text = request.GET.get("q", "")[:MAX_QUERY_LENGTH].strip()
    page = None
    links: list[str | None] = []
    if text:
        page = selectors.search_for(
            actor=actor, query=text, page=_page_number(request.GET.get("page"))
        )
        links = [
            reverse(r.link.name, kwargs=r.link.kwargs) if r.link else None for r in page.results
        ]
    return render(
        request,
        "search/results.html",
        {
            "q": text,
            "page": page,
            "rows": list(zip(page.results, links, strict=True)) if page else [],
        },
    )
