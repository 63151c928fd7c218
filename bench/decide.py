"""Benchmark: decisions/s for noki's engine (one by one and decide_many) beside the plain policy.

Run: .venv/bin/python bench/decide.py [--n 100000] [--seed 1] [--batch 1000] [--repeat 3] [--zen]
Every engine decides the same orders in one run; compare the ratios (this machine is noisy).
Each noki run starts on a fresh engine (empty cell cache: durable-rules decides every new cell
inside the timed loop); the best of --repeat runs is kept for every row.
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
from noki.rules.model import RuleSet  # noqa: E402
from noki.rules.reference import decide_reference  # noqa: E402
from noki.sample.orders import sample_orders  # noqa: E402

Run = Callable[[Sequence[Order]], list[Any]]


def timed(run: Run, orders: Sequence[Order]) -> tuple[list[Any], float]:
    """Decide every order once; (results, seconds), with the GC out of the way."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        results = run(orders)
        return results, time.perf_counter() - start
    finally:
        gc.enable()


def best(make: Callable[[], tuple[Run, Callable[[], None]]], orders: Sequence[Order],
         repeat: int) -> tuple[list[Any], float]:
    """The fastest of `repeat` runs, each on a fresh engine (make returns run and close)."""
    results: list[Any] = []
    fastest = float("inf")
    for _ in range(repeat):
        run, close = make()
        try:
            results, seconds = timed(run, orders)
        finally:
            close()
        fastest = min(fastest, seconds)
    return results, fastest


def _plain(decision: Any) -> dict[str, Any]:
    return decision.model_dump(mode="json", exclude={"trace", "rules_version"})


def _engine_run(ruleset: RuleSet, many: bool, batch: int, cache: bool = True
                ) -> Callable[[], tuple[Run, Callable[[], None]]]:
    def make() -> tuple[Run, Callable[[], None]]:
        engine = Engine(ruleset, cache=cache)
        if not many:
            return (lambda orders: [engine.decide(o) for o in orders]), engine.close
        return (lambda orders: [d for start in range(0, len(orders), batch)
                                for d in engine.decide_many(orders[start:start + batch])],
                engine.close)
    return make


def main() -> None:
    """Decide the sample orders with every engine and print a table of decisions/s."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=1000, help="orders per decide_many call")
    parser.add_argument("--repeat", type=int, default=3, help="runs per row; the best is kept")
    parser.add_argument("--uncached-n", type=int, default=2_000,
                        help="orders for the cache-off run (durable on every table)")
    parser.add_argument("--zen", action="store_true", help="also run zen-engine (slow)")
    args = parser.parse_args()

    orders = [Order.model_validate(d) for d in sample_orders(args.n, args.seed)]
    ruleset = load_ruleset(ROOT / "rules")
    rows: list[tuple[str, int, float]] = []

    reference, ref_s = best(lambda: ((lambda os: [decide_reference(o) for o in os]),
                                     lambda: None), orders, args.repeat)
    rows.append(("plain Python policy (reference)", len(orders), ref_s))
    single, single_s = best(_engine_run(ruleset, False, args.batch), orders, args.repeat)
    rows.append(("noki decide, one by one (trace on)", len(orders), single_s))
    many, many_s = best(_engine_run(ruleset, True, args.batch), orders, args.repeat)
    rows.append((f"noki decide_many, batches of {args.batch} (trace on)", len(orders), many_s))
    subset = orders[: args.uncached_n]
    cold, cold_s = best(_engine_run(ruleset, True, args.batch, cache=False), subset, 1)
    rows.append(("noki decide_many, cell cache off", len(subset), cold_s))

    plain_ref = [_plain(d) for d in reference]
    mismatches = {
        "decide": sum(_plain(d) != r for d, r in zip(single, plain_ref, strict=True)),
        "decide_many": sum(_plain(d) != r for d, r in zip(many, plain_ref, strict=True)),
        "cache off": sum(_plain(d) != r for d, r in zip(cold, plain_ref, strict=False)),
        "decide_many vs decide, trace included": sum(
            a.model_dump() != b.model_dump() for a, b in zip(many, single, strict=True)),
    }
    assert all(d.trace for d in many), "noki decisions must carry a trace"

    if args.zen:
        from zen_policy import run_zen  # zen-engine is a dev dependency

        for trace in (True, False):
            _, zen_s = run_zen(orders, ruleset, trace)
            rows.append((f"zen-engine JDM graph (trace {'on' if trace else 'off'})",
                         len(orders), zen_s))

    ref_rate = len(orders) / ref_s
    print(f"{args.n} sample orders (seed {args.seed}), best of {args.repeat}; mismatches "
          "with the reference: " + ", ".join(f"{k} {v}" for k, v in mismatches.items()))
    print(f"{'engine':48} {'orders':>8} {'seconds':>8} {'decisions/s':>12} {'vs plain':>9}")
    for name, n, seconds in rows:
        rate = n / seconds
        print(f"{name:48} {n:>8} {seconds:>8.2f} {rate:>12,.0f} {rate / ref_rate:>8.3f}x")
    print(f"ratio decide_many / plain Python: {ref_s / many_s:.2f}x "
          f"(decide one by one: {ref_s / single_s:.2f}x)")
    if any(mismatches.values()):
        raise SystemExit("noki and the reference disagree")


if __name__ == "__main__":
    main()
