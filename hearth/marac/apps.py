from django.apps import AppConfig


class MaracConfig(AppConfig):
    name = "hearth.marac"
    label = "marac"
    verbose_name = "MARAC meetings, cases heard and their actions"
