"""A broken expression is refused alike by `rules check`, a RuleStore reload and `rules diff`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from noki.cli.main import app
from noki.rules.lint import lint_gate
from noki.rules.model import RuleFileError
from noki.rules.store import RuleStore
from noki.rules.verify import smoke_gate
from tests.rules.conftest import RULES_DIR

runner = CliRunner()

# Fits the types and passes examples and lint, but EC orders have no contract: every EC order
# delayed 8 to 13 days fails at decision time. Only running real orders finds it.
RUNTIME_BROKEN = ("then: {compensation.type: coupon, compensation.amount_jpy: 500}",
                  "then: {compensation.type: coupon, compensation.amount_jpy: "
                  "{floor: {mul: [{ref: customer.contract.penalty_cap_rate}, 5000]}}}")
# The case: a date where a number is expected; refused when the rules load.
TYPE_BROKEN = ("- add_days: [{ref: as_of}, {ref: update_interval_days}]",
               "- add: [{ref: as_of}, {ref: update_interval_days}]")


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def _break(rules: Path, edit: tuple[str, str]) -> None:
    name = "30_compensation.yaml" if "coupon" in edit[0] else "60_update_schedule.yaml"
    path = rules / name
    text = path.read_text(encoding="utf-8")
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")


@pytest.fixture(autouse=True)
def _no_database(tmp_path, monkeypatch):
    monkeypatch.setenv("NOKI_DATABASE_URL", f"sqlite:///{tmp_path / 'absent.db'}")


@pytest.mark.parametrize("edit", [RUNTIME_BROKEN, TYPE_BROKEN], ids=["runtime", "types"])
def test_check_refuses(tmp_path, edit):
    rules = _copy(tmp_path)
    _break(rules, edit)
    result = runner.invoke(app, ["rules", "check", "--dir", str(rules)])
    assert result.exit_code == 1, result.output
    if edit is RUNTIME_BROKEN:
        assert "rules/30_compensation.yaml:" in result.stderr
        assert "注文 EC-" in result.stderr and "rule ec-coupon-8d" in result.stderr
        assert "sample orders" in result.stderr
    else:
        assert "rules/60_update_schedule.yaml:" in result.stderr
        assert "add works on numbers" in result.stderr


@pytest.mark.parametrize("edit", [RUNTIME_BROKEN, TYPE_BROKEN], ids=["runtime", "types"])
def test_reload_refuses_and_keeps_serving(tmp_path, edit):
    rules = _copy(tmp_path)
    store = RuleStore(rules, gates=(lint_gate, smoke_gate()))
    try:
        version = store.version
        _break(rules, edit)
        result = store.reload()
        assert not result.ok and store.version == version
        text = "\n".join(str(e) for e in result.errors)
        assert ("rule ec-coupon-8d" in text and "order EC-" in text) if edit is RUNTIME_BROKEN \
            else "add works on numbers" in text
    finally:
        store.close()


@pytest.mark.parametrize("edit", [RUNTIME_BROKEN, TYPE_BROKEN], ids=["runtime", "types"])
def test_diff_exits_non_zero(tmp_path, edit):
    rules = _copy(tmp_path)
    _break(rules, edit)
    result = runner.invoke(app, ["rules", "diff", "--base", str(RULES_DIR), "--dir", str(rules),
                                 "--sample", "400"])
    assert result.exit_code != 0, result.output
    if edit is RUNTIME_BROKEN:
        assert "order(s) fail with the working rules" in result.stderr
        assert "rule ec-coupon-8d" in result.stderr


def test_store_refuses_to_start_on_rules_that_fail_orders(tmp_path):
    rules = _copy(tmp_path)
    _break(rules, RUNTIME_BROKEN)
    with pytest.raises(RuleFileError):
        RuleStore(rules, gates=(smoke_gate(),))
