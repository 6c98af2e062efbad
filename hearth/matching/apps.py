from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "hearth.matching"
    label = "matching"
    verbose_name = "Person matching and linked identities"
