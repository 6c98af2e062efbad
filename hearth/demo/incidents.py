"""Submitted incidents and a school's concern for the Wessex demo area.

Everyone here is made up: the names, the addresses (in the fictional towns of
``hearth.demo.wessex``), the police references and person ids. The cases are the ones
issue 3 asks the demo to show: children present and absent, a child spoken to alone in
their own words, a child who could not be spoken to alone and why, a baby under 18
months, a pregnant victim, a repeat victim (the same woman and the same abuser three
times in four months), an incident where the officer confirmed there were no children,
a designated safeguarding lead's concern about a pupil, and a Southmoor toddler whom no
specialist service can take (issue 13's unmet need).

Everything is recorded through ``incident_record_document``, as a police record system
would send it, by the demo response officer (the concern by the demo DSL), so the
timeline and version history are real. Dates are counted back from today, so the demo
always looks recent; each is recorded at the time it was submitted (the clock replays
it), so the obligations it created fell due when they would have. Seeding again adds
nothing: an incident is found by its police reference, the concern by its pupil within
the school.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from hearth.accounts.models import Agency, Area, User
from hearth.accounts.selectors import actor_for_user
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.incidents.documents import (
    ChildIn,
    IncidentDocument,
    PersonIn,
    RelationshipIn,
    incident_record_document,
)
from hearth.incidents.models import Incident, Party
from hearth.incidents.services import IncidentChanges
from hearth.people.models import Person
from hearth.schools.models import EducationSetting

RESPONSE_OFFICER = "response.officer@police.wessex.example"
DSL = "dsl@schools.wessex.example"
POLICE_SLUG = "wessex-police"
SCHOOL_SLUG = "ashcombe-primary-school"
NORTHSHIRE, SOUTHMOOR = "E06900001", "E06900002"

# The pupil the concern is about: how a second run knows the concern is already there.
CONCERN_PUPIL = ("Ruby", "Penhallick")


@dataclass(frozen=True)
class _Context:
    today: dt.date
    police: Agency
    areas: dict[str, int]

    def at(self, days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
        """A time ``days_ago`` days before today, on the London clock."""
        day = self.today - dt.timedelta(days=days_ago)
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=clock.LONDON)

    def born(self, years: int, month: int, day: int) -> dt.date:
        """A birthday ``years`` years back (never the 29th of February)."""
        return dt.date(self.today.year - years, month, day)

    def urn(self, name: str) -> str:
        """A Wessex school's URN in the directory (``hearth.demo.schools``)."""
        return EducationSetting.objects.get(name=name).urn

    def known(self, police_person_id: str) -> int:
        """A person the force has already recorded in an earlier demo incident."""
        return Person.objects.get(
            recorded_by_agency=self.police, police_person_id=police_person_id
        ).pk


# --- The Fenwright household: the same victim and abuser three times (a repeat victim) --

FENWRIGHT_HOME = {
    "location_line_1": "27 Heron Way",
    "location_town": "Brackenford",
    "location_postcode": "WX2 7HW",
}
FENWRIGHT_TIES = [
    RelationshipIn("shona", "jason", "intimate_partners"),
    RelationshipIn("shona", "tyler", "parent", parental_responsibility=True),
    RelationshipIn("jason", "tyler", "parents_partner"),
    RelationshipIn("shona", "poppy", "parent", parental_responsibility=True),
    RelationshipIn("jason", "poppy", "parent", parental_responsibility=True),
]


def _fenwrights_known(c: _Context) -> list[PersonIn]:
    return [
        PersonIn("shona", existing_person_id=c.known("WXP-D-1001")),
        PersonIn("jason", existing_person_id=c.known("WXP-D-1002")),
        PersonIn("tyler", existing_person_id=c.known("WXP-D-1003")),
        PersonIn("poppy", existing_person_id=c.known("WXP-D-1004")),
    ]


