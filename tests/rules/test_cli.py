"""`noki decide`, `noki sample orders` and `noki rules check|test|version` end to end."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from noki.cli.main import app
from tests.rules.conftest import BASE_ORDER, RULES_DIR

runner = CliRunner()


def test_sample_orders_are_deterministic_and_cover_all_industries():
    first = runner.invoke(app, ["sample", "orders", "--n", "300", "--seed", "4"])
    again = runner.invoke(app, ["sample", "orders", "--n", "300", "--seed", "4"])
    other = runner.invoke(app, ["sample", "orders", "--n", "300", "--seed", "5"])
    assert first.exit_code == 0
    assert first.stdout == again.stdout != other.stdout
    docs = [json.loads(line) for line in first.stdout.splitlines()]
    assert {d["industry"] for d in docs} == {"ec", "btob", "auto"}


def test_decide_keeps_good_lines_and_reports_each_bad_one(tmp_path):
    good = json.dumps(BASE_ORDER, ensure_ascii=False)
    bad_enum = json.dumps({**BASE_ORDER, "order_id": "B1", "industry": "retail"})
    bad_eta = json.dumps({**BASE_ORDER, "order_id": "B2",
                          "eta": {"earliest": "2026-12-05", "latest": "2026-12-01"}})
    bad_qty = json.dumps({**BASE_ORDER, "order_id": "B3", "quantity": -1})
    missing = json.dumps({k: v for k, v in BASE_ORDER.items() if k != "sku"})
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([good, "{oops", bad_enum, bad_eta, bad_qty, missing,
                                 good.replace("EC-000123", "EC-2")]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["decide", str(source), "-o", str(out)])
    assert result.exit_code == 1
    decided = [json.loads(line)["order_id"] for line in out.read_text().splitlines()]
    assert decided == ["EC-000123", "EC-2"]
    err = result.stderr
    assert "line 2: (json): invalid JSON" in err
    assert "line 3: industry: unknown value 'retail'" in err
    assert "line 4: eta: eta.latest (2026-12-01) is before eta.earliest" in err
    assert "line 5: quantity:" in err
    assert "line 6: sku: required field is missing" in err


def test_decide_accepts_one_pretty_json_object_on_stdin():
    result = runner.invoke(app, ["decide"], input=json.dumps(BASE_ORDER, indent=2))
    assert result.exit_code == 0, result.stderr
    decision = json.loads(result.stdout)
    assert decision["order_id"] == "EC-000123"
    assert set(decision) >= {"segment", "lane", "human_followup", "compensation", "options",
                             "approval", "channel", "next_update_date", "delay_days",
                             "deadline_missed", "rules_version", "trace"}


def test_rules_check_reports_file_and_line(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    p = target / "20_lane.yaml"
    p.write_text(p.read_text().replace("then: {lane: expedite}", "then: {lane: fast}", 1))
    result = runner.invoke(app, ["rules", "check", "--dir", str(target)])
    assert result.exit_code == 1
    assert "rules/20_lane.yaml:" in result.stderr and "値 'fast' は使えません" in result.stderr
    ok = runner.invoke(app, ["rules", "check", "--dir", str(RULES_DIR)])
    assert ok.exit_code == 0 and "rules_version" in ok.stdout


def test_rules_test_fails_on_a_wrong_example(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    p = target / "30_compensation.yaml"
    p.write_text(p.read_text().replace("expect: {compensation.type: accessory_coupon, "
                                       "compensation.amount_jpy: 30000}",
                                       "expect: {compensation.type: accessory_coupon, "
                                       "compensation.amount_jpy: 20000}"))
    result = runner.invoke(app, ["rules", "test", "--dir", str(target)])
    assert result.exit_code == 1
    assert f"FAIL {target / '30_compensation.yaml'}:" in result.stdout
    assert "expected 20000, got 30000" in result.stdout
    assert runner.invoke(app, ["rules", "test", "--dir", str(RULES_DIR)]).exit_code == 0


def test_rules_version_lists_every_rule_hash():
    result = runner.invoke(app, ["rules", "version", "--dir", str(RULES_DIR)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("rules_version ")
    assert any("compensation/ec-coupon-14d" in line for line in lines)
