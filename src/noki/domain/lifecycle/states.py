"""Order states of a backorder and the declared table of allowed transitions."""

from __future__ import annotations

from typing import Literal

OrderState = Literal[
    "backordered", "allocated", "partially_shipped", "shipped", "cancelled", "substituted"
]
EventKind = Literal["eta", "allocated", "partially_shipped", "shipped", "cancelled", "choice"]

STATE_LABELS: dict[OrderState, str] = {
    "backordered": "受注残",
    "allocated": "引当済み",
    "partially_shipped": "部分出荷",
    "shipped": "出荷済み",
    "cancelled": "取消・返金",
    "substituted": "代替品へ変更",
}
EVENT_LABELS: dict[EventKind, str] = {
    "eta": "入荷予定の変更",
    "allocated": "引当",
    "partially_shipped": "部分出荷",
    "shipped": "出荷",
    "cancelled": "取消・返金",
    "choice": "お客様のご選択",
}

CLOSED_STATES: frozenset[OrderState] = frozenset({"shipped", "cancelled"})
OPEN_STATES: tuple[OrderState, ...] = (
    "backordered", "allocated", "partially_shipped", "substituted"
)
# States in which the customer still waits for an arrival date (ETA follow-ups make sense).
WAITING_STATES: frozenset[OrderState] = frozenset({"backordered", "partially_shipped"})

# The declared transition table: (source state, event kind) -> target state.
# A missing pair is an invalid transition. `choice` may land in two states (a substitute
# changes the order); the table names the default and transitions.py the exception.
TRANSITIONS: dict[tuple[OrderState, EventKind], OrderState] = {
    ("backordered", "eta"): "backordered",
    ("backordered", "allocated"): "allocated",
    ("backordered", "partially_shipped"): "partially_shipped",
    ("backordered", "shipped"): "shipped",
    ("backordered", "cancelled"): "cancelled",
    ("backordered", "choice"): "backordered",
    ("allocated", "partially_shipped"): "partially_shipped",
    ("allocated", "shipped"): "shipped",
    ("allocated", "cancelled"): "cancelled",
    ("partially_shipped", "eta"): "partially_shipped",
    ("partially_shipped", "allocated"): "allocated",
    ("partially_shipped", "partially_shipped"): "partially_shipped",
    ("partially_shipped", "shipped"): "shipped",
    ("partially_shipped", "cancelled"): "cancelled",
    ("substituted", "eta"): "substituted",
    ("substituted", "allocated"): "allocated",
    ("substituted", "partially_shipped"): "partially_shipped",
    ("substituted", "shipped"): "shipped",
    ("substituted", "cancelled"): "cancelled",
}
# Choosing the substitute changes the order itself.
CHOICE_TARGETS: dict[str, OrderState] = {"substitute": "substituted"}


def is_open(state: str) -> bool:
    """True while the order still needs noki's attention."""
    return state not in CLOSED_STATES


def allowed_kinds(state: OrderState) -> list[EventKind]:
    """The event kinds the table allows in a state (for error messages)."""
    return [kind for (source, kind) in TRANSITIONS if source == state]
