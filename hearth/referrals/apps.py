from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "hearth.referrals"
    label = "referrals"
    verbose_name = "Referrals: children's services, MARAC, IDVA and each child's follow-up"

    def ready(self) -> None:
        from hearth.obligations import registry
        from hearth.referrals.route import ROUTES

        for route in ROUTES:
            registry.register(route)
