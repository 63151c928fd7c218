"""`noki rules lint`: find rows that never fire, gaps and contradictions, without running rules.

Pure: reads a validated RuleSet, does no I/O. Each input's declared domain is cut into
elementary cells at every threshold or value the table names (cells.py); each rule becomes a box
of cells; a recursive sweep over boxes (sweep.py) finds what rules leave uncovered.

Severities:
- error `shadowed`: in a first-hit table, earlier rows (one, or several together) take every
  input the row matches, so it can never fire.
- error `identical`: in a first-hit table, a row has the same conditions as an earlier row.
- error `never_matches`: a row's own conditions exclude the whole declared domain.
- error `gap`: a `complete: true` table has inputs in its declared domain no row covers.
- error `contradiction`: in a collect table, two rows can fire on the same input and set one
  scalar output to different literal values (list outputs such as `options` accumulate;
  expressions depend on the order, so they are not compared).
- warning `duplicate`: in a collect table, a row repeats another row (conditions and outputs).
A row that only partly overlaps earlier rows is fine: that is what first-hit is for.
Errors fail `noki rules lint` and, through `lint_gate`, refuse a RuleStore reload.
"""

from __future__ import annotations

from noki.rules.lint.cells import build_space
from noki.rules.lint.collect import contradictions
from noki.rules.lint.findings import ERROR, WARNING, Finding, sort_findings
from noki.rules.lint.first import never_matches, shadowed
from noki.rules.lint.gaps import gaps
from noki.rules.model import RuleError, RuleSet, Table

__all__ = ["ERROR", "WARNING", "Finding", "lint", "lint_gate", "lint_table"]


def lint_table(table: Table) -> list[Finding]:
    """Every finding for one table."""
    space = build_space(table)
    found = never_matches(table, space)
    if table.hit_policy == "first":
        found += shadowed(table, space)
    else:
        found += contradictions(table, space)
    if table.complete:
        found += gaps(table, space)
    return found


def lint(ruleset: RuleSet) -> list[Finding]:
    """Every finding for the rule set, in file and line order."""
    return sort_findings(f for table in ruleset.tables for f in lint_table(table))


def lint_gate(ruleset: RuleSet) -> list[RuleError]:
    """The linter's errors as RuleErrors: a RuleStore gate that refuses such a reload."""
    return [f.to_error() for f in lint(ruleset) if f.severity == ERROR]
