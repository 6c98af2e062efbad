"""Linking with the deployment's own matcher (the probabilistic model, issue 16 §1):
the same child recorded by the police and the front door is linked automatically, the
link stamped with the model's explanation and version."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import Wessex
from hearth.matching import policy, services
from hearth.matching.tests.helpers import FRONT_DOOR, POLICE, record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wessex")]


def test_the_same_child_at_two_agencies_is_linked_with_the_models_explanation() -> None:
    w = Wessex()
    police_child = record(w, POLICE, "Ottoline", "Quarrington", dt.date(2016, 3, 4))
    council_child = record(w, FRONT_DOOR, "Ottoline", "Quarrington", dt.date(2016, 3, 4))
    [link] = services.link_person(person=council_child)
    assert {link.person_a_id, link.person_b_id} == {police_child.pk, council_child.pk}
    assert link.status == policy.LinkStatus.LINKED
    assert link.probability >= services.thresholds().auto_link
    assert link.explanation and all(isinstance(line, str) for line in link.explanation)
    assert link.model_version  # the model file that scored it


def test_a_different_child_with_the_same_family_name_is_not_linked() -> None:
    w = Wessex()
    record(w, POLICE, "Ottoline", "Quarrington", dt.date(2016, 3, 4))
    other = record(w, FRONT_DOOR, "Bartholomew", "Quarrington", dt.date(2009, 11, 23))
    assert services.link_person(person=other) == []
