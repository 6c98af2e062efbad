"""Who may change the directory (reads are open: it holds no personal data).

- A provider keeps its own entries: a specialist practitioner or an administrator of
  the agency that keeps the organisation (``Organisation.agency``).
- The service operator's administrators may add and change any entry, imported ones
  included, and run imports.
"""

from __future__ import annotations

from hearth.core.actor import Actor, Role


def may_keep(actor: Actor, agency_id: int | None) -> bool:
    """May ``actor`` change an entry kept by ``agency_id``?"""
    if actor.is_host_administrator:
        return True
    return (
        agency_id is not None
        and actor.agency_id == agency_id
        and actor.has_role(Role.SPECIALIST_PRACTITIONER, Role.ADMINISTRATOR)
    )


def may_add(actor: Actor) -> bool:
    """Adding an organisation or a service: an administrator (the host's for any
    agency; an agency's for its own)."""
    return actor.is_administrator


def may_import(actor: Actor) -> bool:
    return actor.is_host_administrator
