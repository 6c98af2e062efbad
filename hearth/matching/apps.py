from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "hearth.matching"
    label = "matching"
    verbose_name = "Person matching and linked identities"

    def ready(self) -> None:
        from hearth.matching.services import people_recorded
        from hearth.people.services import PEOPLE_RECORDED_HOOKS

        # Each person recorded is matched against other agencies' records once the
        # recording commits (issue 16 §2).
        if people_recorded not in PEOPLE_RECORDED_HOOKS:
            PEOPLE_RECORDED_HOOKS.append(people_recorded)
