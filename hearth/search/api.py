"""API: ``GET /search``, the same search as the page (``search.selectors.search_for``):
the same records, the same reasons, the same access event."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from hearth.core.api import ERROR_RESPONSES, api_actor
from hearth.core.personal_data import reads_personal_data
from hearth.search import selectors
from hearth.search.policy import MAX_QUERY_LENGTH, MAX_RESULTS, PAGE_SIZE

router = Router(tags=["search"])


class SearchIn(Schema):
    """A search's query parameters."""

    q: str = Field(
        ...,
        min_length=1,
        max_length=MAX_QUERY_LENGTH,
        description=(
            "A name (spelling slips are forgiven), a date of birth (12/03/2016 or "
            "2016-03-12), an incident reference or Hearth id, or part of a school's name."
        ),
    )
    page: int = Field(1, ge=1, le=MAX_RESULTS // PAGE_SIZE, description="The page of results.")


class SearchResultOut(Schema):
    kind: str = Field(..., description="child, adult or incident")
    id: int = Field(..., description="The person's or incident's id.")
    title: str
    summary: str
    why: list[str] = Field(..., description="Why you may see it.")
    path: str | None = Field(None, description="The page where you may read it.")
    exact: bool


class SearchOut(Schema):
    q: str
    total: int = Field(..., description=f"How many results, at most {MAX_RESULTS}.")
    capped: bool = Field(..., description="More matched than are given: narrow the search.")
    page: int
    pages: int
    results: list[SearchResultOut]


@router.get(
    "/search",
    response={200: SearchOut, **ERROR_RESPONSES},
    summary="Search for children, adults and incidents",
)
@reads_personal_data
def search(request: HttpRequest, filters: Query[SearchIn]) -> SearchOut:
    """The children, adults and incidents you may see that the words find, best first,
    20 a page, each with why you may see it (an access-logged search, even when nothing
    is found). Administrators and analysts find nothing."""
    found = selectors.search_for(actor=api_actor(request), query=filters.q, page=filters.page)
    return SearchOut(
        q=found.query.text,
        total=found.total,
        capped=found.capped,
        page=found.page,
        pages=found.pages,
        results=[
            SearchResultOut(
                kind=r.kind,
                id=r.record_id,
                title=r.title,
                summary=r.summary,
                why=r.why,
                path=reverse(r.link.name, kwargs=r.link.kwargs) if r.link else None,
                exact=r.exact,
            )
            for r in found.results
        ],
    )
