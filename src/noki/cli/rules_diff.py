"""`noki rules diff`: what a rule change does to real orders and to money."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from noki.cli.rules_orders import orders_for_rules
from noki.rules.diff import FIELDS, RuleDiff


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
    for kind in sorted({*diff.yen_before, *diff.yen_after}):
        old, new = diff.yen_before.get(kind, 0), diff.yen_after.get(kind, 0)
        if old or new:
            echo(f"  {kind:24} {old:>14,} -> {new:>14,} JPY ({new - old:+,})")
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
    as_of: str | None = typer.Option(
        None, "--as-of", help="Decide as if on this date (YYYY-MM-DD): effective-dated rows."),
    csv_path: Path | None = typer.Option(None, "--csv", help="Also write the changes as CSV."),
    lang: str = typer.Option("ja", "--lang", help="Message language: ja (default) or en."),
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
        from noki.cli.rules import echo_errors

        echo_errors(exc.errors, lang)
        raise typer.Exit(2) from exc
    if head_set.kind == "sales_control" or base_set.kind == "sales_control":
        from noki.cli.rules_sales import diff as sku_diff

        sku_diff(base_set, head_set, as_json)  # which SKUs change recommendation
        return
    base_engine, head_engine = Engine(base_set), Engine(head_set)
    try:
        decided, source = orders_for_rules(orders, sample, as_of)
        diff = diff_rules(decided, base_engine, head_engine)
    finally:
        base_engine.close()
        head_engine.close()
    if as_json:
        typer.echo(json.dumps({**diff.to_json(), "orders_source": source}, ensure_ascii=False,
                              indent=2))
    else:
        _print(diff, source)
    if csv_path is not None:
        from noki.rules.diff_csv import diff_csv

        csv_path.write_text(diff_csv(diff), encoding="utf-8")
    if diff.errors:
        typer.echo(f"{len(diff.errors)} order(s) fail with the working rules: refused "
                   "(fix the rules; see the errors above)", err=True)
        raise typer.Exit(1)
