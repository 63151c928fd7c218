"""Japanese e-mail as MIME: UTF-8 body, encoded subject and name, Message-ID, threading."""

from __future__ import annotations

from email.charset import BASE64, Charset
from email.header import Header
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formataddr, formatdate, parseaddr

from noki.messaging.base import Outgoing

_WIRE = compat32.clone(linesep="\r\n")
_UTF8 = Charset("utf-8")
_UTF8.header_encoding = BASE64
_UTF8.body_encoding = BASE64


def header_safe(value: str, what: str) -> str:
    """Refuse a value that could start a new header line (CR, LF, NUL): never send it."""
    if any(ch in value for ch in "\r\n\0"):
        raise ValueError(f"{what} contains a line break or NUL: {value[:60]!r}")
    return value


def message_id(outbox_id: int, sender: str) -> str:
    """A stable Message-ID so a repeated send is recognisable as the same message."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "noki.invalid"
    return f"<noki-outbox-{outbox_id}@{domain}>"


def build_email(msg: Outgoing, *, sender: str) -> MIMEText:
    """The MIME message for an outbox e-mail (subject RFC 2047-encoded, body UTF-8 base64)."""
    header_safe(msg.recipient, "recipient")
    sender = header_safe(msg.sender, "From") if msg.sender else sender
    mail = MIMEText(msg.body, "plain", "utf-8")  # base64 body
    name, addr = parseaddr(sender)
    mail["From"] = formataddr((name, addr), charset=_UTF8)
    mail["To"] = msg.recipient
    mail["Subject"] = Header(msg.subject or "", _UTF8)  # type: ignore[assignment]
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = header_safe(msg.message_id or message_id(msg.outbox_id, sender),
                                     "Message-ID")
    if msg.reply_to:
        mail["Reply-To"] = header_safe(msg.reply_to, "Reply-To")
    if msg.in_reply_to:  # an answer lands in the customer's thread
        mail["In-Reply-To"] = header_safe(msg.in_reply_to, "In-Reply-To")
        refs = [*[r for r in msg.references if r != msg.in_reply_to], msg.in_reply_to]
        mail["References"] = header_safe(" ".join(refs[-20:]), "References")
    mail["X-Noki-Outbox-Id"] = str(msg.outbox_id)
    return mail


def email_bytes(msg: Outgoing, *, sender: str) -> bytes:
    """The message as it goes on the wire (CRLF line ends, as SMTP requires)."""
    return build_email(msg, sender=sender).as_bytes(policy=_WIRE)
