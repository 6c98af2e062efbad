from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "hearth.referrals"
    label = "referrals"
    verbose_name = "Referrals: children's services, MARAC, IDVA and each child's follow-up"

    def ready(self) -> None:
        from hearth.obligations import registry
        from hearth.referrals.route import ROUTES, connect

        for route in ROUTES:
            registry.register(route)
        connect()

        from auditlog.registry import auditlog

        from hearth.referrals.models import ChildAssessment

        auditlog.register(ChildAssessment)

        # Risk's MARAC criteria learn a victim's earlier MARAC referrals from the ledger
        # (the repeat criterion, domain.md §2.2).
        from hearth.referrals.routing import marac_referrals
        from hearth.risk.selectors import MARAC_REFERRAL_SOURCES

        if marac_referrals not in MARAC_REFERRAL_SOURCES:
            MARAC_REFERRAL_SOURCES.append(marac_referrals)

        # The home page (the lowest layer, accounts) leads with the front door's and an
        # IDVA service's main work, counted (issue 17).
        from hearth.accounts import views as accounts_views
        from hearth.referrals.home import front_door_actions, idva_actions

        for hook in (front_door_actions, idva_actions):
            if hook not in accounts_views.HOME_ACTIONS:
                accounts_views.HOME_ACTIONS.append(hook)
