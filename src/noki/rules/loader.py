"""Load rules/*.yaml: validate everything, reject duplicates, order the tables, freeze, hash."""

from __future__ import annotations

import hashlib
import os
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any

import yaml

from noki.paths import shipped
from noki.rules.calendar_file import parse_calendar
from noki.rules.model import RuleError, RuleFileError, RuleSet, Table
from noki.rules.parse import parse_table
from noki.rules.parse_fields import Errors
from noki.rules.schema import FileSpec, validate_spec
from noki.rules.schemas import SCHEMAS
from noki.rules.suggest import fullwidth_space_lines
from noki.rules.vocab_file import apply_vocabulary, parse_vocabulary
from noki.rules.vocabulary import ORDER_SCHEMA, FactType, RuleSchema, Vocabulary
from noki.rules.yaml_lines import LineDict, LineList, load_yaml

DEFAULT_RULES_DIR = shipped("rules")


def rules_version(files: dict[str, bytes]) -> str:
    """Hash of the rule files' names and bytes: the `rules_version` on every decision.

    Only the file name counts, not the folder: the same files give the same version wherever
    they are read from (a checkout, a copy, a git revision, the database).
    """
    digest = hashlib.sha256()
    for name in sorted(files, key=base_name):
        digest.update(base_name(name).encode() + b"\0" + files[name] + b"\0")
    return digest.hexdigest()[:16]


def base_name(name: str) -> str:
    """The file name of a display name (`/x/rules/10_segment.yaml` -> `10_segment.yaml`)."""
    return name.replace("\\", "/").rsplit("/", 1)[-1]


def display_path(path: Path) -> str:
    """The path as the rule author typed it or relative to here when shorter: the file read."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return relative if not relative.startswith("..") else str(path)


def _read_docs(sources: dict[str, bytes], errors: list[RuleError]) -> dict[str, Any]:
    docs: dict[str, Any] = {}
    for name, data in sources.items():
        try:
            doc = load_yaml(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            errors.append(RuleError(name, 1, f"not UTF-8 text: {exc}"))
            continue
        except yaml.MarkedYAMLError as exc:
            wide = fullwidth_space_lines(data.decode("utf-8"))
            if wide:  # the parser's own words ("cannot start any token") do not say why
                errors.extend(RuleError(name, n, "YAML: indentation uses a full-width space "
                                        "(U+3000)") for n in wide)
                continue
            line = exc.problem_mark.line + 1 if exc.problem_mark else 1
            errors.append(RuleError(name, line, f"YAML: {exc.problem or exc}"))
            continue
        if not isinstance(doc, LineDict):
            errors.append(RuleError(name, 1, "a rule file is a mapping with a 'tables' list"))
            continue
        err = Errors(name)
        if validate_spec(FileSpec, doc, "rule file", err.add) is None:
            errors.extend(err.items)
            continue
        if "tables" not in doc:
            doc["tables"] = LineList()
            doc["tables"].item_lines = []
        docs[name] = doc
    return docs


def _declared_outputs(docs: dict[str, Any], decision: dict[str, FactType]) -> dict[
        str, FactType]:
    """Output types across all files, so any table may read another table's output."""
    known: dict[str, FactType] = {}
    for doc in docs.values():
        for table in doc["tables"]:
            outputs = table.get("outputs") if isinstance(table, dict) else None
            for name, spec in (outputs or {}).items() if isinstance(outputs, dict) else ():
                if name in decision:
                    known[name] = decision[name]
                elif isinstance(spec, dict) and isinstance(spec.get("type"), str):
                    known[name] = FactType(spec["type"], tuple(spec.get("values") or ()),
                                           bool(spec.get("nullable", False)))
    return known


def _order_tables(tables: list[Table], errors: list[RuleError]) -> list[Table]:
    """Topological order: a table runs after every table whose outputs it reads."""
    writers: dict[str, list[Table]] = {}
    for t in tables:
        for out in t.outputs:
            writers.setdefault(out, []).append(t)
    graph: dict[str, set[str]] = {t.name: set() for t in tables}
    for out, ts in writers.items():
        base = [t for t in ts if out not in t.reads]
        if len(base) > 1:
            first = base[0]
            for other in base[1:]:
                errors.append(RuleError(other.file, other.line, f"output {out!r} is already "
                                        f"set by table {first.name} ({first.file}:{first.line});"
                                        " a second table may only adjust it by reading it"))
    for t in tables:
        for name in t.reads:
            for w in writers.get(name, []):
                # A reader runs after every writer; an adjuster after the base writer only.
                if w.name != t.name and (name not in w.reads or name not in t.outputs):
                    graph[t.name].add(w.name)
    position = {t.name: i for i, t in enumerate(tables)}
    sorter = TopologicalSorter(graph)
    try:
        sorter.prepare()
    except CycleError as exc:
        cycle = " -> ".join(exc.args[1])
        by_name = {t.name: t for t in tables}
        # Point at a table of the cycle (the last one written), not at the first file read.
        last = max((by_name[n] for n in exc.args[1]), key=lambda t: position[t.name])
        errors.append(RuleError(last.file, last.line, f"tables depend on each other in a "
                                f"cycle: {cycle}"))
        return tables
    ordered: list[str] = []
    ready: list[str] = []
    while sorter.is_active():
        # Take one table at a time, earliest in file order, so traces read like the files.
        ready = sorted([*ready, *sorter.get_ready()], key=position.__getitem__)
        ordered.append(ready.pop(0))
        sorter.done(ordered[-1])
    by_name = {t.name: t for t in tables}
    return [by_name[n] for n in ordered]


