"""Benchmark: decisions/s for noki's engine beside the plain-Python policy and zen-engine.

Run: .venv/bin/python bench/decide.py [--n 100000] [--seed 1]
All engines decide the same orders in one run; compare the ratios (this machine is noisy).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from noki.domain.order import Order  # noqa: E402
from noki.rules.engine import Engine  # noqa: E402
from noki.rules.loader import load_ruleset  # noqa: E402
from noki.rules.reference import decide_reference  # noqa: E402
from noki.sample.orders import sample_orders  # noqa: E402


def timed(decide: Callable[[Order], Any], orders: Sequence[Order]) -> tuple[list[Any], float]:
    """Decide every order once; (results, seconds), with the GC out of the way."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        results = [decide(o) for o in orders]
        return results, time.perf_counter() - start
    finally:
        gc.enable()


def _plain(decision: Any) -> dict[str, Any]:
    return decision.model_dump(mode="json", exclude={"trace", "rules_version"})


def main() -> None:
    """Decide the sample orders with every engine and print a table of decisions/s."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--uncached-n", type=int, default=5_000,
                        help="orders for the cache-off run (durable on every table)")
    args = parser.parse_args()

    orders = [Order.model_validate(d) for d in sample_orders(args.n, args.seed)]
    ruleset = load_ruleset(ROOT / "rules")
    rows: list[tuple[str, int, float]] = []

    reference, ref_s = timed(decide_reference, orders)
    rows.append(("plain Python policy (reference)", len(orders), ref_s))

    engine = Engine(ruleset)
    decided, noki_s = timed(engine.decide, orders)
    rows.append(("noki engine (durable-rules, trace on)", len(orders), noki_s))
    mismatches = sum(_plain(a) != _plain(b) for a, b in zip(decided, reference, strict=True))
    assert all(d.trace for d in decided), "noki decisions must carry a trace"

    cold = Engine(ruleset, cache=False)
    subset = orders[: args.uncached_n]
    _, cold_s = timed(cold.decide, subset)
    rows.append(("noki engine, cell cache off", len(subset), cold_s))
    cold.close()
    engine.close()

    try:
        from zen_policy import run_zen
    except ImportError as exc:  # zen-engine is a dev dependency
        print(f"zen-engine skipped: {exc}")
    else:
        for trace in (True, False):
            _, zen_s = run_zen(orders, ruleset, trace)
            rows.append((f"zen-engine JDM graph (trace {'on' if trace else 'off'})",
                         len(orders), zen_s))

    ref_rate = len(orders) / ref_s
    noki_rate = len(orders) / noki_s
    print(f"{args.n} sample orders (seed {args.seed}); noki vs reference mismatches: "
          f"{mismatches}")
    print(f"{'engine':44} {'orders':>8} {'seconds':>8} {'decisions/s':>12} "
          f"{'vs plain':>9} {'vs noki':>8}")
    for name, n, seconds in rows:
        rate = n / seconds
        print(f"{name:44} {n:>8} {seconds:>8.2f} {rate:>12,.0f} {rate / ref_rate:>8.3f}x "
              f"{rate / noki_rate:>7.2f}x")


if __name__ == "__main__":
    main()
