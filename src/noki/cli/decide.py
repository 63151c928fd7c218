"""`noki decide`: decide backordered orders from JSON/JSONL."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from noki.domain.order import Order
from noki.io.jsonl import LineError, parse_models


def _read_input(path: Path | None) -> str:
    if path is None or str(path) == "-":
        return sys.stdin.read()
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {path}: {exc.strerror}") from exc


def decide_cmd(
    input_path: Path | None = typer.Argument(
        None, metavar="INPUT.jsonl", help="Orders as JSONL or one JSON object (stdin if omitted)."
    ),
    output: Path | None = typer.Option(None, "-o", "--output", help="Decisions JSONL (stdout)."),
) -> None:
    """Decide every valid order; report each rejected line on stderr as `line N: field: msg`."""
    from noki.cli.context import app_context
    from noki.rules.engine import DecisionError
    from noki.rules.model import RuleFileError

    ctx = app_context()
    try:
        store = ctx.rules
    except RuleFileError as exc:
        for error in exc.errors:
            typer.echo(str(error), err=True)
        raise typer.Exit(2) from exc
    from noki.cli.progress import progress_bar

    rejected = 0
    text = _read_input(input_path)
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    with progress_bar("decide", text.count("\n") or None) as advance:
        for item in parse_models(text, Order):
            advance(1)
            if isinstance(item, LineError):
                rejected += 1
                typer.echo(str(item), err=True)
                continue
            try:
                decision = store.decide(item.value)
            except DecisionError as exc:
                rejected += 1
                typer.echo(f"line {item.line}: (rules): {exc}", err=True)
                continue
            out.write(decision.model_dump_json() + "\n")
    if output:
        out.close()
    if rejected:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `noki decide` to the app."""
    app.command("decide")(decide_cmd)
