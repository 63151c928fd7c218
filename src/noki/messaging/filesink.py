"""The demo transport: each message becomes a file under var/outbox/ (.eml or .txt)."""

from __future__ import annotations

import os
from pathlib import Path

from noki.messaging.base import Outgoing, Receipt
from noki.messaging.mime import email_bytes, header_safe
from noki.messaging.sms import segments


class FileSink:
    """Writes messages atomically; a repeated send overwrites the same file."""

    def __init__(self, folder: Path, sender: str = "noki <noreply@example.jp>") -> None:
        self.folder, self.sender = folder, sender

    def send(self, msg: Outgoing) -> Receipt:
        """Write the .eml (e-mail) or .txt (SMS) file."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if msg.channel == "email":
            data = email_bytes(msg, sender=self.sender)
            path, segs = self.folder / f"{msg.outbox_id:08d}-email.eml", None
        else:
            data = f"To: {header_safe(msg.recipient, 'recipient')}\n\n{msg.body}\n".encode()
            path, segs = self.folder / f"{msg.outbox_id:08d}-sms.txt", segments(msg.body)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return Receipt(provider_ref=str(path), segments=segs)

    def close(self) -> None:
        """Nothing kept open."""
