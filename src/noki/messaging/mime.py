"""Japanese e-mail as MIME: UTF-8 body, encoded subject, Message-ID from the outbox id."""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from noki.messaging.base import Outgoing


def message_id(outbox_id: int, sender: str) -> str:
    """A stable Message-ID so a repeated send is recognisable as the same message."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "noki.invalid"
    return f"<noki-outbox-{outbox_id}@{domain}>"


def build_email(msg: Outgoing, *, sender: str) -> EmailMessage:
    """The MIME message for an outbox e-mail (subject RFC 2047-encoded, body UTF-8 base64)."""
    mail = EmailMessage()
    name, addr = parseaddr(sender)
    mail["From"] = Address(display_name=name, addr_spec=addr) if name else addr
    mail["To"] = msg.recipient
    mail["Subject"] = msg.subject or ""
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = message_id(msg.outbox_id, sender)
    mail["X-Noki-Outbox-Id"] = str(msg.outbox_id)
    mail.set_content(msg.body, charset="utf-8", cte="base64")
    return mail
