from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "hearth.matching"
    label = "matching"
    verbose_name = "Person matching and linked identities"

    def ready(self) -> None:
        from hearth.accounts import views as accounts_views
        from hearth.matching.tasks import people_recorded
        from hearth.matching.views import home_actions
        from hearth.people.services import PEOPLE_RECORDED_HOOKS

        if home_actions not in accounts_views.HOME_ACTIONS:
            accounts_views.HOME_ACTIONS.append(home_actions)

        # Each person recorded is matched against other agencies' records by the
        # worker, from a task enqueued in the recording's transaction (issue 16 §2).
        if people_recorded not in PEOPLE_RECORDED_HOOKS:
            PEOPLE_RECORDED_HOOKS.append(people_recorded)
