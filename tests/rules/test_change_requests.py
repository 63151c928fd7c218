"""Issue 15's change requests, each made only in rule files (a temp copy), then verified."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from noki.cli.main import app
from noki.rules.engine import Engine
from noki.rules.lint import lint
from noki.rules.loader import load_ruleset
from noki.rules.messages import localize
from noki.rules.model import RuleFileError
from tests.rules.conftest import RULES_DIR, make_order

runner = CliRunner()


def _edit(tmp_path: Path, edits: list[tuple[str, str, str]],
          new_files: dict[str, str] | None = None) -> Path:
    """A copy of the sample rules with text replacements and extra files."""
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    for name, old, new in edits:
        path = target / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    for name, text in (new_files or {}).items():
        (target / name).write_text(text, encoding="utf-8")
    return target


def _verify_clean(rules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("NOKI_DATABASE_URL", f"sqlite:///{tmp_path / 'absent.db'}")
    result = runner.invoke(app, ["rules", "verify", "--dir", str(rules), "--base",
                                 str(RULES_DIR)])
    assert result.exit_code == 0, result.output + result.stderr
    assert "verify: ok (0 warning(s))" in result.stdout, result.stdout
    return result.stdout


def _decide(rules: Path, **changes: object):
    engine = Engine(load_ruleset(rules))
    try:
        return engine.decide(make_order(**changes))
    finally:
        engine.close()


GOLD = [
    ("00_vocabulary.yaml", "    individual: 個人\n",
     "    individual: 個人\n    gold: ゴールド会員\n"),
    ("00_vocabulary.yaml", "    standard: 一般会員\n",
     "    standard: 一般会員\n    gold: ゴールド会員\n"),
    ("10_segment.yaml", "customer.rank: {values: [vip, standard]}",
     "customer.rank: {values: [vip, gold, standard]}"),
    ("10_segment.yaml", "      - id: ec-vip-ltv\n",
     "      - id: ec-gold-rank\n        when: {industry: ec, customer.rank: gold}\n"
     "        then: {segment: gold}\n        why: EC でゴールド会員\n      - id: ec-vip-ltv\n"),
    ("10_segment.yaml", "    examples:\n",
     "    examples:\n      - name: ゴールド会員\n"
     "        given: {industry: ec, customer.rank: gold, customer.ltv_jpy: 0, "
     "customer.orders_count: 5}\n        expect: {segment: gold}\n"),
]


def test_gold_segment_is_a_rule_file_change(tmp_path, monkeypatch):
    rules = _edit(tmp_path, GOLD)
    _verify_clean(rules, tmp_path, monkeypatch)
    ruleset = load_ruleset(rules)
    assert ruleset.vocabulary.label("segment", "gold") == "ゴールド会員"
    assert _decide(rules, **{"customer.rank": "gold"}).segment == "gold"
    assert _decide(rules).segment == "standard"


def test_unknown_input_value_is_refused_with_did_you_mean(tmp_path):
    rules = _edit(tmp_path, [*GOLD[:3], ("10_segment.yaml", "customer.rank: vip}",
                                         "customer.rank: glod}")])
    with pytest.raises(RuleFileError) as info:
        load_ruleset(rules)
    assert any("'glod'" in str(e) and "did you mean 'gold'" in str(e)
               for e in info.value.errors), info.value.errors


def test_segment_without_vocabulary_is_refused(tmp_path):
    rules = _edit(tmp_path, [("10_segment.yaml", "then: {segment: vip}\n        why: EC で会員",
                              "then: {segment: gold}\n        why: EC で会員")])
    with pytest.raises(RuleFileError) as info:
        load_ruleset(rules)
    assert any("unknown value 'gold'" in str(e) for e in info.value.errors)


CALENDAR = """# 会社の営業日カレンダー
calendar:
  public_holidays: japan
  closed_weekdays: [sat, sun]
  closed_days:
    - {month_day: [12-28, 01-04]}   # 年末年始 (毎年)
