from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "hearth.risk"
    label = "risk"
    verbose_name = "Risk: checklists, grades, MARAC criteria and children's risk"
