from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "hearth.directory"
    label = "directory"
    verbose_name = "Directory: specialist services for children (Open Referral UK 3.0)"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from hearth.directory import models

        for model in (models.Organisation, models.Service, models.Location):
            auditlog.register(model)