def fenwright_first(c: _Context) -> IncidentDocument:
    """Shouting and threats; Tyler would not leave his mum, Poppy slept through it."""
    return IncidentDocument(
        people=[
            PersonIn(
                "shona",
                given_names="Shona",
                family_name="Fenwright",
                date_of_birth=c.born(31, 3, 9),
                sex="female",
                ethnicity="WBRI",
                police_person_id="WXP-D-1001",
                address_line_1="27 Heron Way",
                address_town="Brackenford",
                address_postcode="WX2 7HW",
            ),
            PersonIn(
                "jason",
                given_names="Jason",
                family_name="Harrowgate",
                date_of_birth=c.born(34, 11, 22),
                sex="male",
                ethnicity="WBRI",
                police_person_id="WXP-D-1002",
            ),
            PersonIn(
                "tyler",
                given_names="Tyler",
                family_name="Fenwright",
                date_of_birth=c.born(9, 7, 4),
                sex="male",
                police_person_id="WXP-D-1003",
            ),
            PersonIn(
                "poppy",
                given_names="Poppy",
                family_name="Fenwright",
                date_of_birth=c.born(4, 1, 17),
                sex="female",
                police_person_id="WXP-D-1004",
            ),
        ],
        victims=["shona"],
        perpetrators=["jason"],
        children=[
            ChildIn(
                "tyler",
                {
                    "normally_resident": True,
                    "present": True,
                    "where_present": "Living room, on the sofa next to his mum",
                    "saw": True,
                    "heard": True,
                    "welfare_check_done": True,
                    "welfare_check_by": "PC 2214 Ashdown",
                    "spoken_to": True,
                    "spoken_to_alone": False,
                    "not_alone_reason": (
                        "Tyler was crying and would not leave his mum's side; spoken to in "
                        "the living room with her there, after Jason had left"
                    ),
                    "own_words": "Jason was shouting that he'd smash Mum's phone.",
                    "demeanour": "Tearful, clinging to his mum, calmer once Jason had gone",
                    "education": "registered",
                    "education_setting_urn": c.urn("Brackenford Primary School"),
                    "gp": "Brackenford Surgery",
                },
            ),
            ChildIn(
                "poppy",
                {
                    "normally_resident": True,
                    "present": True,
                    "where_present": "Asleep in her bedroom upstairs",
                    "welfare_check_done": True,
                    "welfare_check_by": "PC 2214 Ashdown",
                    "spoken_to": False,
                    "not_spoken_to_reason": "Asleep throughout; checked without waking her",
                    "demeanour": "Asleep, settled",
                    "education": "registered",
                    "education_setting_urn": c.urn("Brackenford Primary School"),
                    "gp": "Brackenford Surgery",
                },
            ),
        ],
        relationships=FENWRIGHT_TIES,
        details=IncidentChanges(
            police_reference="WX/DEMO/0001",
            occurred_at=c.at(118, 23, 10),
            reported_at=c.at(118, 23, 14),
            local_authority_id=c.areas[NORTHSHIRE],
            other_attending="PC 3391 (double-crewed)",
            abuse_types=["violent_or_threatening", "psychological_or_emotional"],
            pattern="single_incident",
            summary=(
                "Neighbour reported shouting. Jason threatened to smash Shona's phone and "
                "said she would not see the children again if she left him. He had left "
                "when officers arrived."
            ),
            weapons_used=False,
            crimes_recorded="Threatening behaviour",
            arrest_made=False,
            no_arrest_reason="He had left before officers arrived; circulated as wanted",
            victim_pregnant="no",
            **FENWRIGHT_HOME,
        ),
    )


