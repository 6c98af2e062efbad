"""Operation Encompass pages: the inbox of a school's (or team's) notifications, one
notification with what it carries and the proof of the duty, acknowledging, the support
the school will give and how it went; and the force's list of what it sent.

Thin: each page reads through ``encompass.selectors`` (``NotFound`` for anyone who may
not see it, the same as missing) and writes through ``encompass.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from hearth.accounts.views import HomeAction, WaitingCount
from hearth.core.actor import Actor, Role
from hearth.core.errors import NotPermitted, ValidationFailed
from hearth.core.http import actor_of
from hearth.core.personal_data import no_personal_data, reads_personal_data
from hearth.encompass import services
from hearth.encompass.forms import AreaChoicesForm, SupportForm, SupportOutcomeForm
from hearth.encompass.selectors import (
    NotificationDetail,
    Show,
    encompass_inbox_counts_for,
    encompass_inbox_for,
    encompass_notification_get_for,
    encompass_sent_for,
    encompass_settings_get_for,
    encompass_settings_list_for,
    other_work_for,
)
from hearth.encompass.services import encompass_settings_set
from hearth.obligations import policy
from hearth.obligations.views._common import posted


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


# Who receives notifications in an inbox: a school's DSL, a health visitor, a local
# authority's education safeguarding officer (their home page leads with it).
INBOX_ROLES = frozenset(
    {
        Role.DESIGNATED_SAFEGUARDING_LEAD,
        Role.HEALTH_PRACTITIONER,
        Role.EDUCATION_SAFEGUARDING_OFFICER,
    }
)


def home_actions(actor: Actor) -> list[HomeAction]:
    """The home page (``HOME_ACTIONS``): a DSL's, health visitor's or education
    safeguarding officer's notifications, with those not opened and not yet acknowledged
    counted, each linking to the inbox showing exactly those. A fixed number of queries;
    counts only."""
    if not (INBOX_ROLES & set(actor.roles)) or not actor.sees_case_content:
        return []
    counts = encompass_inbox_counts_for(actor=actor)
    inbox = reverse("encompass_inbox")
    # Their team's other work (the ledger's inbox, which their menu does not show), when
    # there is some: its count links to the team's inbox, which lists exactly those.
    others = tuple(
        WaitingCount(
            words=f"other open item{'s' if work.count != 1 else ''} for {work.team_name}",
            count=work.count,
            url=reverse("team_inbox", args=[work.team_id]),
        )
        for work in other_work_for(actor=actor)
    )
    return [
        HomeAction(
            label="Open notifications",
            url=inbox,
            waiting=(
                WaitingCount(
                    words=f"notification{'s' if counts.not_opened != 1 else ''} not opened",
                    count=counts.not_opened,
                    url=f"{inbox}?show={Show.NOT_OPENED}",
                    urgent=True,
                ),
                WaitingCount(
                    words=f"notification{'s' if counts.not_acknowledged != 1 else ''} "
                    "not yet acknowledged",
                    count=counts.not_acknowledged,
                    url=f"{inbox}?show={Show.NOT_ACKNOWLEDGED}",
                    urgent=counts.overdue > 0,
                ),
                *others,
            ),
            order=10,
        )
    ]


def _show(request: HttpRequest) -> Show:
    try:
        return Show(request.GET.get("show", ""))
    except ValueError:
        return Show.ALL


@reads_personal_data
def encompass_inbox(request: HttpRequest) -> HttpResponse:
    inbox = encompass_inbox_for(
        actor=actor_of(request),
        page=_page_number(request),
        show=_show(request),
        with_other_work=True,
    )
    return render(request, "encompass/inbox.html", {"inbox": inbox})


def _context(detail: NotificationDetail, **extra: object) -> dict[str, object]:
    return {
        "detail": detail,
        "view": detail.view,
        "notification": detail.view.notification,
        "obligation": detail.view.obligation,
        "content": detail.view.content,
        "words": detail.view.words,
        "do_not_approach": detail.view.words.do_not_approach,
        **extra,
    }


@reads_personal_data
def encompass_detail(request: HttpRequest, obligation_id: int) -> HttpResponse:
    actor = actor_of(request)
    detail = encompass_notification_get_for(
        actor=actor, obligation_id=obligation_id, with_messages=True
    )
    if detail.is_recipient:
        services.notification_open(actor=actor, notification=detail.view.notification)
    return render(request, "encompass/detail.html", _context(detail))


def _recipient(request: HttpRequest, obligation_id: int) -> tuple[Actor, NotificationDetail]:
    actor = actor_of(request)
    detail = encompass_notification_get_for(actor=actor, obligation_id=obligation_id)
    if not detail.is_recipient:
        raise NotPermitted("Only the school or team it was sent to can do this")
    return actor, detail


@no_personal_data  # answers with a redirect; the notification's read is logged by its selector
@require_POST
def encompass_acknowledge(request: HttpRequest, obligation_id: int) -> HttpResponse:
    actor, detail = _recipient(request, obligation_id)
    services.notification_acknowledge(actor=actor, notification=detail.view.notification)
    messages.success(request, "You have acknowledged the notification")
    return redirect("encompass_detail", obligation_id=obligation_id)


@reads_personal_data
@require_http_methods(["GET", "POST"])
def encompass_support(request: HttpRequest, obligation_id: int) -> HttpResponse:
    actor, detail = _recipient(request, obligation_id)
    obligation = detail.view.obligation
    initial = {"support": obligation.outcome, "note": obligation.outcome_note}
    form = SupportForm(posted(request), initial=initial, words=detail.view.words)
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_support_record(
                actor=actor,
                notification=detail.view.notification,
                support=form.cleaned_data["support"],
                note=form.cleaned_data["note"],
            )
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(request, detail.view.words.support_recorded)
            return redirect("encompass_detail", obligation_id=obligation_id)
    return render(request, "encompass/support.html", _context(detail, form=form))


@reads_personal_data
@require_http_methods(["GET", "POST"])
def encompass_outcome(request: HttpRequest, obligation_id: int) -> HttpResponse:
    actor, detail = _recipient(request, obligation_id)
    if detail.view.obligation.status != policy.Status.OUTCOME_RECORDED:
        messages.info(request, f"{detail.view.words.support_heading} first")
        return redirect("encompass_detail", obligation_id=obligation_id)
    form = SupportOutcomeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_outcome_record(
                actor=actor,
                notification=detail.view.notification,
                outcome=form.cleaned_data["outcome"],
            )
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(request, "How the support went has been recorded")
            return redirect("encompass_detail", obligation_id=obligation_id)
    return render(request, "encompass/outcome.html", _context(detail, form=form))


@reads_personal_data
def encompass_sent(request: HttpRequest) -> HttpResponse:
    late_only = request.GET.get("late") == "1"
    sent = encompass_sent_for(
        actor=actor_of(request), late_only=late_only, page=_page_number(request)
    )
    return render(request, "encompass/sent.html", {"sent": sent})


# --- Each area's choices (the service operator's administrators) ----------------------------


@no_personal_data
def encompass_area_list(request: HttpRequest) -> HttpResponse:
    rows = encompass_settings_list_for(actor=actor_of(request))
    return render(request, "encompass/area_list.html", {"rows": rows})


@no_personal_data
@require_http_methods(["GET", "POST"])
def encompass_area_settings(request: HttpRequest, area_id: int) -> HttpResponse:
    actor = actor_of(request)
    row = encompass_settings_get_for(actor=actor, area_id=area_id)
    initial = {"template": row.template, "health_visiting": "yes" if row.health_visiting else "no"}
    form = AreaChoicesForm(posted(request), initial=initial, is_force_area=row.is_force_area)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            encompass_settings_set(
                actor=actor,
                area=row.area,
                template=data.get("template"),
                health_visiting=data["health_visiting"] == "yes"
                if "health_visiting" in data
                else None,
            )
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(request, f"Operation Encompass for {row.area.name} has been saved")
            return redirect("encompass_area_list")
    return render(request, "encompass/area_settings.html", {"form": form, "row": row})
