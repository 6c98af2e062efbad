"""Every route says whether it returns personal data, and every one that does writes an
access event when it is read (issue 2, point 8; architecture §5).

The walk covers the whole URL configuration and every API operation. A new route fails
here until it is marked (``hearth.core.personal_data``) and, if it reads personal data,
given a sample request below that proves it writes an access event.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from config.api import api
from conftest import Wessex, reauthenticate
from hearth.accounts.models import Team, User
from hearth.accounts.selectors import actor_for_user
from hearth.accounts.services import api_key_issue
from hearth.audit.models import AccessEvent
from hearth.core import clock
from hearth.core.personal_data import ATTRIBUTE
from hearth.encompass import policy as enc
from hearth.encompass.models import EncompassNotification
from hearth.families.tests import factories as families
from hearth.incidents.documents import incident_record_document
from hearth.incidents.models import Incident
from hearth.incidents.policy import PartyRole
from hearth.incidents.tests.factories import family_document
from hearth.incidents.tests.test_api import as_json
from hearth.marac.tests import factories as marac
from hearth.matching.tests.helpers import a_pending_link
from hearth.obligations.models import Obligation
from hearth.obligations.tests import factories as obligation_factories
from hearth.referrals import services as referral_services
from hearth.referrals.policy import Route as ObligationRoute
from hearth.risk import services as risk_services
from hearth.risk.instruments import instrument
from hearth.risk.models import RiskAssessment
from hearth.risk.policy import Answer
from hearth.schools.models import EducationSetting
from hearth.specialist.tests import factories as specialist

# Routes that belong to libraries and show only the signed-in person's own account.
LIBRARY_MODULES = ("allauth.",)

FRONT_DOOR = "front.door@northshire.wessex.example"
OFFICER = "response.officer@police.wessex.example"


def demo_incident() -> Incident:
    return Incident.objects.get(police_reference="WX/DEMO/0001")


def incident_url(name: str, *extra: object) -> Callable[[], str]:
    def build() -> str:
        return reverse(name, args=[demo_incident().pk, *extra])

    return build


def notification_url(name: str) -> Callable[[], str]:
    def build() -> str:
        return reverse(name, args=[a_notification().pk])

    return build


def demo_child() -> int:
    return demo_incident().child_involvements.order_by("id").first().child_id  # type: ignore[union-attr]


ADMIN = "administrator@hearth.wessex.example"


@dataclass(frozen=True)
class Route:
    name: str
    callback: Callable[..., Any]


def walk(patterns: list[Any], namespace: str = "") -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            yield from walk(pattern.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern):
            yield Route(name=f"{namespace}{pattern.name}", callback=pattern.callback)


def page_routes() -> list[Route]:
    return [
        r
        for r in walk(get_resolver().url_patterns)
        if not r.callback.__module__.startswith(LIBRARY_MODULES) and not r.name.startswith("api:")
    ]


def api_operations() -> list[tuple[str, str, Callable[..., Any]]]:
    found = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    found.append(
                        (method, f"{prefix}{path}".replace("//", "/"), operation.view_func)
                    )
    return found


def test_the_walk_finds_the_routes_it_should() -> None:
    # Guard against a walk that silently finds nothing and so passes.
    names = {r.name for r in page_routes()}
    assert {"home", "team_detail", "colleague_detail", "access_log", "cookies"} <= names
    paths = {path for _, path, _ in api_operations()}
    assert {"/me", "/teams/{team_id}", "/colleagues/{user_id}", "/incidents"} <= paths


def test_every_page_route_is_marked() -> None:
    unmarked = [r.name for r in page_routes() if not hasattr(r.callback, ATTRIBUTE)]
    assert unmarked == [], (
        f"Mark these views with reads_personal_data or no_personal_data: {unmarked}"
    )


def test_every_api_operation_is_marked() -> None:
    unmarked = [f"{m} {p}" for m, p, f in api_operations() if not hasattr(f, ATTRIBUTE)]
    assert unmarked == [], f"Mark these API operations: {unmarked}"


SCHOOL_DSL = "dsl03@schools.wessex.example"  # Brackenford Primary School's DSL
PPU_OFFICER = "ppu.officer@police.wessex.example"
REVIEWER = "data.quality@hearth.wessex.example"


def school_notification_url(name: str, status: str = "acknowledged") -> Callable[[], str]:
    return lambda: reverse(name, args=[a_school_notification(status).pk])


def a_school_notification(status: str) -> Obligation:
    """A demo Operation Encompass notification to Brackenford Primary School (the demo
    leaves one acknowledged and one with its support recorded)."""
    return Obligation.objects.filter(
        route=enc.ROUTE,
        team__name__startswith="Brackenford",
        status=status,
    ).order_by("-id")[0]


# One sample request per data-bearing route: (who asks, how to build the URL).
PAGE_SAMPLES: dict[str, tuple[str, Callable[[], str]]] = {
    "team_detail": (
        FRONT_DOOR,
        lambda: reverse("team_detail", args=[Team.objects.get(slug="northshire-front-door").pk]),
    ),
    "colleague_detail": (
        FRONT_DOOR,
        lambda: reverse("colleague_detail", args=[User.objects.get(email=FRONT_DOOR).pk]),
    ),
    "access_log": (ADMIN, lambda: reverse("access_log")),
    "undelivered_messages": (ADMIN, lambda: reverse("undelivered_messages")),
    "incident_list": (OFFICER, lambda: reverse("incident_list")),
    "search": (OFFICER, lambda: reverse("search") + "?q=Vance"),
    "incident_start": (OFFICER, lambda: reverse("incident_start")),
    **{
        name: (OFFICER, incident_url(name))
        for name in (
            "incident_detail",
            "incident_details",
            "incident_what_happened",
            "incident_police_action",
            "incident_adults",
            "incident_relationship",
            "incident_children",
            "incident_pregnancy",
            "incident_check",
        )
    },
    **{
        name: (OFFICER, incident_url(name, "child"))
        for name in ("incident_person_find", "incident_person_matches", "incident_person_details")
    },
    "incident_child_relationships": (
        OFFICER,
        lambda: reverse("incident_child_relationships", args=[demo_incident().pk, demo_child()]),
    ),
    "incident_child_step": (
        OFFICER,
        lambda: reverse("incident_child_step", args=[demo_incident().pk, demo_child(), "voice"]),
    ),
    "child_detail": (OFFICER, lambda: reverse("child_detail", args=[demo_child()])),
    "risk_assessment_detail": (
        FRONT_DOOR,
        lambda: reverse("risk_assessment_detail", args=[assessed_concern()[1].pk]),
    ),
    "risk_assessment_safety": (
        FRONT_DOOR,
        lambda: reverse("risk_assessment_safety", args=[checklist_in_progress().pk]),
    ),
    "risk_assessment_check": (
        FRONT_DOOR,
        lambda: reverse("risk_assessment_check", args=[checklist_in_progress().pk]),
    ),
    "risk_assessment_section": (
        FRONT_DOOR,
        lambda: reverse(
            "risk_assessment_section",
            args=[checklist_in_progress().pk, instrument("safelives_ric").sections[0].key],
        ),
    ),
    "risk_child": (OFFICER, lambda: reverse("risk_child", args=[demo_child(), demo_incident().pk])),
    "person_detail": (
        OFFICER,
        lambda: reverse(
            "person_detail",
            args=[demo_incident().parties.get(role=PartyRole.ADULT_VICTIM).person_id],
        ),
    ),
    "risk_victim": (
        OFFICER,
        lambda: reverse(
            "risk_victim",
            args=[demo_incident().parties.get(role=PartyRole.ADULT_VICTIM).person_id],
        ),
    ),
    "team_inbox": (
        FRONT_DOOR,
        lambda: reverse("team_inbox", args=[Team.objects.get(slug="northshire-front-door").pk]),
    ),
    "referrals_sent": (OFFICER, lambda: reverse("referrals_sent")),
    **{
        name: (FRONT_DOOR, notification_url(name))
        for name in ("obligation_detail", "obligation_decision", "obligation_redirect")
    },
    "obligation_withdraw": (
        obligation_factories.FRONT_DOOR_MANAGER,
        lambda: reverse("obligation_withdraw", args=[a_notification().pk]),
    ),
    "obligation_assessment": (
        FRONT_DOOR,
        lambda: reverse("obligation_assessment", args=an_assessment()),
    ),
    "obligation_outcome": (
        obligation_factories.IDVA,
        lambda: reverse("obligation_outcome", args=[a_referral(ObligationRoute.IDVA_REFERRAL).pk]),
    ),
    "marac_referral_edit": (
        OFFICER,
        lambda: reverse(
            "marac_referral_edit", args=[a_referral(ObligationRoute.MARAC_REFERRAL).pk]
        ),
    ),
    "child_safeguarding_record": (
        FRONT_DOOR,
        lambda: reverse("child_safeguarding_record", args=[a_notification().subject_id]),
    ),
    # Operation Encompass: the school's DSL reads what was sent to it, the force its list.
    "encompass_inbox": (SCHOOL_DSL, lambda: reverse("encompass_inbox")),
    "encompass_sent": (PPU_OFFICER, lambda: reverse("encompass_sent")),
    "incident_review": (PPU_OFFICER, incident_url("incident_review")),
    "matching_review_queue": (REVIEWER, lambda: reverse("matching_review_queue")),
    "matching_decided_links": (REVIEWER, lambda: reverse("matching_decided_links")),
    "matching_link_detail": (
        REVIEWER,
        lambda: reverse("matching_link_detail", args=[a_pending_link()]),
    ),
    **{
        name: (SCHOOL_DSL, school_notification_url(name))
        for name in ("encompass_detail", "encompass_support")
    },
    "encompass_outcome": (
        SCHOOL_DSL,
        school_notification_url("encompass_outcome", "outcome_recorded"),
    ),
    # Specialist support: the front door refers a child; the service acts; the lead
    # agency lists its unmet need.
    "specialist_refer": (
        FRONT_DOOR,
        lambda: reverse("specialist_refer", args=[specialist.a_referral().child_id]),
    ),
    "specialist_refer_form": (
        FRONT_DOOR,
        lambda: reverse(
            "specialist_refer_form",
            args=[specialist.a_referral().child_id, specialist.service("Another").pk],
        ),
    ),
    **{
        name: (
            specialist.SPECIALIST,
            lambda name=name, stage=stage: reverse(  # type: ignore[misc]
                name, args=[specialist.a_referral(stage).obligation_id]
            ),
        )
        for name, stage in (
            ("specialist_referral", "sent"),
            ("specialist_accept", "sent"),
            ("specialist_decline", "sent"),
            ("specialist_start", "accepted"),
            ("specialist_session", "started"),
            ("specialist_outcome", "started"),
        )
    },
    "specialist_referrals": (
        specialist.SPECIALIST,
        lambda: (specialist.a_referral(), reverse("specialist_referrals"))[1],
    ),
    "specialist_waiting_list": (
        specialist.SPECIALIST,
        lambda: (specialist.a_referral("accepted"), reverse("specialist_waiting_list"))[1],
    ),
    "specialist_unmet_need": (
        FRONT_DOOR,
        lambda: (specialist.an_unmet_need(), reverse("specialist_unmet_need"))[1],
    ),
    # A demo school with its safeguarding leads (the administrator acts for the service).
    "school_detail": (
        ADMIN,
        lambda: reverse(
            "school_detail",
            args=[EducationSetting.objects.filter(contacts__isnull=False).distinct()[0].urn],
        ),
    ),
    # MARAC meetings (hearth/marac): the coordinator's meetings, agenda, cases, hearing.
    "marac_meetings": (
        marac.MARAC,
        lambda: (marac.a_sent_referral(), reverse("marac_meetings"))[1],
    ),
    "marac_meeting": (
        marac.MARAC,
        lambda: reverse("marac_meeting", args=[marac.a_case().meeting_id]),
    ),
    "marac_referral_add": (
        marac.MARAC,
        lambda: reverse("marac_referral_add", args=[marac.a_sent_referral().pk]),
    ),
    **{
        name: (
            marac.MARAC,
            lambda name=name: reverse(name, args=[marac.a_case(days=1).pk]),  # type: ignore[misc]
        )
        for name in ("marac_case", "marac_case_hear", "marac_case_move")
    },
    # Whole-family plans (hearth/families, plans): the lead team's pages.
    "family_plans": (FRONT_DOOR, lambda: (families.walk_plan(), reverse("family_plans"))[1]),
    "family_plan_new": (
        FRONT_DOOR,
        lambda: (
            reverse("family_plan_new")
            + f"?person={families.person(families.family_incident(Wessex()), 'Mia').pk}"
        ),
    ),
    **{
        name: (
            FRONT_DOOR,
            lambda name=name: reverse(name, args=[families.walk_plan().pk]),  # type: ignore[misc]
        )
        for name in (
            "family_plan",
            "family_plan_goal",
            "family_plan_action",
            "family_plan_support",
            "family_plan_review",
            "family_plan_close",
            "family_plan_first_meeting",
        )
    },
    "family_plan_support_update": (
        FRONT_DOOR,
        lambda: (
            lambda plan: reverse(
                "family_plan_support_update", args=[plan.pk, plan.supports.get().pk]
            )
        )(families.walk_plan()),
    ),
    # The child's voice and the family page (hearth/voices, hearth/families family page):
    # the front door, which knows the child through its notification.
    **{
        name: (FRONT_DOOR, lambda name=name: reverse(name, args=[a_notification().subject_id]))  # type: ignore[misc]
        for name in ("voice_list", "voice_new", "family_detail")
    },
}

# Pages that ask for the password again before they show anything.
SENSITIVE = {"access_log"}


def a_concern() -> Incident:
    """A concern raised by the Northshire front door, whose system asks in the samples."""
    actor = actor_for_user(user=User.objects.get(email=FRONT_DOOR), agency_id=None)
    assert actor is not None
    return incident_record_document(actor=actor, document=family_document(reference=""))


def assessed_concern() -> tuple[Incident, RiskAssessment]:
    """A concern by the Northshire front door with a completed SafeLives RIC."""
    concern = a_concern()
    actor = actor_for_user(user=User.objects.get(email=FRONT_DOOR), agency_id=None)
    assert actor is not None
    assessment = risk_services.assessment_start(
        actor=actor,
        incident=concern,
        victim=concern.parties.get(role=PartyRole.ADULT_VICTIM).person,
    )
    for item in instrument("safelives_ric").items:
        risk_services.assessment_answer(
            actor=actor, assessment=assessment, item_key=item.key, answer=Answer.NO
        )
    return concern, risk_services.assessment_complete(actor=actor, assessment=assessment)


def checklist_in_progress() -> RiskAssessment:
    """A SafeLives RIC the Northshire front door has started on its own concern."""
    concern = a_concern()
    actor = actor_for_user(user=User.objects.get(email=FRONT_DOOR), agency_id=None)
    assert actor is not None
    assessment = risk_services.assessment_start(
        actor=actor,
        incident=concern,
        victim=concern.parties.get(role=PartyRole.ADULT_VICTIM).person,
    )
    return risk_services.assessment_safety_record(
        actor=actor, assessment=assessment, checks=risk_services.SafetyChecks(safe_to_talk="yes")
    )


def a_notification() -> Obligation:
    """A child concern notification to the Northshire front door, from a new incident."""
    incident = obligation_factories.submitted_incident(Wessex(), reference="WX/AUDIT/0001")
    return obligation_factories.of(incident, ObligationRoute.CHILD_CONCERN)[0]


def an_assessment() -> list[int]:
    """A notification the Northshire front door decided to assess, and its assessment."""
    notification = a_notification()
    referral_services.decision_record(
        actor=Wessex().actor(FRONT_DOOR),
        obligation=notification,
        decision="child_in_need_assessment",
    )
    return [notification.pk, notification.assessments.get().pk]


def a_referral(route: ObligationRoute) -> Obligation:
    """An IDVA or MARAC referral from a new incident whose victim is at high risk."""
    incident = obligation_factories.submitted_incident(Wessex(), reference="WX/AUDIT/0002")
    obligation_factories.checklist(Wessex(), incident, yes=15)
    return obligation_factories.of(incident, route)[0]


def a_routed_concern() -> Incident:
    """A concern the Northshire front door raised about children in Northshire: it sees
    the incident, and its own front door is notified of each child."""
    document = family_document(reference="")
    northshire = obligation_factories.area(obligation_factories.NORTHSHIRE)
    details = replace(document.details, local_authority_id=northshire.pk)
    return incident_record_document(
        actor=Wessex().actor(FRONT_DOOR), document=replace(document, details=details)
    )


@dataclass(frozen=True)
class ApiRequest:
    url: str
    body: dict[str, Any] | None = None
    # The roles of the Northshire system's key (a supervisor's action needs a supervisor).
    roles: tuple[str, ...] = ("front_door_practitioner",)
    # Whose system asks: the Northshire council's, or a school's for Operation Encompass.
    agency: str = "northshire-council-childrens-services"


def school_notification_api_url(school: str, status: str) -> str:
    """The URL of a demo school's Operation Encompass notification in ``status``."""
    notification = EncompassNotification.objects.get(
        setting__agency__slug=school, obligation__status=status
    )
    return f"/api/v1/encompass/notifications/{notification.obligation_id}"


