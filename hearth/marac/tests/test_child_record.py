"""An action for a child is the child's (issue 14: "A child's actions never close because
the adult's did"): the route's subject may be the adult victim or a child
(``Route.subject_may_be_child``), so an action owed to Mia is on Mia's safeguarding record
and with her work on the incident, and an action for Kerry is with the adults'."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from hearth.accounts.models import Team
from hearth.core import clock
from hearth.marac import policy
from hearth.marac.tests.factories import FRONT_DOOR, IDVA, a_case, hear, victim_action
from hearth.obligations.models import Obligation
from hearth.obligations.selectors.records import child_record_for, incident_obligations_for
from hearth.obligations.tests.factories import PPU


def test_an_action_for_a_child_is_on_her_record_and_one_for_the_victim_is_not(
    wessex: Any,
) -> None:
    case = a_case(wessex)
    mia = case.children.get(child__given_names="Mia").child
    for_mia = policy.ActionIn(
        for_person_id=mia.pk,
        owner_team_id=Team.objects.get(slug="northshire-front-door").pk,
        words="See Mia at home with her mother, apart from her father",
        due_on=clock.local_now().date() + dt.timedelta(days=5),
    )
    hear(wessex, case, victim_action(case), for_mia)
    mias = Obligation.objects.get(route=policy.ACTION_ROUTE, subject=mia)
    kerrys = Obligation.objects.get(route=policy.ACTION_ROUTE, subject=case.referral.subject)

    record = child_record_for(actor=wessex.actor(FRONT_DOOR), child_id=mia.pk)
    on_record = {o.pk for o in record.page.object_list}
    assert mias.pk in on_record and kerrys.pk not in on_record

    incident = incident_obligations_for(actor=wessex.actor(PPU), incident_id=mias.incident_id)
    (mia_progress,) = [c for c in incident.children if c.child.pk == mia.pk]
    assert mias.pk in {o.pk for o in mia_progress.obligations}
    adults = {o.pk for o in incident.adults}
    assert kerrys.pk in adults and mias.pk not in adults


def test_the_action_page_links_to_the_childs_record_only_for_a_child(
    wessex: Any, client_for: Any
) -> None:
    case = a_case(wessex)
    mia = case.children.get(child__given_names="Mia").child
    for_mia = policy.ActionIn(
        for_person_id=mia.pk,
        owner_team_id=Team.objects.get(slug="northshire-front-door").pk,
        words="See Mia at home",
        due_on=clock.local_now().date() + dt.timedelta(days=5),
    )
    hear(wessex, case, victim_action(case), for_mia)
    mias = Obligation.objects.get(route=policy.ACTION_ROUTE, subject=mia)
    kerrys = Obligation.objects.get(route=policy.ACTION_ROUTE, subject=case.referral.subject)
    page = client_for(FRONT_DOOR).get(reverse("obligation_detail", args=[mias.pk]))
    assert page.status_code == 200
    assert reverse("child_safeguarding_record", args=[mia.pk]) in page.content.decode()
    idva = client_for(IDVA).get(reverse("obligation_detail", args=[kerrys.pk]))
    assert idva.status_code == 200
    kerry = case.referral.subject
    assert reverse("child_safeguarding_record", args=[kerry.pk]) not in idva.content.decode()
