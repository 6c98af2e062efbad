from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hearth.core"
    label = "core"
    verbose_name = "Hearth core"

    def ready(self) -> None:
        from hearth.core import checks, logging  # noqa: F401  (registers checks)

        logging.configure()
