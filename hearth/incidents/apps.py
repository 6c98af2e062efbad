from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "hearth.incidents"
    label = "incidents"
    verbose_name = "Incidents and concerns"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from hearth.incidents import models

        auditlog.register(models.Incident, m2m_fields={"attending_officers"})
        auditlog.register(models.Party)
        auditlog.register(models.ChildInvolvement)

        # A person's page follows the incidents that name them (people.visibility).
        from hearth.people.visibility import person_source_register

        person_source_register("incidents.parties", models.people_in_incidents_visible_to)

        # The home page (accounts, below) leads with the police roles' main actions.
        from hearth.accounts import views as accounts_views
        from hearth.incidents.home import incident_home_actions

        if incident_home_actions not in accounts_views.HOME_ACTIONS:
            accounts_views.HOME_ACTIONS.append(incident_home_actions)
