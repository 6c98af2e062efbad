from django.apps import AppConfig


class EncompassConfig(AppConfig):
    name = "hearth.encompass"
    label = "encompass"
    verbose_name = "Operation Encompass: each child's school told before the next school day"

    def ready(self) -> None:
        from hearth.encompass.route import ROUTE
        from hearth.obligations import registry

        registry.register(ROUTE)

        # Reads logged before these models left the ledger app name them by their former
        # labels; the access log's search finds both.
        from hearth.audit.selectors import FORMER_RECORD_TYPES

        for model in ("encompassnotification", "encompasssettings", "encompasschild"):
            FORMER_RECORD_TYPES[f"encompass.{model}"] = (f"obligations.{model}",)

        # The home page (the lowest layer, accounts) leads a DSL's, health visitor's or
        # education safeguarding officer's with their notifications (issue 17).
        from hearth.accounts import views as accounts_views
        from hearth.encompass.views import home_actions

        if home_actions not in accounts_views.HOME_ACTIONS:
            accounts_views.HOME_ACTIONS.append(home_actions)
