from django.apps import AppConfig


class VoicesConfig(AppConfig):
    name = "hearth.voices"
    label = "voices"
    verbose_name = "The child's voice after the scene"