def fenwright_second(c: _Context) -> IncidentDocument:
    """Six weeks ago: it got physical; Tyler spoke to an officer on his own."""
    return IncidentDocument(
        people=_fenwrights_known(c),
        victims=["shona"],
        perpetrators=["jason"],
        children=[
            ChildIn(
                "tyler",
                {
                    "normally_resident": True,
                    "present": True,
                    "where_present": "On the stairs, then in his bedroom with Poppy",
                    "saw": True,
                    "heard": True,
                    "welfare_check_done": True,
                    "welfare_check_by": "PC 2214 Ashdown",
                    "spoken_to": True,
                    "spoken_to_alone": True,
                    "spoken_where": "His bedroom, door open",
                    "others_present": "PC 2214 Ashdown only",
                    "own_words": (
                        "Jason grabbed Mum's arm really hard and threw her phone at the wall. "
                        "I took Poppy in my room and put my headphones on her so she "
                        "wouldn't hear. I don't want him to come back."
                    ),
                    "demeanour": "Quiet, watchful, kept checking the door",
                    "worries": "That Jason will come back when the police have gone",
                    "education": "registered",
                    "education_setting_urn": c.urn("Brackenford Primary School"),
                    "gp": "Brackenford Surgery",
                },
            ),
            ChildIn(
                "poppy",
                {
                    "normally_resident": True,
                    "present": True,
                    "where_present": "Tyler's bedroom",
                    "heard": True,
                    "welfare_check_done": True,
                    "welfare_check_by": "PC 2214 Ashdown",
                    "spoken_to": True,
                    "spoken_to_alone": False,
                    "not_alone_reason": "Aged four and upset; Tyler stayed with her",
                    "own_words": "Jason was loud.",
                    "demeanour": "Upset, holding on to Tyler",
                    "education": "registered",
                    "education_setting_urn": c.urn("Brackenford Primary School"),
                    "gp": "Brackenford Surgery",
                },
            ),
        ],
        relationships=FENWRIGHT_TIES,
        details=IncidentChanges(
            police_reference="WX/DEMO/0002",
            occurred_at=c.at(47, 19, 40),
            reported_at=c.at(47, 19, 42),
            local_authority_id=c.areas[NORTHSHIRE],
            other_attending="PC 3391",
            abuse_types=["physical_or_sexual", "controlling_or_coercive"],
            pattern="course_of_conduct",
            summary=(
                "Shona called 999. Jason grabbed her arm and threw her phone at the wall "
                "when she said she wanted him to move out. Second call to this address."
            ),
            injuries="Red finger marks to Shona's upper left arm; photographed",
            weapons_used=False,
            crimes_recorded="Assault by beating; criminal damage",
            arrest_made=True,
            victim_pregnant="no",
            **FENWRIGHT_HOME,
        ),
    )


def fenwright_third(c: _Context) -> IncidentDocument:
    """Last week: he came back in breach of bail while the children were at their nan's."""
    absent = {
        "normally_resident": True,
        "present": False,
        "where_present": "At their grandmother's in Ashcombe",
        "experienced_effects": True,
        "education": "registered",
        "gp": "Brackenford Surgery",
    }
    return IncidentDocument(
        people=_fenwrights_known(c),
        victims=["shona"],
        perpetrators=["jason"],
        children=[
            ChildIn(
                "tyler", {**absent, "education_setting_urn": c.urn("Brackenford Primary School")}
            ),
            ChildIn(
                "poppy",
                {**absent, "education_setting_urn": c.urn("Brackenford Primary School")},
            ),
        ],
        relationships=FENWRIGHT_TIES,
        details=IncidentChanges(
            police_reference="WX/DEMO/0005",
            occurred_at=c.at(9, 16, 5),
            reported_at=c.at(9, 16, 7),
            local_authority_id=c.areas[NORTHSHIRE],
            abuse_types=["violent_or_threatening", "controlling_or_coercive"],
            pattern="course_of_conduct",
            summary=(
                "Jason came to the address in breach of his bail conditions, banged on the "
                "door and sent Shona 40 messages saying she had turned the children "
                "against him."
            ),
            weapons_used=False,
            crimes_recorded="Breach of bail; harassment",
            arrest_made=True,
            victim_pregnant="no",
            **FENWRIGHT_HOME,
        ),
    )


