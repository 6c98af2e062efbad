"""The family page (urls_family) and the whole-family plan (urls_plans)."""

from hearth.families import urls_family, urls_plans

urlpatterns = [*urls_family.urlpatterns, *urls_plans.urlpatterns]
