from django.apps import AppConfig


class ObligationsConfig(AppConfig):
    name = "hearth.obligations"
    label = "obligations"
    verbose_name = "Obligations: the ledger of what each child and adult victim is owed"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from hearth.obligations import hooks, models

        for model in (models.Obligation, models.Deadline):
            auditlog.register(model)
        hooks.connect()

        # The incident and child pages (a lower layer) offer hooks; the ledger fills them.
        from hearth.incidents.views import pages
        from hearth.obligations.views import child_obligations_context, incident_obligations_context

        pages.INCIDENT_PAGE_EXTRAS.append(incident_obligations_context)
        pages.CHILD_PAGE_EXTRAS.append(child_obligations_context)
