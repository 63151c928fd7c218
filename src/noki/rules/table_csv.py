"""A decision table's rows as CSV and back, for rule authors who work in a spreadsheet.

Columns: id, `when.<input>` per declared input, `then.<output>` per output, why, valid_from,
valid_to. A cell holds what the YAML file would hold after the key (`ec`, `{gte: 14}`,
`[ec, auto]`, `null`); an empty cell means "no condition" / "not set". Import replaces only
the table's `rules:` block in its file and validates the result exactly like `noki rules
check`; every error names the CSV row and column. Pure: text in, text out.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import yaml

from noki.rules.loader import build_ruleset
from noki.rules.model import RuleError, RuleFileError
from noki.rules.yaml_lines import LineDict, LineList, load_yaml

FIXED = ("id", "why", "valid_from", "valid_to")


@dataclass(frozen=True)
class _Located:
    """The table's raw mapping, the file it is in, and where its rules block sits."""

    file: str
    raw: LineDict
    start: int  # 0-based index of the `rules:` line
    end: int  # 0-based index after the block
    indent: int  # spaces before `rules:`


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def flow(value: Any) -> str:
    """One YAML value on one line (`{gte: 14}`, `[ec, auto]`, `null`)."""
    text = yaml.safe_dump(_plain(value), default_flow_style=True, allow_unicode=True,
                          width=1_000_000, sort_keys=False).strip()
    return text[:-4].strip() if text.endswith("\n...") else text


def _locate(files: dict[str, bytes], table: str) -> _Located:
    for name, data in files.items():
        doc = load_yaml(data.decode("utf-8"))
        tables = doc.get("tables") if isinstance(doc, LineDict) else None
        if not isinstance(tables, LineList):
            continue
        for i, raw in enumerate(tables):
            if isinstance(raw, LineDict) and raw.get("name") == table:
                start = raw.key_lines["rules"] - 1
                after = [line for key, line in raw.key_lines.items() if line - 1 > start]
                if i + 1 < len(tables):
                    after.append(tables.item_lines[i + 1])
                lines = data.decode("utf-8").split("\n")
                end = min(after) - 1 if after else len(lines)
                indent = len(lines[start]) - len(lines[start].lstrip(" "))
                return _Located(name, raw, start, end, indent)
    raise RuleFileError([RuleError("rules", 0, f"no table named {table!r}")])


def _columns(raw: LineDict) -> list[str]:
    inputs = list((raw.get("inputs") or {}).keys())
    outputs = list((raw.get("outputs") or {}).keys())
    return ["id", *(f"when.{n}" for n in inputs), *(f"then.{n}" for n in outputs), "why",
            "valid_from", "valid_to"]


def export_csv(files: dict[str, bytes], table: str) -> str:
    """The table's rows as CSV text."""
    found = _locate(files, table)
    columns = _columns(found.raw)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for rule in found.raw["rules"]:
        when, then = rule.get("when") or {}, rule.get("then") or {}
        row = []
        for column in columns:
            section, _, name = column.partition(".")
            if section == "when":
                row.append(flow(when[name]) if name in when else "")
            elif section == "then":
                row.append(flow(then[name]) if name in then else "")
            else:
                value = rule.get(column)
                row.append("" if value is None else str(value))
        writer.writerow(row)
    return out.getvalue()


def import_csv(files: dict[str, bytes], table: str, text: str, source: str) -> dict[str, bytes]:
    """files with the table's rows replaced by the CSV; RuleFileError names row and column."""
    found = _locate(files, table)
    columns = _columns(found.raw)
    reader = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    errors: list[RuleError] = []
    if not reader:
        raise RuleFileError([RuleError(source, 1, "the CSV is empty")])
    header = [h.strip() for h in reader[0]]
    for h in header:
        if h not in columns:
            errors.append(RuleError(source, 1, f"column {h!r} is not a column of table {table}"
                                    f" (columns: {', '.join(columns)})"))
    if "id" not in header:
        errors.append(RuleError(source, 1, "the CSV needs an id column"))
    lines = _rules_block(found, header, reader[1:], source, errors)
    if errors:
        raise RuleFileError(errors)
    block, where = lines
    original = files[found.file].decode("utf-8").split("\n")
    new_text = "\n".join([*original[:found.start], *block, *original[found.end:]])
    new_files = {**files, found.file: new_text.encode("utf-8")}
    try:
        build_ruleset(new_files)
    except RuleFileError as exc:
        offset = found.start + 1
        raise RuleFileError([
            RuleError(source, where[e.line - offset][0], f"row {where[e.line - offset][0]}, "
                      f"column {where[e.line - offset][1]}: "
                      + e.message)
            if e.file == found.file and 0 <= e.line - offset < len(where) else e
            for e in exc.errors]) from exc
    return new_files


def _rules_block(found: _Located, header: list[str], rows: list[list[str]], source: str,
                 errors: list[RuleError]) -> tuple[list[str], list[tuple[int, str]]]:
    """YAML lines of the rules block and, per line, the CSV (row, column) it came from."""
    indent = " " * found.indent
    item = indent + "  "
    block = [f"{indent}rules:"]
    where: list[tuple[int, str]] = [(1, "rules")]
    for number, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue  # a blank spreadsheet row
        values = dict(zip(header, (c.strip() for c in cells), strict=False))
        rid = values.get("id", "")
        block.append(f"{item}- id: {flow(rid)}")
        where.append((number, "id"))
        for section in ("when", "then"):
            keys = [h for h in header if h.startswith(section + ".") and values.get(h)]
            block.append(f"{item}  {section}:" + ("" if keys else " {}"))
            where.append((number, section))
            for h in keys:
                try:
                    value = load_yaml(values[h])
                except yaml.YAMLError as exc:
                    errors.append(RuleError(source, number, f"row {number}, column {h}: "
                                            f"not a value: {exc}"))
                    continue
                block.append(f"{item}    {h.split('.', 1)[1]}: {flow(value)}")
                where.append((number, h))
        for key in ("why", "valid_from", "valid_to"):
            if values.get(key):
                block.append(f"{item}  {key}: {flow(values[key])}")
                where.append((number, key))
    return block, where
