"""A real SMTP server (aiosmtpd) that collects mail for the tests."""
from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from selfhelp import clock
from selfhelp.notifications.delivery import send_everything_due


class Collector:
    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    """Start/stop-able, so tests can take the server away mid-run (it comes back on its port)."""

    def __init__(self):
        self.collector = Collector()
        self.port: int | None = None
        self.controller: Controller | None = None

    def start(self) -> None:
        if self.port is not None:
            self._listen(self.port)
            return
        # free_port() forgets the port before the server binds it: another test process (an xdist
        # worker, a colleague's run) may take it meanwhile. Then take another.
        for attempt in range(5):
            port = free_port()
            try:
                self._listen(port)
            except OSError:
                if attempt == 4:
                    raise
                continue
            self.port = port
            return

    def _listen(self, port: int) -> None:
        controller = Controller(self.collector, hostname="127.0.0.1", port=port)
        try:
            controller.start()
        except OSError:
            controller.loop.close()  # its thread has ended; an unclosed loop would warn
            raise
        self.controller = controller

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.collector.messages

    def clear(self) -> None:
        self.collector.messages.clear()


def text_of(msg: EmailMessage) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


def send_queued_mail() -> None:
    """Account mail (and every notice) leaves through the outbox: run the due-notification sender
    once, as the scheduler's next pass would (needs the test's app context)."""
    send_everything_due(clock.now, worker="test")
