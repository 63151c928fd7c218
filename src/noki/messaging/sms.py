"""SMS through an HTTP gateway (JSON POST with a bearer token) and segment counting."""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.request

from noki.messaging.base import Outgoing, Receipt, SendError

_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def segments(text: str) -> int:
    """SMS parts: GSM-7 160/153, otherwise UCS-2 70/67 (astral characters count twice)."""
    if all(ch in _GSM7 for ch in text):
        units, single, multi = len(text), 160, 153
    else:
        units, single, multi = len(text.encode("utf-16-le")) // 2, 70, 67
    if units <= single:
        return 1
    return math.ceil(units / multi)


class HttpSmsSender:
    """POSTs {"to", "text", "client_ref"} to the gateway URL."""

    def __init__(self, url: str, token: str | None, timeout: float = 10.0) -> None:
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, msg: Outgoing) -> Receipt:
        """Send one SMS; non-2xx answers and network errors become SendError."""
        data = json.dumps(
            {"to": msg.recipient, "text": msg.body, "client_ref": f"noki-outbox-{msg.outbox_id}"}
        ).encode()
        req = urllib.request.Request(self.url, data=data, method="POST")
        req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                answer = resp.read()
        except (urllib.error.URLError, OSError) as exc:
            raise SendError(f"sms gateway: {exc}") from exc
        try:
            ref = json.loads(answer or b"{}").get("id")
        except (ValueError, AttributeError):
            ref = None
        return Receipt(provider_ref=str(ref) if ref else None, segments=segments(msg.body))

    def close(self) -> None:
        """Nothing kept open."""