def school_request(
    school: str, status: str, action: str = "", body: dict[str, Any] | None = None
) -> Callable[[], ApiRequest]:
    """A request by a demo school's system (its designated safeguarding lead's role)."""

    def build() -> ApiRequest:
        url = school_notification_api_url(school, status) + (f"/{action}" if action else "")
        return ApiRequest(url, body, roles=("designated_safeguarding_lead",), agency=school)

    return build


def marac_request(
    url: Callable[[], str], body: Callable[[], dict[str, Any]] | None = None
) -> ApiRequest:
    """A request by the Northshire MARAC's own system (its coordinator's role)."""
    return ApiRequest(
        url(),
        body() if body else None,
        roles=("marac_coordinator",),
        agency="northshire-marac",
    )


BRACKENFORD = "brackenford-primary-school"


API_SAMPLES: dict[str, Callable[[], ApiRequest]] = {
    # Specialist support: the front door's system refers and reads; the service's acts.
    "POST /specialist/referrals": lambda: ApiRequest(
        "/api/v1/specialist/referrals",
        {
            "child_id": a_notification().subject_id,
            "service_id": str(specialist.service("Walk service").pk),
            "need": "Someone to talk to",
            "parent_consent": "given",
        },
    ),
    "GET /specialist/referrals/{obligation_id}": lambda: ApiRequest(
        f"/api/v1/specialist/referrals/{specialist.a_referral().obligation_id}"
    ),
    "GET /specialist/unmet-need": lambda: (
        specialist.an_unmet_need(),
        ApiRequest("/api/v1/specialist/unmet-need"),
    )[1],
    **{
        f"POST /specialist/referrals/{{obligation_id}}/{action}": (
            lambda action=action, stage=stage, body=body: specialist.api_request(  # type: ignore[misc]
                ApiRequest, action, stage, body
            )
        )
        for action, stage, body in (
            ("acknowledge", "sent", None),
            ("accept", "sent", {"waiting_list": False, "start_on": "TODAY"}),
            ("decline", "sent", {"reason": "other", "note": "Moved away"}),
            ("start", "accepted", {"started_on": "TODAY"}),
            ("sessions", "started", {"on": "TODAY"}),
            ("outcome", "started", {"outcome": "completed"}),
        )
    },
    "GET /teams/{team_id}": lambda: ApiRequest(
        f"/api/v1/teams/{Team.objects.get(slug='northshire-front-door').pk}"
    ),
    "GET /colleagues/{user_id}": lambda: ApiRequest(
        f"/api/v1/colleagues/{User.objects.get(email=FRONT_DOOR).pk}"
    ),
    "POST /incidents": lambda: ApiRequest(
        "/api/v1/incidents", as_json(family_document(reference=""))
    ),
    "GET /incidents/{incident_id}": lambda: ApiRequest(f"/api/v1/incidents/{a_concern().pk}"),
    "GET /search": lambda: ApiRequest(
        f"/api/v1/search?q={a_concern().child_involvements.first().child.family_name}",  # type: ignore[union-attr]
    ),
    "GET /children/{child_id}": lambda: ApiRequest(
        f"/api/v1/children/{a_concern().child_involvements.first().child_id}",  # type: ignore[union-attr]
    ),
    "POST /incidents/{incident_id}/assessments": lambda: ApiRequest(
        f"/api/v1/incidents/{a_concern().pk}/assessments",
        {
            "safety": {"safe_to_talk": "yes"},
            "answers": [{"item": i.key, "answer": "no"} for i in instrument("safelives_ric").items],
        },
    ),
    "GET /incidents/{incident_id}/assessments": lambda: ApiRequest(
        f"/api/v1/incidents/{assessed_concern()[0].pk}/assessments"
    ),
    "GET /assessments/{assessment_id}": lambda: ApiRequest(
        f"/api/v1/assessments/{assessed_concern()[1].pk}"
    ),
    "POST /assessments/{assessment_id}/countersign": lambda: ApiRequest(
        f"/api/v1/assessments/{assessed_concern()[1].pk}/countersign",
        {"note": "Agreed"},
        roles=("front_door_manager",),
    ),
    "GET /teams/{team_id}/obligations": lambda: ApiRequest(
        f"/api/v1/teams/{Team.objects.get(slug='northshire-front-door').pk}/obligations"
    ),
    "GET /obligations/{obligation_id}": lambda: ApiRequest(
        f"/api/v1/obligations/{a_notification().pk}"
    ),
    "POST /obligations/{obligation_id}/acknowledge": lambda: ApiRequest(
        f"/api/v1/obligations/{a_notification().pk}/acknowledge", {"note": "Received"}
    ),
    "POST /obligations/{obligation_id}/decision": lambda: ApiRequest(
        f"/api/v1/obligations/{a_notification().pk}/decision", {"decision": "early_help"}
    ),
    "POST /obligations/{obligation_id}/outcome": lambda: ApiRequest(
        f"/api/v1/obligations/{a_notification().pk}/outcome", {"outcome": "no_further_action"}
    ),
    "POST /obligations/{obligation_id}/redirect": lambda: ApiRequest(
        f"/api/v1/obligations/{a_notification().pk}/redirect",
        {
            "to_team_id": Team.objects.get(slug="southmoor-front-door").pk,
            "reason": "Lives in Southmoor",
        },
    ),
    "POST /obligations/{obligation_id}/assessments/{assessment_id}": lambda: ApiRequest(
        "/api/v1/obligations/{}/assessments/{}".format(*an_assessment()),
        {
            "started_on": clock.local_now().date().isoformat(),
            "authorised_on": clock.local_now().date().isoformat(),
            "factors": ["3A"],
        },
    ),
    "GET /incidents/{incident_id}/obligations": lambda: ApiRequest(
        f"/api/v1/incidents/{a_routed_concern().pk}/obligations"
    ),
    "GET /encompass/notifications": lambda: ApiRequest(
        "/api/v1/encompass/notifications",
        roles=("designated_safeguarding_lead",),
        agency=BRACKENFORD,
    ),
    "GET /encompass/notifications/{notification_id}": school_request(BRACKENFORD, "acknowledged"),
    # The Brindlecombes' notification to Greywater Primary School, never acknowledged.
    "POST /encompass/notifications/{notification_id}/acknowledge": school_request(
        "greywater-primary-school", "sent", "acknowledge", {"note": "Seen"}
    ),
    "POST /encompass/notifications/{notification_id}/support": school_request(
        BRACKENFORD, "acknowledged", "support", {"support": "silent_support"}
    ),
    "POST /encompass/notifications/{notification_id}/outcome": school_request(
        BRACKENFORD, "outcome_recorded", "outcome", {"outcome": "Settled in class"}
    ),
    # MARAC meetings (hearth/marac): the MARAC's own system.
    "GET /marac/meetings/{meeting_id}": lambda: marac_request(
        lambda: f"/api/v1/marac/meetings/{marac.a_case().meeting_id}"
    ),
    "POST /marac/meetings/{meeting_id}/cases": lambda: marac_request(
        lambda: f"/api/v1/marac/meetings/{marac.a_meeting().pk}/cases",
        lambda: {"referral_obligation_id": marac.a_sent_referral().pk},
    ),
    "GET /marac/cases/{case_id}": lambda: marac_request(
        lambda: f"/api/v1/marac/cases/{marac.a_case().pk}"
    ),
    "POST /marac/cases/{case_id}/hear": lambda: (
        lambda case: marac_request(
            lambda: f"/api/v1/marac/cases/{case.pk}/hear", lambda: marac.hear_body(case)
        )
    )(marac.a_case()),
    # Whole-family plans (hearth/families, plans): the Northshire system leads them.
    "GET /families/plans": lambda: (families.walk_plan(), ApiRequest("/api/v1/families/plans"))[1],
    "POST /families/plans": lambda: ApiRequest("/api/v1/families/plans", families.open_body()),
    "GET /families/plans/{plan_id}": lambda: ApiRequest(
        f"/api/v1/families/plans/{families.walk_plan().pk}"
    ),
    "POST /families/plans/{plan_id}/goals": lambda: (
        lambda plan: ApiRequest(
            f"/api/v1/families/plans/{plan.pk}/goals",
            {"member_id": families.member(plan, "Mia").pk, "words": "Sleeps well"},
        )
    )(families.walk_plan()),
    "POST /families/plans/{plan_id}/actions": lambda: (
        lambda plan: ApiRequest(
            f"/api/v1/families/plans/{plan.pk}/actions",
            {
                "member_id": families.member(plan, "Mia").pk,
                "team_id": plan.lead_team_id,
                "what": "Visit",
                "due_on": families.due().isoformat(),
            },
        )
    )(families.walk_plan()),
    "POST /families/plans/{plan_id}/supports": lambda: (
        lambda plan: ApiRequest(
            f"/api/v1/families/plans/{plan.pk}/supports",
            {"member_id": families.member(plan, "Mia").pk, "kind": "health"},
        )
    )(families.walk_plan()),
    "POST /families/plans/{plan_id}/supports/{support_id}": lambda: (
        lambda plan: ApiRequest(
            f"/api/v1/families/plans/{plan.pk}/supports/{plan.supports.get().pk}",
            {"status": "ended", "started_on": "2026-01-05", "ended_on": "2026-02-05"},
        )
    )(families.walk_plan()),
    "POST /families/plans/{plan_id}/reviews": lambda: (
        lambda plan: ApiRequest(
            f"/api/v1/families/plans/{plan.pk}/reviews", families.review_body(plan)
        )
    )(families.walk_plan()),
    "POST /families/plans/{plan_id}/close": lambda: ApiRequest(
        f"/api/v1/families/plans/{families.walk_plan().pk}/close", {"reason": "goals_met"}
    ),
    # The child's voice (hearth/voices): the Northshire system reads and records.
    "GET /children/{child_id}/voice": lambda: ApiRequest(
        f"/api/v1/children/{a_notification().subject_id}/voice"
    ),
    "POST /children/{child_id}/voice": lambda: ApiRequest(
        f"/api/v1/children/{a_notification().subject_id}/voice",
        {
            "seen_on": clock.local_now().date().isoformat(),
            "where": "At the front door's office",
            "seen_alone": True,
            "said": "I am fine",
        },
    ),
}


