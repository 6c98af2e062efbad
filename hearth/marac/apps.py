from django.apps import AppConfig


class MaracConfig(AppConfig):
    name = "hearth.marac"
    label = "marac"
    verbose_name = "MARAC meetings, cases heard and their actions"

    def ready(self) -> None:
        from hearth.marac.route import ROUTES
        from hearth.obligations import registry

        for route in ROUTES:
            registry.register(route)

        # The home page (the lowest layer, accounts) leads with the MARAC's main work and
        # what is waiting for it, counted (issue 17).
        from hearth.accounts import views as accounts_views
        from hearth.marac.views import home_actions

        if home_actions not in accounts_views.HOME_ACTIONS:
            accounts_views.HOME_ACTIONS.append(home_actions)

        # A MARAC referral's page (the ledger core) says which meeting hears it, to the
        # MARAC only, without the ledger or the referrals app naming meetings.
        from hearth.marac.views import obligation_page_context
        from hearth.obligations.views import detail

        if obligation_page_context not in detail.OBLIGATION_PAGE_EXTRAS:
            detail.OBLIGATION_PAGE_EXTRAS.append(obligation_page_context)
