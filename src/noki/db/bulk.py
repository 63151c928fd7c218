"""Set-based inserts: COPY on PostgreSQL, one multi-row statement elsewhere.

A multi-row INSERT with thousands of named parameters costs more to build and parse than to
run (psycopg re-parses every long statement); COPY streams the same rows in the caller's
transaction. Ids come from the table's sequence first, so they are known without RETURNING.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Table, text
from sqlmodel import Session

COPY_FROM = 50  # fewer rows: a plain INSERT is as quick and needs no sequence round trip


def insert_rows(s: Session, t: Table, rows: Sequence[dict[str, Any]], *, ids: bool = False,
                same_as_id: Sequence[str] = ()) -> list[int]:
    """Insert `rows` (column -> value) in order; with ids=True, their new ids in that order.

    Columns a row leaves out get the column's default, as an INSERT through SQLAlchemy would;
    `same_as_id` columns (a draft's root_id) are set to the row's own new id.
    """
    if not rows:
        return []
    rows = [_with_defaults(t, r) for r in rows]
    if s.get_bind().dialect.name != "postgresql" or len(rows) < COPY_FROM:
        if not (ids or same_as_id):
            s.execute(t.insert(), rows)
            return []
        got = s.execute(t.insert().returning(t.c.id, sort_by_parameter_order=True), rows)
        new_ids = [int(r[0]) for r in got.all()]
        if same_as_id:
            s.execute(t.update().where(t.c.id.in_(new_ids))
                      .values(dict.fromkeys(same_as_id, t.c.id)))
        return new_ids
    if not (ids or same_as_id):
        _copy(s, t, rows)
        return []
    new_ids = list(s.execute(
        text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
        {"t": t.name, "n": len(rows)}).scalars())
    _copy(s, t, [{**r, "id": i, **dict.fromkeys(same_as_id, i)}
                 for r, i in zip(rows, new_ids, strict=True)])
    return new_ids


def _with_defaults(t: Table, row: dict[str, Any]) -> dict[str, Any]:
    missing = [c for c in t.c if c.name not in row and c.default is not None]
    if not missing:
        return row
    out = dict(row)
    for c in missing:
        default: Any = c.default  # SQLAlchemy wraps a callable default to take a context
        out[c.name] = default.arg(None) if default.is_callable else default.arg
    return out


def _copy(s: Session, t: Table, rows: Sequence[dict[str, Any]]) -> None:
    names = list(dict.fromkeys(k for r in rows for k in r))  # columns absent everywhere: defaults
    columns = [t.c[n] for n in names]
    to_json = s.get_bind().dialect._json_serializer or json.dumps
    # As SQLAlchemy's JSON type does: None is JSON null unless the column says none_as_null.
    as_json = {c.name for c in columns if isinstance(c.type, JSON)}
    sql_null = {c.name for c in columns if isinstance(c.type, JSON) and c.type.none_as_null}
    raw = s.connection().connection.driver_connection
    assert raw is not None
    quoted = ", ".join(f'"{n}"' for n in names)
    with raw.cursor() as cur, cur.copy(f'COPY "{t.name}" ({quoted}) FROM STDIN') as copy:
        for r in rows:
            copy.write_row([
                to_json(r.get(n)) if n in as_json and not (r.get(n) is None and n in sql_null)
                else r.get(n)
                for n in names
            ])
