"""Pages for recording an incident or raising a concern, the incident's summary, a child's
record and the public protection list.

Thin: each page reads through ``incidents.selectors`` (which check ``visible_to`` and
write the access log) and writes through the services (which check who may change an
incident, and record the timeline and versions). Each page of the journey saves the
draft, so an officer can stop at any point and carry on from the drafts list.

- ``_common``: the order of the journey's pages and where each leads
- ``journey``: starting, the incident's own pages, and each child's loop
- ``people``: adding a person (name, existing records, details) and taking one out
- ``check``: check your answers, and submit
- ``pages``: reading an incident, a child's record, and the list
"""

from hearth.incidents.views.check import incident_check
from hearth.incidents.views.journey import (
    incident_adults,
    incident_child_relationships,
    incident_child_step,
    incident_children,
    incident_details,
    incident_police_action,
    incident_pregnancy,
    incident_relationship,
    incident_start,
    incident_what_happened,
)
from hearth.incidents.views.pages import (
    child_detail,
    incident_detail,
    incident_list,
    incident_review,
)
from hearth.incidents.views.people import (
    incident_person_details,
    incident_person_find,
    incident_person_matches,
    incident_person_remove,
)

__all__ = [
    "child_detail",
    "incident_adults",
    "incident_check",
    "incident_child_relationships",
    "incident_child_step",
    "incident_children",
    "incident_detail",
    "incident_details",
    "incident_list",
    "incident_person_details",
    "incident_person_find",
    "incident_person_matches",
    "incident_person_remove",
    "incident_police_action",
    "incident_pregnancy",
    "incident_relationship",
    "incident_review",
    "incident_start",
    "incident_what_happened",
]
