"""The sending seam: one small interface per channel, with a fake beside it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Outgoing:
    """One notice to deliver; outbox_id is the client reference, message_id the e-mail's id."""

    outbox_id: int
    channel: str
    recipient: str
    subject: str | None
    body: str
    message_id: str | None = None  # None: derived from outbox_id (older rows, SMS)
    in_reply_to: str | None = None  # an answer: the customer's mail it replies to
    references: tuple[str, ...] = ()
    sender: str | None = None  # From (`Name <address>`); None: the channel's configured sender
    reply_to: str | None = None


@dataclass(frozen=True)
class Receipt:
    """What the provider told us (its reference) and the SMS segment count."""

    provider_ref: str | None = None
    segments: int | None = None


class SendError(Exception):
    """Delivery failed; the outbox retries and then dead-letters."""


class Sender(Protocol):
    """Delivers messages of one channel."""

    def send(self, msg: Outgoing) -> Receipt: ...

    def close(self) -> None: ...


@dataclass
class FakeSender:
    """Records what it was asked to send; fails the first `fail_first` attempts."""

    fail_first: int = 0
    sent: list[Outgoing] = field(default_factory=list)
    calls: int = 0

    def send(self, msg: Outgoing) -> Receipt:
        """Record the message (or raise while failures remain)."""
        self.calls += 1
        if self.calls <= self.fail_first:
            raise SendError(f"fake failure {self.calls}")
        self.sent.append(msg)
        return Receipt(provider_ref=f"fake-{msg.outbox_id}")

    def close(self) -> None:
        """Nothing to release."""
