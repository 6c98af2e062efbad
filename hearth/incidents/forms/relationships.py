"""How the people in an incident are related: each adult victim to each alleged
perpetrator (Domestic Abuse Act 2021 s.2), and each adult to each child."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crispy_forms_gds.layout import Field, Layout
from django import forms

from hearth.people.forms import GovukForm
from hearth.people.models import Person
from hearth.people.policy import KINSHIP_LABELS, Kinship, Tie

# How one adult may stand to the other (s.2 connections first, then relatives).
ADULT_KINSHIPS = (
    Kinship.MARRIED,
    Kinship.CIVIL_PARTNERS,
    Kinship.ENGAGED,
    Kinship.CIVIL_PARTNERSHIP_AGREEMENT,
    Kinship.INTIMATE_PARTNERS,
    Kinship.CO_PARENTS,
    Kinship.PARENT,
    Kinship.CHILD,
    Kinship.STEP_PARENT,
    Kinship.STEP_CHILD,
    Kinship.GRANDPARENT,
    Kinship.GRANDCHILD,
    Kinship.SIBLING,
    Kinship.AUNT_OR_UNCLE,
    Kinship.NIECE_OR_NEPHEW,
    Kinship.COUSIN,
    Kinship.OTHER,
)
# How an adult may stand to a child.
CHILD_KINSHIPS = (
    Kinship.PARENT,
    Kinship.STEP_PARENT,
    Kinship.GRANDPARENT,
    Kinship.SIBLING,
    Kinship.AUNT_OR_UNCLE,
    Kinship.COUSIN,
    Kinship.PARENTS_PARTNER,
    Kinship.CARER,
    Kinship.OTHER,
)


def kinship_phrase(kinship: Kinship, other: str) -> str:
    """``KINSHIP_LABELS`` with the other person's name where it belongs:
    "Parent of Mia Vance", "Carer of Mia Vance (not a relative)", "Married (now or in the past)"."""
    label = KINSHIP_LABELS[kinship]
    head, bracket, tail = label.partition(" (")
    if head.endswith((" of", " by")):
        label = f"{head} {other}{bracket}{tail}"
    return label[0].upper() + label[1:]


def _kinship_field(label: str, kinships: Sequence[Kinship], other: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("", "Not known yet"), *((str(k), kinship_phrase(k, other)) for k in kinships)],
        required=False,
    )


class AdultsRelationshipForm(GovukForm):
    """How each adult victim is related to each alleged perpetrator (s.2)."""

    def __init__(
        self,
        *args: Any,
        pairs: Sequence[tuple[Person, Person]],
        ties: dict[tuple[int, int], Tie],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.pairs = list(pairs)
        for victim, perpetrator in self.pairs:
            name = f"kinship_{victim.pk}_{perpetrator.pk}"
            self.fields[name] = _kinship_field(
                f"How is {victim.full_name} related to {perpetrator.full_name}?",
                ADULT_KINSHIPS,
                perpetrator.full_name,
            )
            tie = ties.get((victim.pk, perpetrator.pk))
            self.initial[name] = str(tie.kinship) if tie else ""
        self.helper.layout = Layout(*(Field.select(name) for name in self.fields))

    def changed_kinships(self) -> list[tuple[Person, Person, Kinship]]:
        found = []
        for victim, perpetrator in self.pairs:
            name = f"kinship_{victim.pk}_{perpetrator.pk}"
            if name in self.changed_data and self.cleaned_data[name]:
                found.append((victim, perpetrator, Kinship(self.cleaned_data[name])))
        return found


class ChildRelationshipsForm(GovukForm):
    """How each adult is related to the child, and who has parental responsibility."""

    def __init__(
        self,
        *args: Any,
        adults: Sequence[Person],
        child: Person,
        ties: dict[tuple[int, int], Tie],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.adults = list(adults)
        layout = []
        for adult in self.adults:
            kinship, responsibility = f"kinship_{adult.pk}", f"responsibility_{adult.pk}"
            self.fields[kinship] = _kinship_field(
                f"How is {adult.full_name} related to {child.given_names or child.full_name}?",
                CHILD_KINSHIPS,
                child.full_name,
            )
            self.fields[responsibility] = forms.BooleanField(
                label=f"{adult.full_name} has parental responsibility for {child.full_name}",
                required=False,
            )
            tie = ties.get((adult.pk, child.pk))
            self.initial[kinship] = str(tie.kinship) if tie else ""
            self.initial[responsibility] = bool(tie and tie.parental_responsibility)
            layout += [Field.select(kinship), Field.checkbox(responsibility, small=True)]
        self.helper.layout = Layout(*layout)

    def changed_ties(self) -> list[tuple[Person, Kinship, bool]]:
        found = []
        changed = set(self.changed_data)
        for adult in self.adults:
            kinship, responsibility = f"kinship_{adult.pk}", f"responsibility_{adult.pk}"
            if {kinship, responsibility} & changed and self.cleaned_data[kinship]:
                found.append(
                    (adult, Kinship(self.cleaned_data[kinship]), self.cleaned_data[responsibility])
                )
        return found