def karwell(c: _Context) -> IncidentDocument:
    """A pregnant victim; her daughter rang 999 and told the officer what happened."""
    return IncidentDocument(
        people=[
            PersonIn(
                "aisha",
                given_names="Aisha",
                family_name="Karwell",
                date_of_birth=c.born(29, 8, 30),
                sex="female",
                ethnicity="MWBC",
                police_person_id="WXP-D-2001",
                address_line_1="Flat 4, Kingfisher House, Quay Street",
                address_town="Kestrel Down",
                address_postcode="WX6 2DJ",
            ),
            PersonIn(
                "ryan",
                given_names="Ryan",
                family_name="Strideley",
                date_of_birth=c.born(32, 5, 12),
                sex="male",
                police_person_id="WXP-D-2002",
            ),
            PersonIn(
                "keira",
                given_names="Keira",
                family_name="Karwell",
                date_of_birth=c.born(13, 10, 3),
                sex="female",
                police_person_id="WXP-D-2003",
            ),
        ],
        victims=["aisha"],
        perpetrators=["ryan"],
        children=[
            ChildIn(
                "keira",
                {
                    "normally_resident": True,
                    "present": True,
                    "where_present": "Hallway, then the bathroom",
                    "saw": True,
                    "heard": True,
                    "welfare_check_done": True,
                    "welfare_check_by": "PC 2214 Ashdown",
                    "spoken_to": True,
                    "spoken_to_alone": True,
                    "spoken_where": "The kitchen, with the door shut",
                    "others_present": "PC 2214 Ashdown and PC 4108 Ngata",
                    "own_words": (
                        "He's not my dad. He always starts when Mum says no to him. Tonight "
                        "he pushed her into the door and she was holding her belly, so I "
                        "rang 999 from the bathroom."
                    ),
                    "demeanour": "Composed and clear, then shaking once the ambulance left",
                    "worries": "The baby, and whether Mum will let him back in",
                    "education": "registered",
                    "education_setting_urn": c.urn("Kestrel Down Academy"),
                    "gp": "Quay Street Medical Centre",
                },
            ),
        ],
        relationships=[
            RelationshipIn("aisha", "ryan", "intimate_partners"),
            RelationshipIn("aisha", "keira", "parent", parental_responsibility=True),
            RelationshipIn("ryan", "keira", "parents_partner"),
        ],
        details=IncidentChanges(
            police_reference="WX/DEMO/0003",
            occurred_at=c.at(31, 21, 30),
            reported_at=c.at(31, 21, 33),
            location_line_1="Flat 4, Kingfisher House, Quay Street",
            location_town="Kestrel Down",
            location_postcode="WX6 2DJ",
            local_authority_id=c.areas[SOUTHMOOR],
            other_attending="PC 4108 Ngata",
            abuse_types=["physical_or_sexual", "controlling_or_coercive"],
            pattern="course_of_conduct",
            summary=(
                "Keira (13) called 999. Ryan pushed Aisha, who is 28 weeks pregnant, into a "
                "door during an argument about money. Aisha was taken to the maternity "
                "assessment unit as a precaution."
            ),
            injuries="Pain to the abdomen; checked at the maternity assessment unit",
            weapons_used=False,
            crimes_recorded="Assault occasioning actual bodily harm",
            arrest_made=True,
            victim_pregnant="yes",
        ),
    )