def data_bearing_pages() -> list[str]:
    return sorted(r.name for r in page_routes() if getattr(r.callback, ATTRIBUTE, False))


def data_bearing_api() -> list[str]:
    return sorted(f"{m} {p}" for m, p, f in api_operations() if getattr(f, ATTRIBUTE, False))


def test_every_data_bearing_route_has_a_sample() -> None:
    assert set(data_bearing_pages()) <= set(PAGE_SAMPLES), "add a sample to PAGE_SAMPLES"
    assert set(data_bearing_api()) <= set(API_SAMPLES), "add a sample to API_SAMPLES"


@pytest.mark.parametrize("route_name", data_bearing_pages())
def test_reading_a_data_bearing_page_writes_an_access_event(
    route_name: str, client_for: Callable[[str], Client]
) -> None:
    email, url = PAGE_SAMPLES[route_name]
    client = client_for(email)
    if route_name in SENSITIVE:
        reauthenticate(client)
    last = AccessEvent.objects.order_by("pk").last()
    response = client.get(url())
    assert response.status_code == 200
    new = AccessEvent.objects.filter(pk__gt=last.pk if last else 0)
    assert new.exists(), f"{route_name} returned personal data without an access event"
    event = new.latest("pk")
    assert event.user == User.objects.get(email=email)
    assert event.route == route_name


@pytest.mark.parametrize("operation", data_bearing_api())
def test_reading_a_data_bearing_api_route_writes_an_access_event(
    operation: str, wessex: Any
) -> None:
    request = API_SAMPLES[operation]()
    issued = api_key_issue(
        actor=None,
        agency=wessex.agency(request.agency),
        name="Case system",
        roles=list(request.roles),
    )
    before = AccessEvent.objects.count()
    response = Client().generic(
        operation.split(" ")[0],
        request.url,
        json.dumps(request.body) if request.body is not None else "",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issued.raw_key}",
        HTTP_IDEMPOTENCY_KEY="walk-1",
    )
    assert response.status_code in (200, 201), response.content
    assert AccessEvent.objects.count() == before + 1
    event = AccessEvent.objects.latest("pk")
    assert event.api_key_id == issued.api_key.pk
    assert event.records.exists()
