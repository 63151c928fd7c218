"""Pure domain models: orders, decisions and the facts derived from them."""

from noki.domain.decision import Compensation, Decision, TraceEntry
from noki.domain.facts import flat_facts
from noki.domain.order import Contact, Contract, Customer, Eta, Order, Sku

__all__ = [
    "Compensation",
    "Contact",
    "Contract",
    "Customer",
    "Decision",
    "Eta",
    "Order",
    "Sku",
    "TraceEntry",
    "flat_facts",
]
