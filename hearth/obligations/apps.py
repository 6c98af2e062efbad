from django.apps import AppConfig


class ObligationsConfig(AppConfig):
    name = "hearth.obligations"
    label = "obligations"
    verbose_name = "Obligations: the ledger of what each child and adult victim is owed"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from hearth.obligations import hooks, models

        # Their own columns only: the routes' one-to-one records that point at them (a
        # MARAC referral, a notification, an assessment) have their own history, and
        # diffing them would read each on every save.
        for model in (models.Obligation, models.Deadline):
            auditlog.register(model, include_fields=[f.name for f in model._meta.concrete_fields])
        hooks.connect()

        # The incident and child pages (a lower layer) offer hooks; the ledger fills them.
        from hearth.incidents.views import pages
        from hearth.obligations.views import child_obligations_context, incident_obligations_context

        pages.INCIDENT_PAGE_EXTRAS.append(incident_obligations_context)
        pages.CHILD_PAGE_EXTRAS.append(child_obligations_context)
