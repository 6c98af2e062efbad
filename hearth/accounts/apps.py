from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hearth.accounts"
    label = "accounts"
    verbose_name = "Agencies, teams and people who work there"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from hearth.accounts import models

        # Field-level history of every write (architecture §5). Secrets never enter it.
        auditlog.register(models.Area)
        auditlog.register(models.Agency, m2m_fields={"areas"})
        auditlog.register(models.Team)
        auditlog.register(models.User, exclude_fields=["password", "last_login"])
        auditlog.register(models.Membership)
        auditlog.register(models.ApiKey, exclude_fields=["key_hash", "last_used_at"])
