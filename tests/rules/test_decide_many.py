"""decide_many: the same decisions as decide() (trace included) and as the plain policy."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import noki.rules.batch as batch
from noki.domain.facts import FACT_SOURCES, fact_columns, flat_facts
from noki.domain.order import Order
from noki.rules.engine import DecisionError, Engine
from noki.rules.loader import build_ruleset
from noki.rules.reference import decide_reference
from noki.rules.store import RuleStore
from noki.rules.vocabulary import FACTS
from noki.sample.orders import sample_orders
from tests.rules.conftest import RULES_DIR, make_order
from tests.rules.test_durable_edges import _sources
from tests.rules.test_engine_vs_reference import orders as generated_orders


def _sample(n: int, seed: int) -> list[Order]:
    return [Order.model_validate(d) for d in sample_orders(n, seed=seed)]


def _dump(decisions: list) -> list[dict]:
    return [d.model_dump() for d in decisions]


def test_fact_columns_hold_the_same_facts_as_flat_facts():
    orders = _sample(300, seed=11)
    assert set(FACT_SOURCES) == set(FACTS)  # every fact a rule may read has a source
    columns = fact_columns(orders, list(FACT_SOURCES) + ["not_a_fact"])
    for i, order in enumerate(orders):
        flat = flat_facts(order)
        assert {name: columns[name][i] for name in FACT_SOURCES} == flat
        assert columns["not_a_fact"][i] is None


def test_decide_many_equals_decide_with_trace_on_sample_orders(ruleset):
    orders = _sample(3000, seed=7)
    single, batched = Engine(ruleset), Engine(ruleset)
    try:
        expected = _dump([single.decide(o) for o in orders])
        assert _dump(batched.decide_many(orders)) == expected
        # Warm: every cell and plan is known now, the second batch must agree too.
        assert _dump(batched.decide_many(orders[::-1])) == expected[::-1]
        refs = [decide_reference(o, single.version).model_dump(exclude={"trace"})
                for o in orders]
        assert [{k: v for k, v in d.items() if k != "trace"} for d in expected] == refs
    finally:
        single.close()
        batched.close()


def test_decide_many_without_the_cell_cache_asks_durable_for_every_order(
        uncached_engine, engine):
    orders = _sample(200, seed=5)
    assert _dump(uncached_engine.decide_many(orders)) == _dump([engine.decide(o)
                                                                for o in orders])
    assert uncached_engine.decide_many([]) == [] == engine.decide_many([])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(orders=st.lists(generated_orders(), min_size=1, max_size=12))
def test_decide_many_matches_reference_on_generated_batches(engine, uncached_engine, orders):
    expected = [decide_reference(o, engine.version).model_dump(exclude={"trace"})
                for o in orders]
    for eng in (engine, uncached_engine):
        got = eng.decide_many(orders)
        assert [d.model_dump(exclude={"trace"}) for d in got] == expected
        assert [d.trace for d in got] == [eng.decide(o).trace for o in orders]


def test_decide_many_relearns_after_forgetting(ruleset, monkeypatch):
    monkeypatch.setattr(batch, "_STATE_LIMIT", 3)  # forget before nearly every chunk
    monkeypatch.setattr(batch, "_CHUNK", 7)
    orders = _sample(100, seed=3)
    engine = Engine(ruleset)
    try:
        first = engine.decide_many(orders)
        assert _dump(engine.decide_many(orders)) == _dump(first)
        assert _dump(first) == _dump([engine.decide(o) for o in orders])
    finally:
        engine.close()


def test_decide_many_from_many_threads_agrees(engine):
    orders = _sample(400, seed=9)
    expected = _dump([engine.decide(o) for o in orders])
    fresh = Engine(engine.ruleset)
    try:
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(fresh.decide_many, [orders] * 8))
        assert all(_dump(r) == expected for r in results)
    finally:
        fresh.close()


def test_decide_many_names_the_order_no_row_decides():
    sources = _sources(**{"20_lane": "      - id: lane-standard\n        when: {}\n=>"
                          "      - id: lane-standard\n        when: {need_by: {is_set: false}, "
                          "industry: btob}\n"})
    engine = Engine(build_ruleset(sources))
    try:
        vip = make_order(**{"customer.rank": "vip", "order_id": "OK-1"})
        assert engine.decide_many([vip])[0].lane == "priority"
        with pytest.raises(DecisionError, match="order NG-2: no rule of table lane"):
            engine.decide_many([vip, make_order(order_id="NG-2")])
    finally:
        engine.close()


def test_rule_sets_whose_tables_read_computed_values_are_decided_one_by_one():
    # A table reading a computed value: no state can stand for it, decide() is asked instead.
    sources = _sources(**{"60_update_schedule": "then: {update_interval_days: 7}=>"
                          "then: {update_interval_days: {add: [6, 1]}}"})
    sources["rules/60_update_schedule.yaml"] = sources["rules/60_update_schedule.yaml"].replace(
        b"    hit_policy: first\n    complete: true\n    outputs:\n      next_update_date:",
        b"    hit_policy: first\n    complete: true\n    inputs:\n"
        b"      update_interval_days:\n    outputs:\n      next_update_date:")
    engine = Engine(build_ruleset(sources))
    try:
        assert not engine._batch.supported
        orders = _sample(50, seed=2)
        assert _dump(engine.decide_many(orders)) == _dump([engine.decide(o) for o in orders])
    finally:
        engine.close()


def test_rule_store_decides_many():
    store = RuleStore(RULES_DIR)
    try:
        orders = _sample(20, seed=4)
        assert _dump(store.decide_many(orders)) == _dump([store.decide(o) for o in orders])
    finally:
        store.close()
