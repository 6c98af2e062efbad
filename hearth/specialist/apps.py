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
