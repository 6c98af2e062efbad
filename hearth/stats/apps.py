from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "hearth.stats"
    label = "stats"
    verbose_name = "Statistics: measures, rates and disclosure control"
