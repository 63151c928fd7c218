"""What the rules page shows, kept thin so the RuleStore (issues 2/3) can be wired in here."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from noki.domain.decision import Decision
from noki.domain.order import Order
from noki.rules.lint import lint
from noki.rules.store import RuleStore
from noki.web.trace_view import validation_ja


@dataclass
class Table:
    """One list of rows found in a rule file."""

    name: str
    columns: list[str]
    rows: list[list[str]]


@dataclass
class RuleFile:
    """A rule file as read from rules/: its tables and its text."""

    name: str
    text: str
    tables: list[Table] = field(default_factory=list)
    error: str | None = None


def rules_version(store: RuleStore) -> str:
    """The current rules_version (as stamped on every decision)."""
    return store.version


def rule_files(folder: Path) -> list[RuleFile]:
    """Every YAML file under rules/, with each list of mappings shown as a table."""
    out = []
    for path in sorted(folder.glob("**/*.y*ml")):
        text = path.read_text(encoding="utf-8")
        item = RuleFile(str(path.relative_to(folder)), text)
        try:
            _collect(yaml.safe_load(text), "", item.tables)
        except yaml.YAMLError as exc:
            item.error = str(exc)
        out.append(item)
    return out


def _collect(node: Any, name: str, into: list[Table]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _collect(value, f"{name}.{key}" if name else str(key), into)
    elif isinstance(node, list) and node and all(isinstance(r, dict) for r in node):
        columns = list(dict.fromkeys(k for r in node for k in r))
        rows = [[_cell(r.get(c)) for c in columns] for r in node]
        into.append(Table(name or "(top)", [str(c) for c in columns], rows))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def simulate(store: RuleStore, order_json: str) -> tuple[Decision | None, Any]:
    """Decide a pasted order; returns (decision, None) or (None, problems in Japanese)."""
    try:
        order = Order.model_validate_json(order_json)
    except ValueError as exc:
        return None, validation_ja(exc)
    return store.decide(order), None


def lint_findings(store: RuleStore) -> list[str]:
    """Findings of the rule linter on the rule set now serving (`rules/FILE.yaml:LINE: ...`)."""
    return [str(f) for f in lint(store.ruleset)]


def reload_rules(store: RuleStore) -> str:
    """Reload rules/ through the RuleStore; a refused edit keeps the serving version."""
    result = store.reload()
    if result.ok:
        return f"ルールを再読み込みしました（{result.version}）。"
    problems = " / ".join(str(e) for e in result.errors[:5])
    return (f"再読み込みを中止しました。現在のバージョン {result.version} を使い続けます。"
            f"エラー: {problems}")
