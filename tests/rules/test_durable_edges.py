"""durable-rules' sharp edges (docs/rules.md), each handled and proven here."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from noki.domain.order import Order
from noki.rules.compiler import compile_table
from noki.rules.durable_host import EngineError, RecordingHost
from noki.rules.engine import DecisionError, Engine
from noki.rules.loader import build_ruleset
from noki.sample.orders import sample_orders
from tests.rules.conftest import RULES_DIR, make_order


def _sources(**replace: str) -> dict[str, bytes]:
    files = {f"rules/{p.name}": p.read_bytes() for p in sorted(RULES_DIR.glob("*.yaml"))}
    for name, (old, new) in ((k, v.split("=>")) for k, v in replace.items()):
        key = f"rules/{name}.yaml"
        assert old.encode() in files[key]
        files[key] = files[key].replace(old.encode(), new.encode())
    return files


def test_unmatched_event_becomes_a_decision_error_naming_the_table():
    # Without its catch-all row the lane table cannot decide a standard order.
    sources = _sources(**{"20_lane": "      - id: lane-standard\n        when: {}\n=>"
                          "      - id: lane-standard\n        when: {need_by: {is_set: false}, "
                          "industry: btob}\n"})
    engine = Engine(build_ruleset(sources))
    try:
        with pytest.raises(DecisionError, match="no rule of table lane"):
            engine.decide(make_order())
        assert engine.decide(make_order(**{"customer.rank": "vip"})).lane == "priority"
    finally:
        engine.close()


def test_priorities_are_row_indexes_within_durable_range(ruleset):
    for table in ruleset.tables:
        compiled = compile_table(table, "x::")
        pris = [rule["pri"] for rule in compiled.values()]
        assert pris == list(range(len(table.rules)))
        assert all(0 <= p <= 65535 for p in pris)


def test_table_with_more_rows_than_durable_priorities_is_refused():
    rows = "".join(f"      - {{id: r{i}, when: {{}}, then: {{lane: standard}}}}\n"
                   for i in range(65537))
    text = ("tables:\n  - name: big\n    hit_policy: first\n    outputs: {lane: }\n"
            "    rules:\n" + rows)
    from noki.rules.model import RuleFileError

    with pytest.raises(RuleFileError, match="at most 65535 rules"):
        build_ruleset({"rules/big.yaml": text.encode()})


def test_compiled_rules_never_use_nex_which_spins_forever(ruleset):
    for table in ruleset.tables:
        assert "$nex" not in json.dumps(compile_table(table, "x::"))


def test_action_exception_reaches_the_caller():
    class BrokenHost(RecordingHost):
        def make_action(self, rule_id):
            def explode(_c):
                raise RuntimeError("boom in action")
            return explode

    definitions = {"t": {"r": {"all": [{"m": {"x": 1}}], "pri": 0, "run": "t::r"}}}
    host = BrokenHost(definitions)
    try:
        with pytest.raises(EngineError):
            host.fire_first("t", {"x": 1})
    finally:
        host.close()


def test_host_starts_no_threads_and_closed_host_refuses_work(ruleset):
    before = threading.active_count()
    engine = Engine(ruleset)
    assert threading.active_count() == before
    engine.close()
    with pytest.raises(EngineError, match="retired"):
        engine.host.fire_first("lane@x", {})


def test_one_session_stays_empty_after_many_decisions(uncached_engine):
    # Events are consumed and collect facts retracted: nothing accumulates in sid "0".
    for doc in sample_orders(1500, seed=11):
        uncached_engine.decide(Order.model_validate(doc))
    for ct in uncached_engine.tables:
        assert uncached_engine.host.get_facts(ct.ruleset_name) == []


def test_concurrent_decisions_from_threads_equal_sequential(ruleset):
    engine = Engine(ruleset, cache=False)
    orders = [Order.model_validate(d) for d in sample_orders(400, seed=5)]
    try:
        expected = [engine.decide(o) for o in orders]
        with ThreadPoolExecutor(max_workers=8) as pool:
            got = list(pool.map(engine.decide, orders))
        assert got == expected
    finally:
        engine.close()


def test_closing_hosts_frees_their_session_state():
    from pathlib import Path

    def rss_mb() -> float:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise AssertionError("no VmRSS")

    definitions = {"t": {"r": {"all": [{"m": {"x": 1}}], "pri": 0, "run": "t::r"}}}
    RecordingHost(definitions).close()
    before = rss_mb()
    for _ in range(300):
        host = RecordingHost(definitions)
        assert host.fire_first("t", {"x": 1}) == ["r"]
        host.close()
    # Without delete_state before delete_ruleset this grows by ~24 MB (80 kB per host).
    assert rss_mb() - before < 6
