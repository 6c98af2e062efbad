from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "hearth.risk"
    label = "risk"
    verbose_name = "Risk: checklists, grades, MARAC criteria and children's risk"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from hearth.risk import checks, models  # noqa: F401  (registers the wording check)

        for model in (
            models.RiskAssessment,
            models.RiskAnswer,
            models.ChildRisk,
            models.CircumstanceChange,
            models.AreaRiskSettings,
        ):
            auditlog.register(model)

        # The incident and child pages (a lower layer) offer hooks; risk fills them.
        from hearth.incidents.views import pages
        from hearth.people import views as people_views
        from hearth.risk.views import (
            child_risk_context,
            incident_risk_context,
            person_risk_context,
        )

        pages.INCIDENT_PAGE_EXTRAS.append(incident_risk_context)
        pages.CHILD_PAGE_EXTRAS.append(child_risk_context)
        people_views.PERSON_PAGE_EXTRAS.append(person_risk_context)

        # A victim assessed by the actor's agency without an incident (an IDVA's RIC) is
        # visible through the checklist (people.visibility).
        from hearth.people.visibility import person_source_register

        person_source_register("risk.assessments", models.victims_assessed_visible_to)
