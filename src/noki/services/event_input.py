"""Lifecycle events from a JSONL or CSV file: raw documents with their line numbers."""

from __future__ import annotations

import json
from typing import Any

from noki.io.csv_rows import csv_records, nest
from noki.io.jsonl import LineError

# CSV column -> path in the event document (empty cells are left out).
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "event_id": ("event_id",), "kind": ("kind",), "order_id": ("order_id",),
    "sku_id": ("sku_id",), "po_ref": ("po_ref",), "eta_earliest": ("eta", "earliest"),
    "eta_latest": ("eta", "latest"), "eta_confidence": ("eta", "confidence"),
    "as_of": ("as_of",), "quantity": ("quantity",), "tracking_number": ("tracking_number",),
    "carrier": ("carrier",), "reason": ("reason",), "refund_jpy": ("refund_jpy",),
    "refund_by": ("refund_by",), "option": ("option",), "chosen_by": ("chosen_by",),
    "note": ("note",), "occurred_at": ("occurred_at",), "source": ("source",),
}


def read_events(text: str, *, csv_format: bool | None = None) -> tuple[
        list[tuple[int, Any]], list[LineError]]:
    """(line, document) per event, and the lines that are not even JSON / a CSV row."""
    if csv_format is None:
        csv_format = not text.lstrip().startswith(("{", "["))
    return _csv(text) if csv_format else _jsonl(text)


def _jsonl(text: str) -> tuple[list[tuple[int, Any]], list[LineError]]:
    docs: list[tuple[int, Any]] = []
    errors: list[LineError] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            docs.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            errors.append(LineError(number, "(json)",
                                    f"invalid JSON: {exc.msg} at column {exc.colno}"))
    return docs, errors


def _csv(text: str) -> tuple[list[tuple[int, Any]], list[LineError]]:
    docs: list[tuple[int, Any]] = []
    errors: list[LineError] = []
    for item in csv_records(text, CSV_COLUMNS):
        if isinstance(item, LineError):
            errors.append(item)
        else:
            docs.append((item[0], nest(item[1], CSV_COLUMNS)))
    return docs, errors
