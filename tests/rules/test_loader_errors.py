"""Broken rule files are refused with `rules/FILE.yaml:LINE: message`, all errors at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from noki.rules.loader import build_ruleset, load_ruleset
from noki.rules.model import RuleFileError
from tests.rules.conftest import RULES_DIR


def _errors(tmp_path: Path, name: str, old: str, new: str) -> tuple[list[str], int]:
    """Errors after replacing old by new, and the line where new's last line landed."""
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    path = target / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_ruleset(target)
    line = text[: text.index(old)].count("\n") + 1 + new.count("\n")
    return [str(e) for e in info.value.errors], line


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("30_compensation.yaml", "when: {industry: ec, deadline_missed: true}",
         "when: {industry: ec, deadline_misssed: true}",
         "'deadline_misssed' is not a declared input"),
        ("30_compensation.yaml", "delay_days: {gte: 14}, segment: vip}",
         "delay_days: {atleast: 14}, segment: vip}", "unknown operator 'atleast'"),
        ("30_compensation.yaml", "delay_days: {gte: 14}, segment: vip}",
         "delay_days: {gte: fourteen}, segment: vip}", "gte 'fourteen' is not a int"),
        ("30_compensation.yaml", "then: {compensation.type: coupon, compensation.amount_jpy: 2000}",
         "then: {compensation.type: voucher, compensation.amount_jpy: 2000}",
         "unknown value 'voucher'"),
        ("20_lane.yaml", "id: lane-expedite-btob-key", "id: lane-priority-ec-vip",
         "duplicate rule id 'lane-priority-ec-vip'"),
        ("10_segment.yaml", "    hit_policy: first", "    hit_policy: firstt",
         "hit_policy must be 'first' or 'collect'"),
        ("10_segment.yaml", "    complete: true", "    complete: true\n    colour: red",
         "unknown field 'colour' in table"),
        ("20_lane.yaml", "when: {industry: ec, segment: vip}",
         "when: {industry: ec, segment: vip, industry: btob}", "duplicate key 'industry'"),
        ("10_segment.yaml", "        why: EC で会員ランクが VIP",
         "        why: EC で会員ランクが VIP\n        note: x",
         "unknown field 'note' in rule ec-vip-rank"),
        ("10_segment.yaml", "    complete: true", "    complete: \"yes\"",
         "complete must be true or false"),
        ("20_lane.yaml", "        why: EC の VIP のお客様は最優先", "        why: 12",
         "why must be text"),
        ("60_update_schedule.yaml", "        then:\n          next_update_date:\n            min:\n"
         "              - add_days: [{ref: as_of}, {ref: update_interval_days}]\n"
         "              - max: [{ref: eta.earliest}, {add_days: [{ref: as_of}, 1]}]",
         "        then:\n          next_update_date: {add: [{ref: update_interval_days}, 1]}",
         "this expression computes a number, but next_update_date must be a date"),
        ("60_update_schedule.yaml", "- add_days: [{ref: as_of}, {ref: update_interval_days}]",
         "- add_days: [{ref: update_interval_days}, {ref: as_of}]",
         "add_days: the first value must be a date, got a number"),
        ("30_compensation.yaml", "compensation.amount_jpy: {ref: order_value_jpy}}",
         "compensation.amount_jpy: {ref: promised_date}}",
         "this expression computes a date, but compensation.amount_jpy must be a int"),
    ],
    ids=["unknown-input", "unknown-operator", "wrong-type", "unknown-output-value",
         "duplicate-rule-id", "bad-hit-policy", "unknown-table-field", "duplicate-yaml-key",
         "unknown-rule-field", "text-for-bool", "number-for-text", "computed-number-for-date",
         "add-days-operands", "computed-date-for-amount"],
)
def test_bad_rule_file_names_file_line_and_problem(tmp_path, file, old, new, message):
    errors, line = _errors(tmp_path, file, old, new)
    matching = [e for e in errors if message in e]
    assert matching, errors
    # The path printed is the file actually read (here the temp copy), never a fixed `rules/`.
    assert matching[0].startswith(f"{tmp_path / 'rules' / file}:{line}:"), matching


def test_all_errors_reported_together_and_good_files_untouched(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    for name, old, new in [("20_lane.yaml", "then: {lane: standard}", "then: {lane: slow}"),
                           ("40_options.yaml", "then: {options: wait}", "then: {options: sit}")]:
        p = target / name
        p.write_text(p.read_text().replace(old, new), encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_ruleset(target)
    files = {e.file for e in info.value.errors}
    assert files == {str(target / "20_lane.yaml"), str(target / "40_options.yaml")}


def test_yaml_syntax_error_has_its_line():
    with pytest.raises(RuleFileError) as info:
        build_ruleset({"rules/x.yaml": b"tables:\n  - name: a\n    rules: [\n"})
    assert info.value.errors[0].file == "rules/x.yaml"
    assert info.value.errors[0].line >= 3


def test_missing_decision_field_is_reported(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    (target / "60_update_schedule.yaml").unlink()
    with pytest.raises(RuleFileError) as info:
        load_ruleset(target)
    assert any("no table decides 'next_update_date'" in str(e) for e in info.value.errors)


def test_version_changes_with_any_byte_and_ignores_nothing(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    before = load_ruleset(target).version
    p = target / "20_lane.yaml"
    p.write_text(p.read_text() + "\n# comment\n", encoding="utf-8")
    assert load_ruleset(target).version != before
    assert load_ruleset(RULES_DIR).version == load_ruleset(RULES_DIR).version
