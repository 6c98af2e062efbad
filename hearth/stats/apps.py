from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "hearth.stats"
    label = "stats"
    verbose_name = "Statistics: measures, rates and disclosure control"

    def ready(self) -> None:
        # The home page (the lowest layer, accounts) offers analysts their statistics and
        # shows managers their teams' figures, without accounts importing stats.
        from hearth.accounts import views as accounts_views
        from hearth.stats import checks  # noqa: F401 (registers the disclosure check)
        from hearth.stats.views import home_actions, home_page_context

        if home_page_context not in accounts_views.HOME_PAGE_EXTRAS:
            accounts_views.HOME_PAGE_EXTRAS.append(home_page_context)
        if home_actions not in accounts_views.HOME_ACTIONS:
            accounts_views.HOME_ACTIONS.append(home_actions)
