"""E-mail over SMTP (plain, STARTTLS or SSL, optional auth), one connection reused."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.utils import parseaddr

from noki.messaging.base import Outgoing, Receipt, SendError
from noki.messaging.mime import email_bytes, message_id


@dataclass
class SmtpConfig:
    """Where and how to reach the SMTP server."""

    host: str
    port: int
    security: str = "none"  # none | starttls | ssl
    user: str | None = None
    password: str | None = None
    timeout: float = 10.0
    sender: str = "noki <noreply@example.jp>"


class SmtpSender:
    """Sends e-mails over one kept-open SMTP connection, reconnecting after errors."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._conn: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        conn: smtplib.SMTP
        if c.security == "ssl":
            conn = smtplib.SMTP_SSL(
                c.host, c.port, timeout=c.timeout, context=ssl.create_default_context()
            )
        else:
            conn = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
            if c.security == "starttls":
                conn.starttls(context=ssl.create_default_context())
        if c.user:
            conn.login(c.user, c.password or "")
        return conn

    def send(self, msg: Outgoing) -> Receipt:
        """Send one e-mail; any SMTP or socket error becomes a SendError."""
        data = email_bytes(msg, sender=self.config.sender)
        try:
            if self._conn is None:
                self._conn = self._connect()
            envelope = parseaddr(msg.sender or self.config.sender)[1]
            self._conn.sendmail(envelope, [msg.recipient], data)
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise SendError(f"smtp: {exc}") from exc
        return Receipt(provider_ref=msg.message_id or message_id(msg.outbox_id, self.config.sender))

    def close(self) -> None:
        """Quit the connection if one is open."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                conn.close()
