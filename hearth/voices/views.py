"""The child's voice pages: every entry about a child, and the form to record one. Thin:
each reads through ``selectors`` (``NotFound`` for anyone who may not see the child, as if
missing) and writes through ``services``. The hooks below add a link and the latest
entries to the child's pages (registered from ``VoicesConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from hearth.core.actor import Actor
from hearth.core.errors import NotFound, ValidationFailed
from hearth.core.http import actor_of
from hearth.core.personal_data import reads_personal_data
from hearth.obligations.views._common import posted
from hearth.voices import forms, selectors, services

LATEST = 3  # entries shown on the child's pages


def _name(child: Any) -> str:
    return str(child.given_names or child.full_name)


@reads_personal_data
def voice_list(request: HttpRequest, child_id: int) -> HttpResponse:
    voice = selectors.voices_for_child(actor=actor_of(request), child_id=child_id)
    return render(request, "voices/voice_list.html", {"voice": voice, "child": voice.child})


@reads_personal_data
@require_http_methods(["GET", "POST"])
def voice_new(request: HttpRequest, child_id: int) -> HttpResponse:
    actor = actor_of(request)
    child = selectors.voice_child_for(actor=actor, child_id=child_id)
    form = forms.VoiceForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.voice_record(actor=actor, child_id=child.pk, **form.cleaned_data)
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(request, f"What {_name(child)} said has been recorded")
            return redirect("voice_list", child_id=child.pk)
    return render(request, "voices/voice_form.html", {"child": child, "form": form})


# --- Hooks: the child's page and safeguarding record -------------------------------------


def _latest_section(actor: Actor, child_id: int) -> dict[str, Any] | None:
    """The latest entries and the links, for whoever may see the child; ``None`` for
    anyone else."""
    try:
        voice = selectors.voices_for_child(
            actor=actor,
            child_id=child_id,
            limit=LATEST,
            purpose="View what a child said on their record",
            log_empty=False,
        )
    except NotFound:
        return None
    return {
        "template": "voices/_latest.html",
        "child": voice.child,
        "entries": voice.entries,
        "list_url": reverse("voice_list", args=[child_id]),
        "new_url": reverse("voice_new", args=[child_id]),
    }


def child_page_context(actor: Actor, detail: Any) -> dict[str, Any]:
    """The child's page (``CHILD_PAGE_EXTRAS``): the latest entries and the links."""
    section = _latest_section(actor, detail.child.pk)
    return {"voice_section": section} if section else {}


def child_record_context(actor: Actor, record: Any) -> dict[str, Any]:
    """The child's safeguarding record (``CHILD_RECORD_EXTRAS``): the same, as one of the
    record's sections (the ledger names no route)."""
    section = _latest_section(actor, record.child.pk)
    return {"page_sections": [section]} if section else {}
