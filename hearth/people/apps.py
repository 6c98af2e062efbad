from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "hearth.people"
    label = "people"
    verbose_name = "People, relationships and households"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from hearth.people import models

        for model in (
            models.Person,
            models.PersonName,
            models.Address,
            models.PersonAddress,
            models.Relationship,
            models.Household,
            models.HouseholdMember,
        ):
            auditlog.register(model)
