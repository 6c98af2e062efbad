"""A realistic incident document (fictional people), built for tests through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from hearth.incidents.documents import ChildIn, IncidentDocument, PersonIn, RelationshipIn
from hearth.incidents.services import IncidentChanges

OCCURRED = dt.datetime(2026, 11, 20, 22, 40, tzinfo=dt.UTC)


def family_document(reference: str = "WX/2026/0001", **changes: Any) -> IncidentDocument:
    """Two adults and three children: Mia (8) present and spoken to alone, Leo (12) at his
    grandmother's, and baby Ava (6 months)."""
    document = IncidentDocument(
        people=[
            PersonIn(
                ref="victim",
                given_names="Kerry",
                family_name="Vance",
                date_of_birth=dt.date(1992, 4, 2),
                sex="female",
                address_line_1="14 Larch Close",
                address_town="Ashcombe",
                address_postcode="WX1 4LC",
            ),
            PersonIn(
                ref="perpetrator",
                given_names="Dean",
                family_name="Vance",
                date_of_birth=dt.date(1989, 9, 15),
                sex="male",
            ),
            PersonIn(
                ref="mia",
                given_names="Mia",
                family_name="Vance",
                date_of_birth=dt.date(2018, 6, 11),
                sex="female",
            ),
            PersonIn(
                ref="leo",
                given_names="Leo",
                family_name="Hart",
                date_of_birth=dt.date(2014, 1, 30),
                sex="male",
            ),
            PersonIn(
                ref="ava",
                given_names="Ava",
                family_name="Vance",
                date_of_birth=dt.date(2026, 5, 1),
                sex="female",
            ),
        ],
        victims=["victim"],
        perpetrators=["perpetrator"],
        children=[
            ChildIn(
                "mia",
                {
                    "present": True,
                    "where_present": "Landing, at the top of the stairs",
                    "saw": True,
                    "heard": True,
                    "welfare_check_done": True,
                    "welfare_check_by": "PC 4417",
                    "spoken_to": True,
                    "spoken_to_alone": True,
                    "spoken_where": "Her bedroom, with the door open",
                    "others_present": "PC 4417 only",
                    "own_words": "Daddy was shouting and pushed Mummy. I hid with Ava's blanket.",
                    "demeanour": "Quiet, holding a toy rabbit, flinched at raised voices downstairs",
                    "education": "registered",
                    "education_setting": "Ashcombe Primary School",
                    "normally_resident": True,
                },
            ),
            ChildIn(
                "leo",
                {
                    "present": False,
                    "experienced_effects": True,
                    "normally_resident": True,
                    "education": "registered",
                    "education_setting": "Ashcombe Academy",
                },
            ),
            ChildIn(
                "ava",
                {
                    "present": True,
                    "where_present": "Cot in the front room",
                    "heard": True,
                    "welfare_check_done": True,
                    "welfare_check_by": "PC 4417",
                    "spoken_to": False,
                    "not_spoken_to_reason": "A baby of six months",
                    "education": "under_school_age",
                    "health_visitor": "Wessex health visiting, Ashcombe",
                },
            ),
        ],
        relationships=[
            RelationshipIn("victim", "perpetrator", "married"),
            RelationshipIn("victim", "mia", "parent", parental_responsibility=True),
            RelationshipIn("perpetrator", "mia", "parent", parental_responsibility=True),
            RelationshipIn("victim", "leo", "parent", parental_responsibility=True),
            RelationshipIn("perpetrator", "leo", "step_parent"),
            RelationshipIn("victim", "ava", "parent", parental_responsibility=True),
            RelationshipIn("perpetrator", "ava", "parent", parental_responsibility=True),
        ],
        details=IncidentChanges(
            police_reference=reference,
            occurred_at=OCCURRED,
            reported_at=OCCURRED + dt.timedelta(minutes=5),
            location_line_1="14 Larch Close",
            location_town="Ashcombe",
            location_postcode="WX1 4LC",
            abuse_types=["physical_or_sexual", "controlling_or_coercive"],
            pattern="course_of_conduct",
            summary="Neighbour called police after hearing shouting and a crash.",
            arrest_made=True,
            victim_pregnant="no",
        ),
    )
    return replace(document, **changes)
