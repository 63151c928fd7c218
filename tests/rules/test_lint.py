"""`noki rules lint`: shadowed and identical rows, gaps, collect contradictions, the gate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from noki.cli.main import app
from noki.rules.lint import ERROR, Finding, lint, lint_gate, lint_table
from noki.rules.lint.cells import domain_cells
from noki.rules.loader import build_ruleset, read_rule_files
from noki.rules.model import Condition, InputDomain, RuleFileError, RuleSet
from noki.rules.store import RuleStore
from noki.rules.vocabulary import FactType
from tests.rules.conftest import RULES_DIR

runner = CliRunner()
CASE_FILE = "rules/90_case.yaml"


def case_yaml(rows: list[str], *, policy: str = "first", complete: bool = True) -> str:
    """A table `case` over a few facts; each row is `when-flow-mapping -> verdict`."""
    lines = [
        "tables:",
        "  - name: case",
        f"    hit_policy: {policy}",
        f"    complete: {'true' if complete else 'false'}",
        "    inputs:",
        "      industry:",
        "      delay_days: {min: 0}",
        "      purpose:",
        "      days_over_sla:",
        "    outputs:",
        "      verdict: {type: enum, values: [a, b, c]}",
        "    rules:",
    ]
    for n, row in enumerate(rows, start=1):
        when, verdict = row.split(" -> ")
        lines.append(f"      - {{id: case-{n}, when: {when}, then: {{verdict: {verdict}}}, "
                     "why: test}")
    return "\n".join(lines) + "\n"


def case_ruleset(rows: list[str], **kwargs: object) -> RuleSet:
    """The shipped rules plus the `case` table (the loader needs every decision field)."""
    sources = read_rule_files(RULES_DIR)
    sources[CASE_FILE] = case_yaml(rows, **kwargs).encode()  # type: ignore[arg-type]
    return build_ruleset(sources)


def lint_case(rows: list[str], **kwargs: object) -> list[Finding]:
    """Findings for the `case` table only."""
    return lint_table(case_ruleset(rows, **kwargs).table("case"))


def kinds(findings: list[Finding]) -> list[tuple[str, tuple[str, ...]]]:
    return [(f.kind, f.rules) for f in findings]


ALL = "{}"
INDUSTRIES = ["{industry: ec} -> a", "{industry: btob} -> b", "{industry: auto} -> c"]


# --- first-hit tables: shadowed and identical rows --------------------------------------------


def test_row_inside_one_earlier_row_is_shadowed_with_an_example_on_the_boundary():
    findings = lint_case(["{delay_days: {gte: 8}} -> a", "{delay_days: {gte: 14}} -> b",
                          f"{ALL} -> c"])
    assert kinds(findings) == [("shadowed", ("case-2", "case-1"))]
    (f,) = findings
    assert f.severity == ERROR
    assert (f.file, f.line) == (CASE_FILE, 14)
    assert f.example == {"delay_days": 14}
    assert str(f) == (f"{CASE_FILE}:14: error: shadowed: rule case-2 can never fire: earlier "
                      "rule case-1 covers every input it matches (example: delay_days=14)")


def test_row_covered_only_by_the_union_of_two_earlier_rows_is_shadowed():
    findings = lint_case(["{delay_days: {lt: 10}} -> a", "{delay_days: {gte: 5}} -> b",
                          "{delay_days: {gte: 3, lte: 12}} -> c", f"{ALL} -> c"])
    assert kinds(findings) == [("shadowed", ("case-3", "case-1", "case-2")),
                               ("shadowed", ("case-4", "case-1", "case-2"))]


def test_union_across_two_inputs_shadows_a_row_on_a_third():
    findings = lint_case(["{industry: ec} -> a", "{industry: [btob, auto]} -> b",
                          "{delay_days: {gte: 1}, purpose: gift} -> c"])
    assert kinds(findings) == [("shadowed", ("case-3", "case-1", "case-2"))]
    assert findings[0].example == {"industry": "ec", "delay_days": 1, "purpose": "gift"}


def test_partial_overlap_with_earlier_rows_is_fine():
    assert lint_case(["{industry: ec, delay_days: {gte: 14}} -> a",
                      "{delay_days: {gte: 8}} -> b", "{industry: ec} -> b",
                      f"{ALL} -> c"]) == []


def test_identical_conditions_are_reported_once_as_identical():
    findings = lint_case(["{industry: ec} -> a", "{industry: [ec]} -> b", f"{ALL} -> c"])
    assert kinds(findings) == [("identical", ("case-2", "case-1"))]
    assert findings[0].example == {"industry": "ec"}
    assert "same conditions as rule case-1 (line 13)" in findings[0].message


def test_row_whose_conditions_exclude_the_declared_domain_never_matches():
    findings = lint_case(["{delay_days: {lt: 0}} -> a", f"{ALL} -> c"])
    assert kinds(findings) == [("never_matches", ("case-1",))]


# --- complete tables: gaps ---------------------------------------------------------------------


def test_missing_enum_value_is_a_gap_at_the_table_line():
    findings = lint_case(INDUSTRIES[:2])
    assert kinds(findings) == [("gap", ())]
    (f,) = findings
    assert (f.line, f.example) == (2, {"industry": "auto"})
    assert "no rule covers industry=auto" in f.message


def test_a_table_not_declared_complete_may_have_gaps():
    assert lint_case(INDUSTRIES[:2], complete=False) == []


@pytest.mark.parametrize(("low_row", "gap"), [
    pytest.param("{delay_days: {lt: 14}} -> b", None, id="gte14-lt14-no-gap"),
    pytest.param("{delay_days: {lte: 13}} -> b", None, id="gte14-lte13-no-gap"),
    pytest.param("{delay_days: {lt: 13}} -> b", 13, id="gte14-lt13-gap-13"),
    pytest.param("{delay_days: {lt: 12}} -> b", 12, id="gte14-lt12-gap-12-13"),
])
def test_numeric_boundaries(low_row, gap):
    findings = lint_case(["{delay_days: {gte: 14}} -> a", low_row])
    if gap is None:
        assert findings == []
    else:
        assert [f.example for f in findings] == [{"delay_days": gap}]


def test_gap_between_thresholds_is_described_as_one_range():
    (f,) = lint_case(["{delay_days: {gte: 14}} -> a", "{delay_days: {lt: 8}} -> b"])
    assert "delay_days in {8, 9..13}" in f.message
    assert f.example == {"delay_days": 8}


def test_declared_minimum_bounds_the_domain():
    # delay_days has min 0: `gte 0` alone covers it, `gte 1` leaves 0 uncovered.
    assert lint_case(["{delay_days: {gte: 0}} -> a"]) == []
    assert [f.example for f in lint_case(["{delay_days: {gte: 1}} -> a"])] == [{"delay_days": 0}]


def test_nullable_enum_leaves_a_gap_at_null():
    findings = lint_case(["{purpose: [gift, event, construction, vehicle_off_road]} -> a"])
    assert [f.example for f in findings] == [{"purpose": None}]
    assert "purpose=null" in str(findings[0])


def test_ne_and_is_set_false_cover_null():
    assert lint_case(["{purpose: {ne: gift}} -> a", "{purpose: gift} -> b"]) == []
    assert lint_case(["{purpose: {is_set: true}} -> a", "{purpose: null} -> b"]) == []


def test_nullable_int_compared_on_both_sides_still_misses_null():
    findings = lint_case(["{days_over_sla: {gt: 0}} -> a", "{days_over_sla: {lte: 0}} -> b"])
    assert [f.example for f in findings] == [{"days_over_sla": None}]


def test_gaps_on_two_inputs_name_both():
    findings = lint_case(["{industry: ec} -> a", "{industry: btob, delay_days: {gte: 1}} -> b",
                          "{industry: auto} -> c"])
    assert [f.example for f in findings] == [{"industry": "btob", "delay_days": 0}]


# --- collect tables: contradictions ------------------------------------------------------------


def test_collect_rows_that_fire_together_with_different_values_contradict():
    findings = lint_case(["{industry: ec} -> a", "{delay_days: {gte: 1}} -> b"],
                         policy="collect", complete=False)
    assert kinds(findings) == [("contradiction", ("case-2", "case-1"))]
    (f,) = findings
    assert f.severity == ERROR
    assert f.example == {"industry": "ec", "delay_days": 1}


def test_collect_rows_that_never_fire_together_or_agree_are_fine():
    assert lint_case(["{industry: ec} -> a", "{industry: btob} -> b",
                      "{industry: ec, delay_days: {gte: 1}} -> a"],
                     policy="collect", complete=False) == []


def test_collect_duplicate_row_is_a_warning():
    findings = lint_case(["{industry: ec} -> a", "{industry: [ec]} -> a"],
                         policy="collect", complete=False)
    assert [(f.kind, f.severity) for f in findings] == [("duplicate", "warning")]


def test_list_output_rows_firing_together_do_not_contradict(ruleset):
    # option-wait fires on every order together with every other option row.
    assert lint_table(ruleset.table("options")) == []


# --- the shipped rules, the CLI and the RuleStore gate -----------------------------------------


def test_shipped_rules_lint_clean_and_fast(ruleset):
    findings = lint(ruleset)  # its speed is measured in bench/, not asserted here
    assert [str(f) for f in findings] == []


def test_cli_lint_exit_codes_text_and_json(tmp_path):
    ok = runner.invoke(app, ["rules", "lint", "--dir", str(RULES_DIR)])
    assert ok.exit_code == 0, ok.output
    assert "0 error(s), 0 warning(s)" in ok.stdout
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    (rules / "90_case.yaml").write_text(
        case_yaml(["{industry: ec} -> a", "{industry: ec, delay_days: {gte: 1}} -> b",
                   f"{ALL} -> c", "{industry: ec} -> a"]), encoding="utf-8")
    bad = runner.invoke(app, ["rules", "lint", "--dir", str(rules)])
    assert bad.exit_code == 1
    assert (f"{CASE_FILE}:16: エラー: identical: ルール case-4 はルール case-1 (13 行目) と条件"
            "が同じなので、使われることがありません") in bad.stdout
    english = runner.invoke(app, ["rules", "lint", "--dir", str(rules), "--lang", "en"])
    assert (f"{CASE_FILE}:16: error: identical: rule case-4 has the same conditions as rule "
            "case-1") in english.stdout
    assert "2 error(s)" in bad.stdout
    as_json = runner.invoke(app, ["rules", "lint", "--dir", str(rules), "--json"])
    assert as_json.exit_code == 1
    docs = json.loads(as_json.stdout)
    assert {d["kind"] for d in docs} == {"identical", "shadowed"}
    assert all(set(d) >= {"file", "line", "rules", "severity", "message", "example"}
               for d in docs)


def test_cli_lint_warnings_only_exit_zero(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    (rules / "90_case.yaml").write_text(
        case_yaml(["{industry: ec} -> a", "{industry: [ec]} -> a"], policy="collect",
                  complete=False), encoding="utf-8")
    result = runner.invoke(app, ["rules", "lint", "--dir", str(rules)])
    assert result.exit_code == 0
    assert "警告: duplicate: ルール case-2 はルール case-1" in result.stdout


SHADOWED = case_yaml(["{delay_days: {gte: 8}} -> a", "{delay_days: {gte: 14}} -> b",
                      f"{ALL} -> c"])


def test_lint_gate_returns_only_errors():
    errors = lint_gate(case_ruleset(["{delay_days: {gte: 8}} -> a",
                                     "{delay_days: {gte: 14}} -> b", f"{ALL} -> c"]))
    assert [(e.file, e.line) for e in errors] == [(CASE_FILE, 14)]
    assert "shadowed" in errors[0].message
    warn_only = case_ruleset(["{industry: ec} -> a", "{industry: [ec]} -> a"],
                             policy="collect", complete=False)
    assert lint_gate(warn_only) == []


def test_store_with_lint_gate_refuses_a_shadowed_row_and_keeps_serving(tmp_path: Path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    store = RuleStore(rules, gates=(lint_gate,))
    try:
        before = store.version
        (rules / "90_case.yaml").write_text(SHADOWED, encoding="utf-8")
        result = store.reload()
        assert not result.ok
        assert result.version == before == store.version
        assert any(e.file.endswith(CASE_FILE) and e.line == 14 and "shadowed" in e.message
                   for e in result.errors)
        with store.engine() as engine:
            assert engine.version == before
    finally:
        store.close()


def test_store_with_lint_gate_refuses_to_start_on_a_shadowed_row(tmp_path: Path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    (rules / "90_case.yaml").write_text(SHADOWED, encoding="utf-8")
    with pytest.raises(RuleFileError, match="shadowed"):
        RuleStore(rules, gates=(lint_gate,))
    RuleStore(rules).close()  # without the gate the same files load: the linter refused them


# --- elementary cells --------------------------------------------------------------------------


def _labels(kind: str, conds: list[Condition], **domain: object) -> list[str]:
    dom = InputDomain("x", FactType(kind, nullable=bool(domain.pop("nullable", False))),
                      **domain)  # type: ignore[arg-type]
    return [c.label for c in domain_cells(dom, conds)]


@pytest.mark.parametrize(("kind", "conds", "domain", "labels"), [
    pytest.param("int", [Condition("x", "gte", 14), Condition("x", "lt", 13)],
                 {"min": 0}, ["0..12", "13", "14", "≥ 15"], id="int-min"),
    pytest.param("int", [Condition("x", "in", (3, 5))], {"min": 0, "max": 5},
                 ["0..2", "3", "4", "5"], id="int-in-max"),
    pytest.param("int", [], {"nullable": True}, ["any", "null"], id="int-untested-nullable"),
    pytest.param("number", [Condition("x", "gt", 0.5)], {"min": 0},
                 ["[0, 0.5)", "0.5", "> 0.5"], id="number"),
    pytest.param("string", [Condition("x", "eq", "vip")], {"values": ("gold",)},
                 ["gold", "vip", "any other"], id="string-open"),
    pytest.param("list", [Condition("x", "not_empty", True)], {}, ["empty", "non-empty"],
                 id="list"),
    pytest.param("date", [Condition("x", "is_set", True)], {"nullable": True},
                 ["set", "null"], id="date"),
])
def test_domain_cells(kind, conds, domain, labels):
    assert _labels(kind, conds, **domain) == labels
