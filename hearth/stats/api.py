"""The statistics API (``/api/v1/statistics/…``, issue 15 §4)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["statistics"])
