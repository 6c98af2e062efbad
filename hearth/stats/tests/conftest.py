"""Fixtures for the statistics tests."""

from __future__ import annotations

import dataclasses

import pytest

from hearth.stats import selectors


@pytest.fixture
def unadjusted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The deployment's rules without DISCLOSURE-2's adjustment: for tests of the measures'
    arithmetic on hand-made figures, whose point is the sums (the adjustment itself is
    tested in test_differencing.py, and through the pages there)."""
    real = selectors.rules
    monkeypatch.setattr(selectors, "rules", lambda: dataclasses.replace(real(), perturbation=0))
