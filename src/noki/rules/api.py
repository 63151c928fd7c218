"""The one entry point the rest of noki uses to decide an order."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from noki.domain.decision import Decision
from noki.domain.order import Order
from noki.rules.store import RuleStore

_store: RuleStore | None = None
_store_lock = threading.Lock()


def rules_dir() -> Path:
    """The rule files' directory: NOKI_RULES_DIR, else ./rules, else the repository's rules/."""
    configured = os.environ.get("NOKI_RULES_DIR")
    if configured:
        return Path(configured)
    local = Path("rules")
    if local.is_dir():
        return local
    return Path(__file__).resolve().parents[3] / "rules"


def default_store() -> RuleStore:
    """The process-wide RuleStore, loaded on first use."""
    global _store
    with _store_lock:
        if _store is None:
            from noki.rules.lint import lint_gate
            from noki.rules.verify import smoke_gate

            # A reload must also decide the sample orders without error (the safety gate).
            _store = RuleStore(rules_dir(), gates=(lint_gate, smoke_gate()))
        return _store


def decide(order: Order) -> Decision:
    """Decide one order with the current rule set."""
    return default_store().decide(order)