def _check_amounts(tables: list[Table], vocab: Vocabulary, errors: list[RuleError]) -> None:
    """A compensation type without an amount sets none; one with an amount sets one."""
    for table in tables:
        if not {"compensation.type", "compensation.amount_jpy"} <= set(table.outputs):
            continue
        for rule in table.rules:
            then = dict(rule.outputs)
            kind = then.get("compensation.type")
            if not isinstance(kind, str) or kind not in vocab.values("compensation.type"):
                continue
            amount = then.get("compensation.amount_jpy")
            if vocab.has_amount(kind) and amount is None:
                errors.append(RuleError(rule.file, rule.line, f"rule {rule.id}: "
                                        f"compensation.type {kind} carries an amount "
                                        "(vocabulary amount: true); set compensation.amount_jpy"))
            elif not vocab.has_amount(kind) and amount is not None:
                errors.append(RuleError(rule.file, rule.line, f"rule {rule.id}: "
                                        f"compensation.type {kind} has no amount (vocabulary "
                                        "amount: false); set compensation.amount_jpy: null"))


def _knock_on(message: str) -> bool:
    """An error another, unreadable, file may have caused (an undeclared name)."""
    return (message.startswith(("unknown input", "example ")) and "unknown fact" in message
            or message.startswith("unknown input")
            or "is not a declared input" in message or "is not an output of" in message
            or "depend on each other" in message)


def _schema(docs: dict[str, Any], errors: list[RuleError]) -> RuleSchema:
    """The rule set's kind: every file says the same `ruleset:` (default orders)."""
    kinds = {name: str(doc.get("ruleset") or "orders") for name, doc in docs.items()}
    if len(set(kinds.values())) > 1:
        for name, kind in kinds.items():
            errors.append(RuleError(name, 1, f"ruleset: {kind}; the files of one folder must "
                                    "all be the same kind (" + ", ".join(
                                        sorted(set(kinds.values()))) + "): put sales-control "
                                    "rules in their own folder (rules/sales_control/)"))
        return ORDER_SCHEMA
    return SCHEMAS[next(iter(kinds.values()), "orders")]


def build_ruleset(sources: dict[str, bytes]) -> RuleSet:
    """Validate and freeze rule files given as {display name: bytes}; raise RuleFileError."""
    errors: list[RuleError] = []
    docs = _read_docs(sources, errors)
    schema = _schema(docs, errors)
    vocab, reports = parse_vocabulary(docs, schema=schema)
    calendar, calendar_reports = parse_calendar(docs)
    for report in [*reports, *calendar_reports]:
        errors.extend(report.items)
    vocab_err = Errors(next((n for n, d in docs.items() if "vocabulary" in d),
                            next(iter(sources), "rules")))
    facts, decision = apply_vocabulary(vocab, vocab_err, lenient=len(docs) < len(sources),
                                       schema=schema)
    errors.extend(vocab_err.items)
    known = {**facts, **decision, **_declared_outputs(docs, decision)}
    tables: list[Table] = []
    table_at: dict[str, Table] = {}
    rule_at: dict[str, str] = {}
    for name, doc in docs.items():
        err = Errors(name)
        for i, raw in enumerate(doc["tables"]):
            table = parse_table(raw, doc["tables"].item_lines[i], known, err, schema)
            if table is None:
                continue
            if table.name in table_at:
                prev = table_at[table.name]
                err.add(table.line, f"duplicate table name {table.name!r} (first at "
                        f"{prev.file}:{prev.line})")
                continue
            for rule in table.rules:
                where = f"{rule.file}:{rule.line}"
                if rule.id in rule_at:
                    err.add(rule.line, f"duplicate rule id {rule.id!r} (first at "
                            f"{rule_at[rule.id]})")
                rule_at.setdefault(rule.id, where)
            table_at[table.name] = table
            tables.append(table)
        errors.extend(err.items)
    _check_amounts(tables, vocab, errors)
    produced = {o for t in tables for o in t.outputs}
    # Only when every file parsed: a broken file would make every field it decides "missing".
    for missing in [o for o in schema.outputs if o not in produced and not errors]:
        errors.append(RuleError(next(iter(sources), "rules"), 1,
                                f"no table decides {missing!r}: every decision field needs one"))
    ordered = _order_tables(tables, errors) if tables else []
    if len(docs) < len(sources):
        # A file that could not be read declares nothing: names it would have declared are
        # "unknown" elsewhere. Report the broken file, not those knock-on errors.
        errors = [e for e in errors if e.file not in docs or not _knock_on(e.message)]
    if errors:
        raise RuleFileError(sorted(set(errors), key=lambda e: (e.file, e.line, e.message)))
    return RuleSet(tuple(ordered), rules_version(sources), tuple(sorted(sources)), vocab,
                   calendar, kind=schema.kind)


def read_rule_files(directory: Path) -> dict[str, bytes]:
    """{path of FILE.yaml as read: bytes} for every YAML file in directory."""
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    if not files:
        raise RuleFileError([RuleError(str(directory), 0, "no rule files (*.yaml) found")])
    return {display_path(f): f.read_bytes() for f in files}


def load_ruleset(directory: Path = DEFAULT_RULES_DIR) -> RuleSet:
    """Load, validate and freeze the rule files in directory."""
    return build_ruleset(read_rule_files(directory))
