"""RuleStore: safe hot reload, one version per decision, no leaks over 100 reloads."""

from __future__ import annotations

import resource
import shutil
import threading
from pathlib import Path

from noki.domain.order import Order
from noki.rules.store import RuleStore
from noki.sample.orders import sample_orders
from tests.rules.conftest import RULES_DIR, make_order

OLD = "then: {compensation.type: coupon, compensation.amount_jpy: 500}"
NEW = "then: {compensation.type: coupon, compensation.amount_jpy: 600}"


def _copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_broken_edit_keeps_previous_version_serving(tmp_path):
    rules = _copy_rules(tmp_path)
    store = RuleStore(rules)
    before = store.version
    _edit(rules / "20_lane.yaml", "then: {lane: expedite}", "then: {lane: express}")
    result = store.reload()
    assert not result.ok
    assert result.version == before == store.version
    assert any(e.file.endswith("/rules/20_lane.yaml") and e.line > 0 and "express" in e.message
               for e in result.errors)
    assert store.decide(make_order()).rules_version == before
    store.close()


def test_edit_failing_its_own_example_is_refused(tmp_path):
    rules = _copy_rules(tmp_path)
    store = RuleStore(rules)
    _edit(rules / "10_segment.yaml", "customer.ltv_jpy: {gte: 300000}",
          "customer.ltv_jpy: {gte: 300001}")
    result = store.reload()
    assert not result.ok
    assert any("LTV がちょうど 30万円なら VIP" in e.message for e in result.errors)
    store.close()


def test_hundred_reloads_no_thread_or_memory_growth_and_one_version_per_decision(tmp_path):
    rules = _copy_rules(tmp_path)
    store = RuleStore(rules)
    orders = [Order.model_validate(d) for d in sample_orders(300, seed=9)]
    amounts: dict[str, int] = {}
    seen: set[tuple[str, int | None]] = set()  # a set: the workers decide many thousands
    failures: list[BaseException] = []
    stop = threading.Event()

    def decide_forever() -> None:
        coupon = make_order(eta={"earliest": "2026-11-28", "latest": "2026-11-30",
                                 "confidence": "medium"}, reschedule_count=0)
        while not stop.is_set():
            try:
                d = store.decide(coupon)
                seen.add((d.rules_version, d.compensation.amount_jpy))
                for o in orders[:20]:
                    store.decide(o)
            except BaseException as exc:  # noqa: BLE001 - the test reports every failure
                failures.append(exc)

    for o in orders:  # warm the allocator before measuring
        store.decide(o)
    threads_before = threading.active_count()
    rss_before = _rss_mb()
    workers = [threading.Thread(target=decide_forever) for _ in range(3)]
    for w in workers:
        w.start()
    compensation = rules / "30_compensation.yaml"
    try:
        for i in range(100):
            _edit(compensation, OLD if i % 2 == 0 else NEW, NEW if i % 2 == 0 else OLD)
            result = store.reload()
            assert result.ok, result.errors
            amounts[result.version] = 600 if i % 2 == 0 else 500
    finally:
        stop.set()
        for w in workers:
            w.join()
    growth = _rss_mb() - rss_before
    assert failures == []
    assert threading.active_count() == threads_before
    assert growth < 40, f"RSS grew {growth:.1f} MB over 100 reloads"
    versions = {v for v, _ in seen}
    assert len(versions) >= 2
    # Each decision is internally consistent with exactly the version it names.
    assert all(amounts.get(v, 500) == amount for v, amount in seen)
    store.close()
