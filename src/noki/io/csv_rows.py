"""CSV exports read row by row: a header of known columns, each row's cells, its line number."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from noki.io.jsonl import LineError

Record = tuple[int, dict[str, str]]  # (line, {column: cell})


def csv_records(text: str, columns: Collection[str]) -> Iterator[LineError | Record]:
    """(line, {column: stripped cell}) per non-blank row, empty cells left out; else LineError.

    An unknown header column fails the whole file (line 1); a row of the wrong width fails
    alone. Line numbers are the file's, so a quoted cell spanning lines counts them all.
    """
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    unknown = [h for h in header if h not in columns]
    if unknown:
        expected = ", ".join(columns)
        for name in unknown:
            yield LineError(1, name, f"unknown column; expected some of {expected}")
        return
    start = reader.line_num + 1
    for row in reader:
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield LineError(line, "(row)", f"expected {len(header)} cells, found {len(row)}")
            continue
        yield line, {h: c.strip() for h, c in zip(header, row, strict=True) if c.strip()}


def nest(cells: Mapping[str, Any], paths: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    """A document from flat cells: each value put at its column's path (e.g. eta.latest)."""
    doc: dict[str, Any] = {}
    for name, value in cells.items():
        *parents, leaf = paths[name]
        node = doc
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    return doc
