"""Drafting settings (pure values): SMS size, delivery lead times, the self-service link."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

SMS_SEGMENT_CHARS = 70  # one UCS-2 segment
SMS_PART_CHARS = 67  # each part of a concatenated message
_BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _lead_days() -> dict[str, int]:
    # Days from arrival at our warehouse to the customer's date, per kind of delivery.
    return {"ec": 2, "btob": 1, "vehicle": 7, "parts": 1}


@dataclass(frozen=True)
class NoticeSettings:
    """What the drafter and the checker need besides the order and its decision."""

    sms_max_segments: int = 1
    replies_handled: bool = False  # 「返信でお選びください」 only when replies are read
    lead_days: dict[str, int] = field(default_factory=_lead_days)
    btob_business_days: bool = True  # BtoB lead time skips Saturdays and Sundays
    # Placeholder until the lifecycle issue signs self-service links: never a bare order id.
    self_service_url: str = "https://nk.example/s/{token}"
    link_salt: str = "noki-self-service"

    @property
    def sms_limit(self) -> int:
        """Characters allowed in one SMS under the segment limit."""
        if self.sms_max_segments <= 1:
            return SMS_SEGMENT_CHARS
        return SMS_PART_CHARS * self.sms_max_segments

    def link_for(self, order_id: str) -> str:
        """A stand-in link of the real one's shape (12 opaque characters, never the order id).

        The service puts the order's stored short link into every notice; this one serves the
        pure drafter alone (`noki draft`, tests).
        """
        number = int.from_bytes(hashlib.sha256(f"{self.link_salt}:{order_id}".encode()).digest())
        token = ""
        for _ in range(12):
            number, digit = divmod(number, 62)
            token += _BASE62[digit]
        return self.self_service_url.format(token=token)


DEFAULT_SETTINGS = NoticeSettings()


def sms_segments(length: int) -> int:
    """How many segments a UCS-2 SMS of this many UTF-16 units needs."""
    if length <= SMS_SEGMENT_CHARS:
        return 1
    return -(-length // SMS_PART_CHARS)
