"""Lifecycle notices for sample orders: every step kind with facts that fit the order."""

from __future__ import annotations

from datetime import timedelta

from noki.domain.decision import Decision
from noki.domain.order import Order
from noki.drafting.lifecycle_notice import LifecycleNotice


def step_notices(order: Order, decision: Decision) -> list[LifecycleNotice]:
    """One notice per step kind (each offered option confirmed), plus a quiet follow-up."""
    options = decision.options or ["wait"]
    choices = [LifecycleNotice(kind="choice_confirmation", chosen_option=o,
                               ordered_qty=order.quantity) for o in options]
    return [
        *choices,
        LifecycleNotice(kind="shipped", state="shipped", shipped_qty=order.quantity,
                        ordered_qty=order.quantity, tracking_number="4821-0937-5561",
                        carrier="ヤマト運輸", granted={"coupon": 1000}),
        LifecycleNotice(kind="partially_shipped", state="partially_shipped", quantity=1,
                        shipped_qty=1, ordered_qty=max(order.quantity, 2),
                        tracking_number="AB1234567JP", carrier="日本郵便"),
        LifecycleNotice(kind="cancelled", state="cancelled", refund_jpy=order.order_value_jpy,
                        refund_by=order.as_of + timedelta(days=7),
                        cancel_reason="customer_choice", chosen_option="cancel_refund"),
        LifecycleNotice(kind="cancelled", state="cancelled", refund_jpy=0,
                        cancel_reason="discontinued"),
        LifecycleNotice(kind="overdue", previous_eta=(order.as_of - timedelta(days=6),
                                                      order.as_of - timedelta(days=2))),
        LifecycleNotice(kind="followup", nothing_new=True),
    ]
