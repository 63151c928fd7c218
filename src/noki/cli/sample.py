"""`noki sample ...`: generate realistic sample data."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import typer


def _write_jsonl(docs: Iterable[dict[str, Any]], output: Path | None) -> None:
    """One JSON document per line, to the file or to stdout."""
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        for doc in docs:
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    finally:
        if output:
            out.close()


sample_app = typer.Typer(help="Generate realistic sample data.", no_args_is_help=True)


@sample_app.command("orders")
def sample_orders_cmd(
    n: int = typer.Option(1000, "--n", min=1, help="How many orders."),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same orders)."),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="JSONL file (stdout if omitted)."
    ),
) -> None:
    """Write sample backordered orders (EC, BtoB, automotive) as JSONL."""
    from noki.sample.orders import sample_orders

    _write_jsonl(sample_orders(n, seed), output)


@sample_app.command("voices")
def sample_voices_cmd(
    n: int = typer.Option(1000, "--n", min=1, help="How many voices."),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same voices)."),
    output: Path | None = typer.Option(None, "-o", "--output",
                                       help="JSONL file (stdout if omitted)."),
) -> None:
    """Write sample customer voices about backorders as JSONL (input of `noki voc report`)."""
    from noki.sample.voices import sample_voices

    _write_jsonl(sample_voices(n, seed), output)


def register(app: typer.Typer) -> None:
    """Add `noki sample` to the app."""
    app.add_typer(sample_app, name="sample")
