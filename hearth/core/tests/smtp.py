"""A real SMTP server inside the test process (aiosmtpd), for the delivery worker's tests:
what arrives, how many times, and a server that refuses, delays or accepts on cue."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from typing import Any

from aiosmtpd.controller import Controller

OK = "250 OK"


@dataclass
class Received:
    to: list[str]
    message_id: str
    subject: str
    body: str


@dataclass
class Mailbox:
    """What the server does and what it has received.

    ``replies``: answers to give to the next DATA commands instead of accepting (for
    example ``"451 4.3.0 Try again later"``), one each; ``refuse_rcpt``: an answer to give
    to every RCPT (``"550 5.1.1 No such mailbox"``); ``delay``: seconds to wait, after the
    message has arrived, before answering DATA (a slow server); ``hold_at``: once this
    many messages have arrived, the last of them is not answered until ``release`` is set
    (a worker can be killed while the server holds its message)."""

    replies: list[str] = field(default_factory=list)
    refuse_rcpt: str = ""
    refuse_data: str = ""
    delay: float = 0.0
    hold_at: int = 0
    release: threading.Event = field(default_factory=threading.Event)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return OK

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.replies:
                return self.replies.pop(0)
        if self.refuse_data:
            return self.refuse_data
        message = message_from_bytes(envelope.content)
        payload = message.get_payload(decode=True)
        assert isinstance(payload, bytes)
        with self.lock:
            self.received.append(
                Received(
                    to=list(envelope.rcpt_tos),
                    message_id=str(message["Message-ID"]),
                    subject=str(message["Subject"]),
                    body=payload.decode(),
                )
            )
            held = self.hold_at and len(self.received) == self.hold_at
        if self.delay:
            await asyncio.sleep(self.delay)
        while held and not self.release.is_set():
            await asyncio.sleep(0.01)
        return "250 Message accepted for delivery"

    def message_ids(self) -> Counter[str]:
        with self.lock:
            return Counter(r.message_id for r in self.received)

    def count(self) -> int:
        with self.lock:
            return len(self.received)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    """A running server on 127.0.0.1 and a free port, stopped afterwards."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def smtp_settings(port: int) -> dict[str, Any]:
    """Django's SMTP backend pointed at the test server."""
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": port,
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_TIMEOUT": 10,
    }
