"""Page data with contact data masked for roles that do not see contacts."""

from __future__ import annotations

from collections.abc import Sequence

from noki.db.models import InquiryRow, OutboxMessage
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


def inquiries(rows: Sequence[InquiryRow]) -> Sequence[InquiryRow]:
    """Inquiry rows (detached) without the sender's address and name, also inside the texts."""
    for r in rows:
        names = [r.from_name, r.from_name.replace(" ", ""), *r.from_name.split(), r.from_addr]
        r.text = masking.mask_text(r.text, names) or ""
        if r.answer and isinstance(r.answer.get("body"), str):
            r.answer = {**r.answer, "body": masking.mask_text(r.answer["body"], names) or ""}
        r.from_addr = masking.mask_recipient(r.from_addr) if r.from_addr else ""
        r.from_name = masking.HIDDEN_NAME if r.from_name else ""
    return rows
