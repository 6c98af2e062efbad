from typing import Any

from hearth.core.actor import Actor


def home_page_context(actor: Actor) -> dict[str, Any]:
    return {}


def obligation_page_context(actor: Actor, detail: Any) -> dict[str, Any]:
    return {}
