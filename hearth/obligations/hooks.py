"""How the ledger hears of what happens in the contexts below it, without them importing
it (pyproject.toml's layers): a submitted incident is routed in the transaction that
submits it; a completed risk checklist at a submitted incident routes it again, because
the MARAC and IDVA routes need the grade (routing is idempotent)."""

from __future__ import annotations

from typing import Any

from hearth.core.actor import Actor
from hearth.incidents.models import Incident


def _on_incident_submitted(sender: Any, *, actor: Actor, incident: Incident, **_: Any) -> None:
    from hearth.obligations.routing import incident_route

    incident_route(actor=actor, incident=incident)


def _on_risk_completed(sender: Any, *, actor: Actor, **sent: Any) -> None:
    from hearth.obligations.routing import incident_route

    checklist = sent["assessment"]  # the risk checklist just completed
    if checklist.incident_id is not None:
        incident_route(actor=actor, incident=checklist.incident)


def connect() -> None:
    from hearth.incidents.services import incident_submitted
    from hearth.risk import services as risk

    incident_submitted.connect(_on_incident_submitted, dispatch_uid="obligations.route_incident")
    # The risk app's signal that a checklist is complete.
    risk.assessment_completed.connect(
        _on_risk_completed, dispatch_uid="obligations.route_after_risk"
    )