def brindlecombe(c: _Context) -> IncidentDocument:
    """A baby in the house at two in the morning; her brother was at his dad's."""
    return IncidentDocument(
        people=[
            PersonIn(
                "chloe",
                given_names="Chloe",
                family_name="Brindlecombe",
                date_of_birth=c.born(23, 2, 14),
                sex="female",
                police_person_id="WXP-D-3001",
                address_line_1="3 Mill Cottages",
                address_town="Greywater",
                address_postcode="WX3 9NP",
            ),
            PersonIn(
                "liam",
                given_names="Liam",
                family_name="Tolworthy",
                date_of_birth=c.born(25, 6, 6),
                sex="male",
                police_person_id="WXP-D-3002",
            ),
            PersonIn(
                "harper",
                given_names="Harper",
                family_name="Tolworthy",
                # About seven months old on the night.
                date_of_birth=c.today - dt.timedelta(days=230),
                sex="female",
                police_person_id="WXP-D-3003",
            ),
            PersonIn(
                "jayden",
                given_names="Jayden",
                family_name="Brindlecombe",
                date_of_birth=c.born(6, 9, 19),
                sex="male",
                police_person_id="WXP-D-3004",
            ),
        ],
        victims=["chloe"],
        perpetrators=["liam"],
        children=[
            ChildIn(
                "harper",
                {
                    "normally_resident": True,
                    "present": True,
                    "where_present": "In her cot in the front bedroom",
                    "heard": True,
                    "welfare_check_done": True,
                    "welfare_check_by": "PC 2214 Ashdown",
                    "spoken_to": False,
                    "not_spoken_to_reason": "A baby of seven months",
                    "demeanour": "Crying when officers arrived, settled once fed",
                    "education": "under_school_age",
                    "health_visitor": "Wessex health visiting, Greywater",
                    "gp": "Greywater Medical Practice",
                },
            ),
            ChildIn(
                "jayden",
                {
                    "normally_resident": True,
                    "present": False,
                    "where_present": "At his father's for the weekend",
                    "experienced_effects": True,
                    "education": "registered",
                    "education_setting_urn": c.urn("Greywater Primary School"),
                    "gp": "Greywater Medical Practice",
                },
            ),
        ],
        relationships=[
            RelationshipIn("chloe", "liam", "intimate_partners"),
            RelationshipIn("chloe", "harper", "parent", parental_responsibility=True),
            RelationshipIn("liam", "harper", "parent", parental_responsibility=True),
            RelationshipIn("chloe", "jayden", "parent", parental_responsibility=True),
            RelationshipIn("liam", "jayden", "parents_partner"),
        ],
        details=IncidentChanges(
            police_reference="WX/DEMO/0004",
            occurred_at=c.at(16, 2, 15),
            reported_at=c.at(16, 2, 20),
            location_line_1="3 Mill Cottages",
            location_town="Greywater",
            location_postcode="WX3 9NP",
            local_authority_id=c.areas[NORTHSHIRE],
            abuse_types=["violent_or_threatening", "psychological_or_emotional"],
            pattern="not_known",
            summary=(
                "Liam came home drunk, punched a hole in the bedroom door next to the "
                "baby's cot and threatened Chloe. She locked herself in the bathroom and "
                "called police."
            ),
            weapons_used=False,
            crimes_recorded="Criminal damage; threats",
            arrest_made=False,
            no_arrest_reason="Not at the address when officers arrived; enquiries to trace him",
            victim_pregnant="no",
        ),
    )


def oldacre(c: _Context) -> IncidentDocument:
    """Economic and coercive control of an older woman; the officer confirmed no children."""
    return IncidentDocument(
        people=[
            PersonIn(
                "margaret",
                given_names="Margaret",
                family_name="Oldacre",
                date_of_birth=c.born(67, 12, 1),
                sex="female",
                police_person_id="WXP-D-4001",
                address_line_1="61 Saltings Road",
                address_town="Saltmarsh",
                address_postcode="WX8 3SR",
            ),
            PersonIn(
                "trevor",
                given_names="Trevor",
                family_name="Oldacre",
                date_of_birth=c.born(70, 4, 27),
                sex="male",
                police_person_id="WXP-D-4002",
            ),
        ],
        victims=["margaret"],
        perpetrators=["trevor"],
        relationships=[RelationshipIn("margaret", "trevor", "married")],
        no_children_how=(
            "Asked Margaret and Trevor separately: no children live at or stay at the "
            "address. Their only son is 41 and lives in Larkmoor. Force records show no "
            "children linked to the address or to either of them."
        ),
        details=IncidentChanges(
            police_reference="WX/DEMO/0006",
            occurred_at=c.at(3, 11, 20),
            reported_at=c.at(3, 14, 0),
            location_line_1="61 Saltings Road",
            location_town="Saltmarsh",
            location_postcode="WX8 3SR",
            local_authority_id=c.areas[SOUTHMOOR],
            abuse_types=["economic", "controlling_or_coercive"],
            pattern="course_of_conduct",
            summary=(
                "Reported by Margaret's GP. Trevor controls all the money, took her bank "
                "card and phone, and stops her seeing her sister."
            ),
            weapons_used=False,
            crimes_recorded="Controlling or coercive behaviour",
            arrest_made=False,
            no_arrest_reason="To be interviewed under caution by appointment",
            victim_pregnant="no",
        ),
    )


