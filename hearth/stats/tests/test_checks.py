"""The deployment's disclosure control is checked at start-up."""

from __future__ import annotations

from django.test import override_settings

from hearth.stats.checks import disclosure_preset


def test_a_known_preset_passes_whatever_its_case() -> None:
    with override_settings(HEARTH_STATS_DISCLOSURE="ONS"):
        assert disclosure_preset() == []
    assert disclosure_preset() == []  # the default, "dfe"


def test_an_unknown_preset_stops_start_up_with_its_name() -> None:
    with override_settings(HEARTH_STATS_DISCLOSURE="none"):
        (error,) = disclosure_preset()
    assert error.id == "hearth.stats.E001" and "'none'" in error.msg and "dfe, ons" in error.msg
