"""The obligations API as a deployment builds it once the example route's app is ready
(``tests/test_route_plugin.py``): the obligations router made again, now that the route is
registered, under ``/api/v1/`` with Hearth's own authentication and error handlers, before
the rest of Hearth's URLs."""

from __future__ import annotations

import importlib

from django.urls import path
from ninja import NinjaAPI

import config.api
import config.urls
import hearth.obligations.api
from hearth.accounts.api_auth import ApiKeyAuth, SessionActorAuth

obligations_api = importlib.reload(hearth.obligations.api)

api = NinjaAPI(
    title="Hearth API",
    version="1",
    auth=[ApiKeyAuth(), SessionActorAuth()],
    urls_namespace="example_route_api",
    docs_url=None,
)
api.add_router("/", obligations_api.router)
api._exception_handlers = dict(config.api.api._exception_handlers)

urlpatterns = [path("api/v1/", api.urls), *config.urls.urlpatterns]