def marchbank(c: _Context) -> IncidentDocument:
    """A Southmoor baby in the room when her father smashed the kitchen: no specialist
    service in Southmoor takes a child under 4, so she is unmet need (issue 13 §4)."""
    return IncidentDocument(
        people=[
            PersonIn(
                "leanne",
                given_names="Leanne",
                family_name="Marchbank",
                date_of_birth=c.born(26, 10, 11),
                sex="female",
                police_person_id="WXP-D-5001",
                address_line_1="12 Weir Lane",
                address_town="Netherby",
                address_postcode="WX7 4WL",
            ),
            PersonIn(
                "craig",
                given_names="Craig",
                family_name="Dunstable",
                date_of_birth=c.born(28, 3, 2),
                sex="male",
                police_person_id="WXP-D-5002",
            ),
            PersonIn(
                "isla",
                given_names="Isla",
                family_name="Marchbank",
                # About fourteen months old: under 4, where Southmoor has no service.
                date_of_birth=c.today - dt.timedelta(days=425),
                sex="female",
                police_person_id="WXP-D-5003",
            ),
        ],
        victims=["leanne"],
        perpetrators=["craig"],
        children=[
            ChildIn(
                "isla",
                {
                    "normally_resident": True,
                    "present": True,
                    "where_present": "In her high chair in the kitchen",
                    "saw": True,
                    "heard": True,
                    "welfare_check_done": True,
                    "welfare_check_by": "PC 4108 Ngata",
                    "spoken_to": False,
                    "not_spoken_to_reason": "A toddler of fourteen months",
                    "demeanour": "Screaming when officers arrived, calmed in her mum's arms",
                    "education": "under_school_age",
                    "health_visitor": "Wessex health visiting, Netherby",
                    "gp": "Netherby Health Centre",
                },
            ),
        ],
        relationships=[
            RelationshipIn("leanne", "craig", "intimate_partners"),
            RelationshipIn("leanne", "isla", "parent", parental_responsibility=True),
            RelationshipIn("craig", "isla", "parent", parental_responsibility=True),
        ],
        details=IncidentChanges(
            police_reference="WX/DEMO/0007",
            occurred_at=c.at(6, 18, 45),
            reported_at=c.at(6, 18, 50),
            location_line_1="12 Weir Lane",
            location_town="Netherby",
            location_postcode="WX7 4WL",
            local_authority_id=c.areas[SOUTHMOOR],
            other_attending="PC 2214 Ashdown",
            abuse_types=["violent_or_threatening", "psychological_or_emotional"],
            pattern="course_of_conduct",
            summary=(
                "Leanne called 999. Craig threw plates and a chair across the kitchen while "
                "Isla was in her high chair, and said he would take her if Leanne left him."
            ),
            weapons_used=False,
            crimes_recorded="Criminal damage; threatening behaviour",
            arrest_made=True,
            victim_pregnant="no",
        ),
    )


POLICE_INCIDENTS: tuple[Callable[[_Context], IncidentDocument], ...] = (
    fenwright_first,
    fenwright_second,
    karwell,
    brindlecombe,
    fenwright_third,
    oldacre,
    marchbank,
)


