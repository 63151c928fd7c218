"""Link an inquiry to an order: thread headers first, then an order number, else unlinked."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence

from noki.inbound.models import LinkResult

# Order numbers as the sample ERP writes them (EC-000123, BB-..., AU-...) and similar codes.
ORDER_NUMBER = re.compile(r"(?<![A-Za-z0-9])([A-Z]{2,4}-\d{4,10})(?![0-9])")


def order_numbers(text: str) -> list[str]:
    """Order-number-like codes in a text (full-width characters folded), first mention first."""
    folded = unicodedata.normalize("NFKC", text).upper()
    return list(dict.fromkeys(m.group(1) for m in ORDER_NUMBER.finditer(folded)))


def link_inquiry(*, in_reply_to: str | None, references: Sequence[str], subject: str, text: str,
                 thread_orders: Mapping[str, str],
                 order_exists: Callable[[str], bool]) -> LinkResult:
    """Thread (In-Reply-To, then References newest first) -> order number -> unlinked.

    thread_orders maps the Message-IDs noki sent to their order ids; order_exists says whether
    an order id is known (so a random code in a signature links nothing).
    """
    for msgid in [in_reply_to, *reversed(list(references))]:
        if msgid and msgid in thread_orders:
            return LinkResult(order_id=thread_orders[msgid], method="thread",
                              detail=f"返信先 {msgid}")
    found = [n for n in order_numbers(f"{subject}\n{text}") if order_exists(n)]
    if len(found) == 1:
        return LinkResult(order_id=found[0], method="order_number", detail=f"注文番号 {found[0]}")
    if len(found) > 1:
        return LinkResult(order_id=None, method="unlinked",
                          detail="複数の注文番号: " + ", ".join(found))
    return LinkResult(order_id=None, method="unlinked", detail="スレッドも注文番号も見つかりません")
