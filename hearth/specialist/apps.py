from django.apps import AppConfig


class SpecialistConfig(AppConfig):
    name = "hearth.specialist"
    label = "specialist"
    verbose_name = "Specialist support: offers, referrals to services and unmet need"

    def ready(self) -> None:
        from hearth.obligations import registry
        from hearth.specialist.route import ROUTES, connect

        for route in ROUTES:
            registry.register(route)
        connect()

        # The child's record (a lower layer) links to referring them.
        from hearth.incidents.views import pages
        from hearth.specialist.views import child_page_context

        if child_page_context not in pages.CHILD_PAGE_EXTRAS:
            pages.CHILD_PAGE_EXTRAS.append(child_page_context)

        # The home page (the lowest layer, accounts) says what is waiting.
        from hearth.accounts import views as accounts_views
        from hearth.specialist.views import home_actions, home_page_context

        if home_page_context not in accounts_views.HOME_PAGE_EXTRAS:
            accounts_views.HOME_PAGE_EXTRAS.append(home_page_context)
        if home_actions not in accounts_views.HOME_ACTIONS:
            accounts_views.HOME_ACTIONS.append(home_actions)

        # The child's safeguarding record (the ledger core) links to referring them.
        from hearth.obligations.views import detail
        from hearth.specialist.views import child_record_context

        if child_record_context not in detail.CHILD_RECORD_EXTRAS:
            detail.CHILD_RECORD_EXTRAS.append(child_record_context)
