"""Page data with contact data masked for roles that do not see contacts."""

from __future__ import annotations

from collections.abc import Sequence

from noki.db.models import OutboxMessage
from noki.services import masking
from noki.services.queries import DraftView


def draft_view(view: DraftView) -> DraftView:
    """The draft page's data without name, e-mail, phone (detached rows: nothing is saved)."""
    name = str(view.order.payload.get("customer", {}).get("name", ""))
    names = [name, name.replace(" ", ""), *name.split()]
    view.order.payload = masking.mask_order(view.order.payload)
    for row in {id(r): r for r in [*view.versions, view.draft]}.values():
        row.body = masking.mask_text(row.body, names) or ""
        row.subject = masking.mask_text(row.subject, names)
    messages(view.messages)
    for m in view.messages:
        m.body = masking.mask_text(m.body, names) or ""
        m.subject = masking.mask_text(m.subject, names)
    return view


def messages(rows: Sequence[OutboxMessage]) -> Sequence[OutboxMessage]:
    """Outbox rows with recipients reduced to a hint."""
    for m in rows:
        m.recipient = masking.mask_recipient(m.recipient)
    return rows
