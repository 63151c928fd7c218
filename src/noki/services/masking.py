"""Contact data hidden from roles that do not need it (rule authors, marketing)."""

from __future__ import annotations

import copy
from typing import Any

from noki.services.roles import can

HIDDEN = "(非表示)"
HIDDEN_EMAIL = "hidden@example.invalid"  # keeps "has an e-mail" true for the rules (channel)
HIDDEN_PHONE = "+810000000000"
HIDDEN_NAME = "〇〇"


def sees_contacts(role: str) -> bool:
    """True for the roles that write to customers (agents, supervisors, admins)."""
    return can(role, "contact.read")


def mask_order(payload: dict[str, Any]) -> dict[str, Any]:
    """A copy of an order document with name, e-mail and phone replaced (presence kept)."""
    doc = copy.deepcopy(payload)
    customer = doc.get("customer")
    if isinstance(customer, dict):
        if customer.get("name"):
            customer["name"] = HIDDEN_NAME
        contact = customer.get("contact")
        if isinstance(contact, dict):
            if contact.get("email"):
                contact["email"] = HIDDEN_EMAIL
            if contact.get("phone"):
                contact["phone"] = HIDDEN_PHONE
    return doc


def mask_text(text: str | None, names: list[str]) -> str | None:
    """The text with the customer's name(s) replaced (a notice addresses the customer)."""
    if text is None:
        return None
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        text = text.replace(name, HIDDEN_NAME)
    return text


def mask_recipient(recipient: str) -> str:
    """An e-mail or phone as a hint only: first character and the kind."""
    if "@" in recipient:
        return recipient[:1] + "***@***"
    return "***" + recipient[-2:] if len(recipient) > 4 else "***"
