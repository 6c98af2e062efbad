from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "hearth.families"
    label = "families"
    verbose_name = "The whole family: family pages and whole-family plans"

    def ready(self) -> None:
        from hearth.families import hooks_family

        hooks_family.connect()