def penhallick_concern(c: _Context) -> IncidentDocument:
    """A pupil tells her teacher about the night before; the DSL raises a concern."""
    given, family = CONCERN_PUPIL
    return IncidentDocument(
        kind=Incident.Kind.CONCERN,
        people=[
            PersonIn(
                "jodie",
                given_names="Jodie",
                family_name="Penhallick",
                date_of_birth=c.born(30, 5, 21),
                sex="female",
                address_line_1="8 Orchard Row",
                address_town="Ashcombe",
                address_postcode="WX1 2PR",
            ),
            # Known only by his first name: Ruby calls him "Mummy's friend Kyle".
            PersonIn("kyle", given_names="Kyle", sex="male"),
            PersonIn(
                "ruby",
                given_names=given,
                family_name=family,
                date_of_birth=c.born(7, 2, 8),
                sex="female",
            ),
        ],
        victims=["jodie"],
        perpetrators=["kyle"],
        children=[
            ChildIn(
                "ruby",
                {
                    "normally_resident": True,
                    "present": True,
                    "where_present": "In bed, she could hear from her room",
                    "heard": True,
                    "welfare_check_done": True,
                    "welfare_check_by": "Dana Greenwood, designated safeguarding lead",
                    "spoken_to": True,
                    "spoken_to_alone": True,
                    "spoken_where": "The school's quiet room",
                    "others_present": "Her class teacher",
                    "own_words": (
                        "Kyle shouted at Mummy and broke the telly. I hid under my covers. "
                        "Mummy was crying in the morning and her face was red."
                    ),
                    "demeanour": "Very tired, unusually quiet, did not want to go out to play",
                    "worries": "That Kyle will be there when she gets home",
                    "education": "registered",
                    "education_setting_urn": c.urn("Ashcombe Primary School"),
                },
            ),
        ],
        relationships=[
            RelationshipIn("jodie", "kyle", "intimate_partners"),
            RelationshipIn("jodie", "ruby", "parent", parental_responsibility=True),
            RelationshipIn("kyle", "ruby", "parents_partner"),
        ],
        details=IncidentChanges(
            occurred_at=c.at(2, 20, 0),
            reported_at=c.at(1, 9, 15),
            location_line_1="8 Orchard Row",
            location_town="Ashcombe",
            location_postcode="WX1 2PR",
            local_authority_id=c.areas[NORTHSHIRE],
            abuse_types=["violent_or_threatening"],
            summary=(
                "Ruby told her class teacher at morning registration what happened at "
                "home the evening before. Not known whether police were called."
            ),
            victim_pregnant="not_known",
        ),
    )


# One progress step each: the police incidents, then the school's concern.
DEMO_INCIDENT_STEPS = len(POLICE_INCIDENTS) + 1


def seed_incidents(progress: Callable[[str], None] = lambda _: None) -> None:
    """Record the demo incidents and the concern, skipping any that are already there."""
    police = Agency.objects.get(slug=POLICE_SLUG)
    context = _Context(
        today=clock.local_now().date(),
        police=police,
        areas=dict(Area.objects.filter(code__in=[NORTHSHIRE, SOUTHMOOR]).values_list("code", "pk")),
    )
    officer = _actor(RESPONSE_OFFICER, police)
    for build in POLICE_INCIDENTS:
        document = build(context)
        reference = document.details.police_reference or ""
        if not Incident.objects.filter(
            recorded_by_agency=police, police_reference=reference
        ).exists():
            with clock.replaying_at(_submitted_at(document)):
                incident_record_document(actor=officer, document=document)
        progress(reference)
    school = Agency.objects.get(slug=SCHOOL_SLUG)
    given, family = CONCERN_PUPIL
    raised = Party.objects.filter(
        incident__recorded_by_agency=school,
        incident__kind=Incident.Kind.CONCERN,
        person__given_names=given,
        person__family_name=family,
    )
    if not raised.exists():
        concern = penhallick_concern(context)
        with clock.replaying_at(_submitted_at(concern)):
            incident_record_document(actor=_actor(DSL, school), document=concern)
    progress("concern")


def _submitted_at(document: IncidentDocument) -> dt.datetime:
    """When the officer submitted it: an hour and a half after it happened, so that the
    notifications it sent have the due times they would have had (and some are overdue)."""
    occurred = document.details.occurred_at
    assert occurred is not None, "every demo incident has a time"
    return min(occurred + dt.timedelta(minutes=90), clock.now())


def _actor(email: str, agency: Agency) -> Actor:
    actor = actor_for_user(user=User.objects.get(email=email), agency_id=agency.pk)
    assert actor is not None, f"{email} has no membership"  # seeded just before
    return actor
