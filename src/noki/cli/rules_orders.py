"""Which orders rule commands run on: a JSONL file, the stored orders, else the sample orders."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from noki.domain.order import Order
from noki.io.jsonl import LineError, parse_models


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


def orders_for_rules(
    path: Path | None, sample: int, as_of: str | None = None
) -> tuple[list[Order], str]:
    """(orders, where they came from in words); as_of re-dates them (effective-dated rows)."""
    if path is None:
        from noki.sample.orders import sample_orders

        found = _stored_orders()
        source = "stored orders (NOKI_DATABASE_URL)"
        if not found:
            found = [Order.model_validate(d) for d in sample_orders(sample, seed=1)]
            source = "sample orders (no stored orders found)"
    else:
        found = []
        for item in parse_models(path.read_text(encoding="utf-8"), Order):
            if isinstance(item, LineError):
                typer.echo(f"{path}: {item}", err=True)
            else:
                found.append(item.value)
        source = str(path)
    if as_of:
        day = date.fromisoformat(as_of)
        found = [o.model_copy(update={"as_of": day}) for o in found]
        source += f", decided as of {day}"
    return found, source