"""
YEAR_END = [
    ("60_update_schedule.yaml", "        then:\n          next_update_date:\n            min:\n"
     "              - add_days: [{ref: as_of}, {ref: update_interval_days}]\n"
     "              - max: [{ref: eta.earliest}, {add_days: [{ref: as_of}, 1]}]\n",
     "        then:\n          next_update_date:\n            business_day_on_or_after:\n"
     "              min:\n"
     "                - add_days: [{ref: as_of}, {ref: update_interval_days}]\n"
     "                - max: [{ref: eta.earliest}, {add_days: [{ref: as_of}, 1]}]\n"),
    ("60_update_schedule.yaml", "        expect: {next_update_date: \"2026-11-26\"}\n",
     "        expect: {next_update_date: \"2026-11-26\"}\n"
     "      - name: 年末年始は 1/5 以降\n"
     "        given: {as_of: \"2026-12-26\", update_interval_days: 3, "
     "eta.earliest: \"2027-01-10\"}\n"
     "        expect: {next_update_date: \"2027-01-05\"}\n"),
]


def test_year_end_calendar_moves_the_next_update_to_january_5(tmp_path, monkeypatch):
    rules = _edit(tmp_path, YEAR_END, {"05_calendar.yaml": CALENDAR})
    _verify_clean(rules, tmp_path, monkeypatch)
    eta = {"earliest": "2027-01-10", "latest": "2027-01-12", "confidence": "medium"}
    for as_of in ("2026-12-24", "2026-12-27", "2027-01-01"):
        decision = _decide(rules, as_of=as_of, eta=eta)
        assert decision.next_update_date == date(2027, 1, 5), as_of
    # An ordinary Wednesday + 3 days is a Saturday: the first business day is Monday.
    assert _decide(rules, as_of="2026-11-25").next_update_date == date(2026, 11, 30)
    # A public holiday (2026-11-23, 勤労感謝の日) is skipped too.
    assert _decide(rules, as_of="2026-11-20", eta=eta).next_update_date == date(2026, 11, 24)


def test_date_range_condition_between(tmp_path):
    rule = ("      - id: followup-year-end\n"
            "        when: {as_of: {between: [2026-12-28, 2027-01-04]}}\n"
            "        then: {human_followup: true}\n        why: 年末年始は担当者がフォロー\n")
    rules = _edit(tmp_path, [
        ("50_channel_approval.yaml", "    outputs:\n      human_followup:",
         "      as_of:\n    outputs:\n      human_followup:"),
        ("50_channel_approval.yaml", "      - id: followup-priority-lane\n",
         rule + "      - id: followup-priority-lane\n")])
    later = {"eta": {"earliest": "2027-01-20", "latest": "2027-01-22", "confidence": "high"},
             "promised_date": "2027-01-18"}
    assert _decide(rules, as_of="2026-12-27", **later).human_followup is False
    assert _decide(rules, as_of="2026-12-28", **later).human_followup is True
    assert _decide(rules, as_of="2027-01-04", **later).human_followup is True
    assert _decide(rules, as_of="2027-01-05", **later).human_followup is False
    assert not [f for f in lint(load_ruleset(rules)) if f.severity == "error"]


CAMPAIGN = [
    ("30_compensation.yaml", "      - id: ec-coupon-14d\n",
     "      - id: ec-campaign-14d\n        when: {industry: ec, delay_days: {gte: 14}}\n"
     "        then: {compensation.type: coupon, compensation.amount_jpy: 1500}\n"
     "        valid_from: 2026-12-01\n        valid_to: 2026-12-31\n"
     "        why: 12月のお詫びキャンペーン\n      - id: ec-coupon-14d\n"),
    ("30_compensation.yaml", "    examples:\n",
     "    examples:\n      - name: 12月のキャンペーン\n"
     "        given: {as_of: \"2026-12-10\", industry: ec, deadline_missed: false, "
     "delay_days: 14, segment: standard, days_over_sla: null, purpose: null, "
     "sku.category: audio}\n"
     "        expect: {compensation.type: coupon, compensation.amount_jpy: 1500}\n"),
]


def test_campaign_switches_on_and_off_by_itself(tmp_path, monkeypatch):
    rules = _edit(tmp_path, CAMPAIGN)
    _verify_clean(rules, tmp_path, monkeypatch)

    def amount(as_of: date) -> int | None:
        eta = {"earliest": "2026-12-01", "latest": "2026-12-04", "confidence": "high"}
        return _decide(rules, as_of=str(as_of), eta=eta,
                       promised_date="2026-11-20").compensation.amount_jpy

    assert amount(date(2026, 11, 30)) == 1000
    assert amount(date(2026, 12, 1)) == 1500
    assert amount(date(2026, 12, 31)) == 1500
    assert amount(date(2026, 12, 31) + timedelta(days=1)) == 1000
    monkeypatch.setenv("NOKI_DATABASE_URL", f"sqlite:///{tmp_path / 'absent.db'}")
    result = runner.invoke(app, ["rules", "diff", "--base", str(RULES_DIR), "--dir", str(rules),
                                 "--sample", "400", "--as-of", "2026-12-10"])
    assert result.exit_code == 0, result.output
    assert "compensation.amount_jpy: 1000 -> 1500" in result.stdout
    today = runner.invoke(app, ["rules", "diff", "--base", str(RULES_DIR), "--dir", str(rules),
                                "--sample", "400"])
    assert "0 decisions change" in today.stdout


def test_never_effective_row_is_a_lint_finding(tmp_path):
    rules = _edit(tmp_path, [(CAMPAIGN[0][0], CAMPAIGN[0][1],
                              CAMPAIGN[0][2].replace("valid_to: 2026-12-31",
                                                     "valid_to: 2026-11-30"))])
    findings = [f for f in lint(load_ruleset(rules)) if "ec-campaign-14d" in f.rules]
    assert findings and findings[0].kind == "never_matches", findings


def test_vip_14_day_coupon_to_3000(tmp_path, monkeypatch):
    rules = _edit(tmp_path, [
        ("30_compensation.yaml", "then: {compensation.type: coupon, compensation.amount_jpy: 2000}",
         "then: {compensation.type: coupon, compensation.amount_jpy: 3000}"),
        ("30_compensation.yaml", "    examples:\n",
         "    examples:\n      - name: VIP 14日は 3,000円\n"
         "        given: {industry: ec, deadline_missed: false, delay_days: 14, segment: vip, "
         "days_over_sla: null, purpose: null, sku.category: audio}\n"
         "        expect: {compensation.type: coupon, compensation.amount_jpy: 3000}\n")])
    _verify_clean(rules, tmp_path, monkeypatch)
    eta = {"earliest": "2026-12-01", "latest": "2026-12-04", "confidence": "high"}
    vip = _decide(rules, **{"customer.rank": "vip"}, eta=eta)
    assert (vip.segment, vip.compensation.amount_jpy) == ("vip", 3000)


def test_amount_written_3_000_gets_a_hint(tmp_path):
    rules = _edit(tmp_path, [
        ("30_compensation.yaml", "then: {compensation.type: coupon, compensation.amount_jpy: 2000}",
         "then: {compensation.type: coupon, compensation.amount_jpy: 3,000}")])
    with pytest.raises(RuleFileError) as info:
        load_ruleset(rules)
    assert any("カンマ" in localize(e) and "3000" in localize(e) for e in info.value.errors), \
        info.value.errors


def test_btob_sla_cap_8_percent(tmp_path, monkeypatch):
    rules = _edit(tmp_path, [
        ("30_compensation.yaml",
         "- floor: {mul: [{ref: order_value_jpy}, {ref: customer.contract.penalty_cap_rate}]}",
         "- floor: {mul: [{ref: order_value_jpy}, 0.08]}"),
        ("30_compensation.yaml", "    examples:\n",
         "    examples:\n      - name: SLA 上限は一律 8%\n"
         "        given: {industry: btob, deadline_missed: false, delay_days: 100, segment: key, "
         "days_over_sla: 93, purpose: null, sku.category: valves, order_value_jpy: 184000, "
         "customer.contract.penalty_rate_per_day: 0.002}\n"
         "        expect: {compensation.type: sla_credit, compensation.amount_jpy: 14720}\n")])
    _verify_clean(rules, tmp_path, monkeypatch)
    contract = {"tier": "C", "sla_days": 7, "penalty_rate_per_day": 0.002,
                "penalty_cap_rate": 0.1}
    eta = {"earliest": "2027-02-20", "latest": "2027-02-28", "confidence": "low"}
    decision = _decide(rules, industry="btob", eta=eta, quantity=10, unit_price_jpy=18400,
                       **{"customer.contract": contract})
    assert decision.compensation.amount_jpy == 14720  # 184,000 x 8 %, not the contract's 10 %


@pytest.mark.parametrize("change", ["campaign", "year_end"])
def test_batch_decisions_match_single_decisions_with_dates(tmp_path, change):
    from noki.domain.order import Order
    from noki.sample.orders import sample_orders

    if change == "campaign":
        rules = _edit(tmp_path, CAMPAIGN)
    else:
        rules = _edit(tmp_path, YEAR_END, {"05_calendar.yaml": CALENDAR})
    days = [date(2026, 11, 28) + timedelta(days=k) for k in range(0, 45, 3)]
    orders = [Order.model_validate(d).model_copy(update={"as_of": days[i % len(days)]})
              for i, d in enumerate(sample_orders(600, seed=3))]
    engine = Engine(load_ruleset(rules))
    try:
        batch = engine.decide_many(orders)
        single = [engine.decide(o) for o in orders]
    finally:
        engine.close()
    assert [d.model_dump() for d in batch] == [d.model_dump() for d in single]
    if change == "campaign":
        assert {d.compensation.amount_jpy for d in single} >= {1000, 1500}
