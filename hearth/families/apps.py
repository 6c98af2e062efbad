from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "hearth.families"
    label = "families"
    verbose_name = "The whole family: family pages and whole-family plans"

    def ready(self) -> None:
        from hearth.families import hooks_family

        hooks_family.connect()

        # The plan's actions and reviews are routes of the ledger (FAMILY-ACTION-1,
        # FAMILY-REVIEW-1), and a MARAC meeting's actions join the family's open plan.
        from hearth.families.route import ROUTES, connect
        from hearth.obligations import registry

        for route in ROUTES:
            registry.register(route)
        connect()
