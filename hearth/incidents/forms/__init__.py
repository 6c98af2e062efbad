"""The pages of recording an incident or raising a concern, one form per page, and the
public protection list's filter. GOV.UK patterns through crispy-forms-gds.

Forms only check what a person typed (a real date, a real time); whether the incident
can be submitted is ``policy.submission_problems``'s decision, so a draft can be saved
half-done from any page. Each form gives back only what was changed, so saving a page
unchanged records nothing (and, after submission, stores no new version).

- ``_fields``: times as people type them, initial answers from a record, shared fields
- ``incident``: the incident's own pages
- ``relationships``: how the adults, and each adult and child, are related
- ``children``: each child's involvement, page by page, or that there are none
- ``filters``: the public protection list's filter
"""

from hearth.incidents.forms._fields import InitialFrom, parse_time
from hearth.incidents.forms.children import (
    CHILD_STEP_FORMS,
    EXPERIENCES,
    CommunicationForm,
    ConversationForm,
    EducationForm,
    ExperienceForm,
    InvolvementForm,
    NoChildrenForm,
    PresenceForm,
    VoiceForm,
    WelfareForm,
)
from hearth.incidents.forms.filters import (
    ANY,
    WITH,
    WITHOUT,
    IncidentFilterForm,
    IncidentReviewForm,
)
from hearth.incidents.forms.incident import (
    IncidentDetailsForm,
    PoliceActionForm,
    PregnancyForm,
    WhatHappenedForm,
)
from hearth.incidents.forms.relationships import (
    ADULT_KINSHIPS,
    CHILD_KINSHIPS,
    AdultsRelationshipForm,
    ChildRelationshipsForm,
    kinship_phrase,
)

__all__ = [
    "ADULT_KINSHIPS",
    "ANY",
    "CHILD_KINSHIPS",
    "CHILD_STEP_FORMS",
    "EXPERIENCES",
    "WITH",
    "WITHOUT",
    "AdultsRelationshipForm",
    "ChildRelationshipsForm",
    "CommunicationForm",
    "ConversationForm",
    "EducationForm",
    "ExperienceForm",
    "IncidentDetailsForm",
    "IncidentFilterForm",
    "IncidentReviewForm",
    "InitialFrom",
    "InvolvementForm",
    "NoChildrenForm",
    "PoliceActionForm",
    "PregnancyForm",
    "PresenceForm",
    "VoiceForm",
    "WelfareForm",
    "WhatHappenedForm",
    "kinship_phrase",
    "parse_time",
]
