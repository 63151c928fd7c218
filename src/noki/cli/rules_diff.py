"""`noki rules diff`: what a rule change does to real orders and to money."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from noki.domain.order import Order
from noki.io.jsonl import LineError, parse_models
from noki.rules.diff import FIELDS, RuleDiff


def _stored_orders() -> list[Order]:
    """Orders stored by the console's database, when there is one (never creates it)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from noki.cli.context import load_settings
    from noki.db import make_engine
    from noki.services.queries import stored_order_documents

    url = load_settings().database_url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        return []
    engine = make_engine(url)
    try:
        documents = stored_order_documents(engine)
    except SQLAlchemyError:  # no schema yet, or the server is down: fall back to samples
        return []
    finally:
        engine.dispose()
    return [Order.model_validate(d) for d in documents]


def _orders(path: Path | None, sample: int) -> tuple[list[Order], str]:
    if path is None:
        from noki.sample.orders import sample_orders

        stored = _stored_orders()
        if stored:
            return stored, "stored orders (NOKI_DATABASE_URL)"
        return [Order.model_validate(d) for d in sample_orders(sample, seed=1)], "sample orders"
    orders = []
    for item in parse_models(path.read_text(encoding="utf-8"), Order):
        if isinstance(item, LineError):
            typer.echo(f"{path}: {item}", err=True)
        else:
            orders.append(item.value)
    return orders, str(path)


def _print(diff: RuleDiff, source: str) -> None:
    echo = typer.echo
    echo(f"base {diff.base_version} -> working {diff.head_version}: {diff.orders} {source}, "
         f"{diff.changed_orders} decisions change")
    echo("")
    echo(f"{'field':26} {'changed':>8}")
    for name in FIELDS:
        echo(f"{name:26} {diff.per_field.get(name, 0):>8}")
    echo("")
    echo(f"compensation total: {diff.compensation_before_jpy:,} JPY -> "
         f"{diff.compensation_after_jpy:,} JPY ({diff.compensation_change_jpy:+,} JPY)")
    for kind, count in diff.kinds.most_common():
        echo("")
        echo(f"{count:>6} x {kind}")
        for ex in diff.examples.get(kind, []):
            echo(f"         {ex.order_id}")
            for line in ex.before_trace:
                echo(f"           before: {line}")
            for line in ex.after_trace:
                echo(f"           after:  {line}")
    for error in diff.errors:
        echo(f"error: {error}", err=True)


def diff_cmd(
    base: str = typer.Option(..., "--base", help="Git revision (e.g. HEAD) or a rules dir."),
    orders: Path | None = typer.Option(
        None, "--orders", help="Orders JSONL (default: stored orders, else sample orders)."),
    directory: Path | None = typer.Option(None, "--dir", help="Working rules dir (rules/)."),
    sample: int = typer.Option(2000, "--sample", help="How many sample orders without --orders."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for machines."),
) -> None:
    """Decide the same orders with the base and the working rules; report what changes."""
    from noki.cli.context import load_settings
    from noki.rules.diff import diff_rules
    from noki.rules.engine import Engine
    from noki.rules.loader import load_ruleset
    from noki.rules.model import RuleFileError
    from noki.rules.source import load_base

    work_dir = directory or load_settings().rules_dir
    try:
        base_set = load_base(base, work_dir)
        head_set = load_ruleset(work_dir)
    except RuleFileError as exc:
        for error in exc.errors:
            typer.echo(str(error), err=True)
        raise typer.Exit(2) from exc
    base_engine, head_engine = Engine(base_set), Engine(head_set)
    try:
        decided, source = _orders(orders, sample)
        diff = diff_rules(decided, base_engine, head_engine)
    finally:
        base_engine.close()
        head_engine.close()
    if as_json:
        typer.echo(json.dumps({**diff.to_json(), "orders_source": source}, ensure_ascii=False,
                              indent=2))
    else:
        _print(diff, source)
