"""The notify port: how Hearth tells a person or a team that something needs them.

Adapters: email (Django's mail, SMTP in production, the console in demo). Messages
carry no personal data beyond what the recipient may see, and are sent only after the
transaction that caused them commits, so a rolled-back change never sends mail.
Safe-contact rules for victim-facing messages are enforced here in a later issue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.mail import send_mail
from django.db import transaction


@dataclass(frozen=True)
class Message:
    to: Sequence[str]
    subject: str
    body: str


def send_after_commit(message: Message) -> None:
    """Queue ``message`` to be sent once the current transaction commits."""

    def _send() -> None:
        send_mail(message.subject, message.body, None, list(message.to))

    transaction.on_commit(_send)
