"""Links to the family page from the pages of the apps below (their page hooks): every
person's page, every child's page, the child's safeguarding record and every obligation's
page ("See <name>'s family"). Each page already decided that the viewer may see the
person it is about, which is the family page's own rule, so no further read is made; a
MARAC action's page also shows the safe-contact note of the family plan it joined (read
through ``selectors.plan_of_marac_action``, which logs it)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from hearth.core.actor import Actor


def _text(person: Any) -> str:
    return f"See {person.given_names or person.full_name}'s family"


def person_page_context(actor: Actor, person: Any) -> dict[str, Any]:
    """``PERSON_PAGE_EXTRAS``."""
    return {"family_url": reverse("family_detail", args=[person.pk])}


def child_page_context(actor: Actor, detail: Any) -> dict[str, Any]:
    """``CHILD_PAGE_EXTRAS``."""
    return {"family_url": reverse("family_detail", args=[detail.child.pk])}


def child_record_context(actor: Actor, record: Any) -> dict[str, Any]:
    """``CHILD_RECORD_EXTRAS`` (the ledger's record shows ``page_links``)."""
    child = record.child
    return {
        "page_links": [{"url": reverse("family_detail", args=[child.pk]), "text": _text(child)}]
    }


def obligation_page_context(actor: Actor, detail: Any) -> dict[str, Any]:
    """``OBLIGATION_PAGE_EXTRAS``: the family of whoever the obligation is owed to."""
    subject = detail.obligation.subject
    context: dict[str, Any] = {
        "page_links": [{"url": reverse("family_detail", args=[subject.pk]), "text": _text(subject)}]
    }
    if detail.obligation.route == "marac_action":
        # A MARAC action joined to a family plan: how to contact the family safely.
        from hearth.families.selectors import plan_of_marac_action

        plan = plan_of_marac_action(actor=actor, obligation_id=detail.obligation.pk)
        if plan is not None:
            template = "families/_marac_action_plan.html"
            context["page_sections"] = [{"template": template, "plan": plan}]
    return context


def connect() -> None:
    """Called from ``FamiliesConfig.ready``."""
    from hearth.incidents.views import pages
    from hearth.obligations.views import detail
    from hearth.people import views as people_views

    for hooks, hook in (
        (people_views.PERSON_PAGE_EXTRAS, person_page_context),
        (pages.CHILD_PAGE_EXTRAS, child_page_context),
        (detail.CHILD_RECORD_EXTRAS, child_record_context),
        (detail.OBLIGATION_PAGE_EXTRAS, obligation_page_context),
    ):
        if hook not in hooks:
            hooks.append(hook)
