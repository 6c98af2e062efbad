from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "hearth.schools"
    label = "schools"
    verbose_name = "Schools: education settings, their safeguarding leads and term calendars"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from hearth.schools import models

        for model in (
            models.EducationSetting,
            models.SettingContact,
            models.TermCalendar,
            models.TermPeriod,
            models.InsetDay,
        ):
            auditlog.register(model)

        # The intake's education question (a lower layer) chooses from this directory.
        from hearth.incidents import directory
        from hearth.schools.selectors import (
            setting_choice_for,
            setting_choices,
            setting_choices_for,
        )

        if setting_choices not in directory.SETTING_DIRECTORIES:
            directory.SETTING_DIRECTORIES.append(setting_choices)
            directory.SETTING_LOOKUPS.append(setting_choice_for)
            directory.SETTING_MANY_LOOKUPS.append(setting_choices_for)
