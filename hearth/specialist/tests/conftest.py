from __future__ import annotations

from typing import Any

import pytest

from hearth.directory.models import Service


@pytest.fixture
def empty_directory(wessex: Any) -> Any:
    """The demo's directory set aside: each test lists the services it needs."""
    Service.objects.update(status="inactive")
    return wessex
