"""Who an e-mail is from: sender name, From and Reply-To per industry, and new Message-IDs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import formataddr, make_msgid, parseaddr


@dataclass(frozen=True)
class MailIdentity:
    """One company's (industry's) sending identity; replies go to reply_to (the inbound address)."""

    name: str
    address: str
    reply_to: str | None = None

    def from_header(self) -> str:
        """`Name <address>` (the MIME layer encodes a Japanese name)."""
        return formataddr((self.name, self.address))


@dataclass(frozen=True)
class MailIdentities:
    """Identities by industry; without one, the channel's configured sender is used."""

    by_industry: Mapping[str, MailIdentity] = field(default_factory=dict)
    default: MailIdentity | None = None
    message_id_domain: str = ""

    def for_industry(self, industry: str | None) -> MailIdentity | None:
        """The identity to send an order's mail with (None: the sender's own default)."""
        return self.by_industry.get(industry or "", self.default)

    def new_message_id(self, identity: MailIdentity | None) -> str:
        """A globally unique Message-ID (time, pid, random) at our domain."""
        domain = self.message_id_domain or (
            parseaddr(identity.address)[1].rpartition("@")[2] if identity else "") or "noki.invalid"
        return make_msgid(idstring="noki", domain=domain)


def identities_from(by_industry: Mapping[str, Mapping[str, str | None]], *, mail_from: str,
                    reply_to: str | None, message_id_domain: str = "") -> MailIdentities:
    """Identities from settings: each industry's name/address/reply_to, Reply-To defaulting to
    the inbound address."""
    name, address = parseaddr(mail_from)
    default = MailIdentity(name or "noki", address or "noreply@example.jp", reply_to)
    found = {
        industry: MailIdentity(str(v.get("name") or default.name),
                               str(v.get("address") or default.address),
                               v.get("reply_to") or reply_to)
        for industry, v in by_industry.items()
    }
    return MailIdentities(found, default, message_id_domain)
