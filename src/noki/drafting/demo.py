"""A few drafted notices as printable text (for `noki demo` / `make run`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from noki.domain.decision import Decision
from noki.domain.order import Order
from noki.drafting.templates import TemplateDrafter, draft_notice

Decide = Callable[[Order], Decision]


def format_examples(
    orders: Iterable[Order | Mapping[str, Any]],
    decide: Decide,
    drafter: TemplateDrafter | None = None,
    *,
    width: int = 72,
) -> str:
    """Decide and draft each order (its decision's channel) and render the notices with checks."""
    blocks: list[str] = []
    for item in orders:
        order = item if isinstance(item, Order) else Order.model_validate(item)
        decision = decide(order)
        draft = draft_notice(order, decision, drafter=drafter or TemplateDrafter())
        verdict = "ok" if draft.check.ok else ", ".join(v.code for v in draft.check.violations)
        comp = decision.compensation
        amount = f" {comp.amount_jpy:,}円" if comp.amount_jpy is not None else ""
        header = (f"{order.order_id}  {order.industry}/{decision.lane}  {draft.channel}  "
                  f"補償: {comp.type}{amount}  check: {verdict}")
        lines = ["=" * width, header, "-" * width]
        if draft.subject:
            lines += [f"件名: {draft.subject}", ""]
        lines.append(draft.body)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def pick_examples(
    orders: Iterable[Order | Mapping[str, Any]], decide: Decide, n: int = 4
) -> list[Order]:
    """A varied handful: one SMS and one e-mail per industry (ec, btob, auto), up to n."""
    chosen: dict[str, Order] = {}
    for item in orders:
        order = item if isinstance(item, Order) else Order.model_validate(item)
        slot = "sms" if decide(order).channel == "sms" else order.industry
        chosen.setdefault(slot, order)
        if len(chosen) >= n:
            break
    return list(chosen.values())
