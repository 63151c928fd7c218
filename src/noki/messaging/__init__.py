"""Messaging adapters: SMTP e-mail, HTTP SMS gateway, file sink, and fakes."""

from __future__ import annotations

from dataclasses import dataclass, field

from noki.messaging.base import FakeSender, Outgoing, Receipt, Sender, SendError
from noki.messaging.filesink import FileSink
from noki.messaging.identity import MailIdentities, MailIdentity, identities_from
from noki.messaging.sms import HttpSmsSender, segments
from noki.messaging.smtp import SmtpConfig, SmtpSender
from noki.settings import Settings

__all__ = [
    "Channels",
    "FakeSender",
    "FileSink",
    "HttpSmsSender",
    "MailIdentities",
    "MailIdentity",
    "Outgoing",
    "Receipt",
    "SendError",
    "Sender",
    "SmtpConfig",
    "SmtpSender",
    "build_channels",
    "identities_from",
    "segments",
]


@dataclass
class Channels:
    """One sender per channel, and who e-mails are from (per industry)."""

    email: Sender
    sms: Sender
    identities: MailIdentities = field(default_factory=MailIdentities)

    def for_channel(self, channel: str) -> Sender:
        """The sender for 'email' or 'sms'."""
        return self.email if channel == "email" else self.sms

    def close(self) -> None:
        """Close both senders."""
        self.email.close()
        self.sms.close()


def build_channels(settings: Settings) -> Channels:
    """Senders as the settings ask (file sink by default)."""
    sink = FileSink(settings.outbox_dir, settings.mail_from)
    email: Sender = sink
    if settings.mail_transport == "smtp":
        email = SmtpSender(
            SmtpConfig(
                host=settings.smtp_host,
                port=settings.smtp_port,
                security=settings.smtp_security,
                user=settings.smtp_user,
                password=settings.smtp_password,
                timeout=settings.smtp_timeout,
                sender=settings.mail_from,
            )
        )
    sms: Sender = sink
    if settings.sms_transport == "http" and settings.sms_gateway_url:
        sms = HttpSmsSender(
            settings.sms_gateway_url, settings.sms_gateway_token, settings.sms_timeout
        )
    identities = identities_from(settings.mail_identities, mail_from=settings.mail_from,
                                 reply_to=settings.reply_address,
                                 message_id_domain=settings.mail_message_id_domain)
    return Channels(email=email, sms=sms, identities=identities)
