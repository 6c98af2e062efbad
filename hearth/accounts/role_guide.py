"""What each role does in Hearth, shown on the home page (architecture §1).

Plain words for the person, not a permission list: permissions live in ``rules.py``
and ``visible_to``.
"""

from __future__ import annotations

from hearth.core.actor import Role

ROLE_GUIDE: dict[str, tuple[str, ...]] = {
    Role.RESPONSE_OFFICER: (
        "Record a domestic abuse incident at or after the scene, on your phone.",
        "Record every child: whether you saw them, spoke to them alone, and their own words.",
        "Complete the adult victim's risk checklist.",
        "See the incidents you recorded and what happened to each child's referrals.",
    ),
    Role.PUBLIC_PROTECTION_OFFICER: (
        "Review every domestic abuse incident your force recorded.",
        "Add history and check risk grades.",
        "See every notification your force sent and those not yet acknowledged.",
    ),
    Role.FRONT_DOOR_PRACTITIONER: (
        "Receive child concern notifications for children in your local authority.",
        "Acknowledge each one and record a decision within one working day.",
        "Record the outcome, including Children in Need codes.",
        "Offer each child victim specialist support: refer them to a service that fits, or "
        "record why it is not needed now. See the children still waiting for it.",
    ),
    Role.FRONT_DOOR_MANAGER: (
        "See your front door team's work, what is due and what is overdue.",
        "Redirect or withdraw a notification, with a reason.",
        "Everything a front door practitioner does.",
    ),
    Role.DESIGNATED_SAFEGUARDING_LEAD: (
        "Receive Operation Encompass notifications for your pupils before the next school day.",
        "Acknowledge each one and record the support your school gives.",
    ),
    Role.EDUCATION_SAFEGUARDING_OFFICER: (
        "Receive notifications for children who are not registered at a school, or are "
        "electively home educated.",
        "Follow up notifications that schools have not acknowledged in time.",
    ),
    Role.MARAC_COORDINATOR: (
        "Receive MARAC referrals for adult victims at high risk.",
        "See each child in the household and check that each has been referred to "
        "children's services.",
    ),
    Role.IDVA: (
        "Receive referrals for adult victims at high risk.",
        "When you support a parent, Hearth makes sure each of their children is followed up.",
    ),
    Role.SPECIALIST_PRACTITIONER: (
        "Receive referrals for children who need specialist or therapeutic support.",
        "Record the support given and when a child is safe and supported.",
        "Keep your services' entries in the directory current: places, waiting time, and "
        "whether you are taking referrals.",
    ),
    Role.HEALTH_PRACTITIONER: (
        "Raise a concern about a child living with domestic abuse.",
        "Receive notifications for children under school age, where your area has opted in.",
    ),
    Role.ANALYST: (
        "See statistics on where the system is failing children: timeliness, outcomes and "
        "unmet need, with small numbers suppressed.",
        "You see totals only, never a child's record.",
    ),
    Role.DATA_QUALITY_REVIEWER: (
        "Review possible matches: records of what may be the same person made by different "
        "organisations.",
        "Confirm or reject each one with a reason, and undo a link that was wrong.",
        "A link never lets anyone see a record they could not see before.",
    ),
    Role.ADMINISTRATOR: (
        "Manage your organisation's teams and the people who work in them.",
        "Search the access log: who looked at which record, and when.",
        "You see configuration, not case records.",
    ),
}
