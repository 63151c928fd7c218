"""`noki sales-control`: evaluate every SKU's sales-control rules; record what awaits approval."""

from __future__ import annotations

import json
from datetime import datetime

import typer


def sales_control_cmd(
    today: datetime | None = typer.Option(None, "--today", formats=["%Y-%m-%d"],
                                          help="Evaluate as of this day (simulation)."),
    as_json: bool = typer.Option(False, "--json", help="Print the recommendations as JSON."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Recommend only; record nothing."),
) -> None:
    """Recommend none / show ETA / limit quantity / preorder only / stop sales per SKU."""
    from noki.cli.context import app_context
    from noki.rules.model import RuleFileError
    from noki.services.sales_control.store import evaluate

    with app_context() as ctx:
        try:
            report = evaluate(ctx, today.date() if today else None, store=not dry_run)
        except RuleFileError as exc:
            for error in exc.errors:
                typer.echo(str(error), err=True)
            raise typer.Exit(1) from exc
    if as_json:
        typer.echo(json.dumps({
            "today": report.today.isoformat(), "rules_version": report.rules_version,
            "pending": report.pending, "lifted": report.lifted,
            "recommendations": [{"sku_id": r.sku_id, "recommendation": r.recommendation,
                                 "rule_id": r.rule_id, "reason": r.reason, "facts": r.facts}
                                for r in report.recommendations]}, ensure_ascii=False, indent=2))
        return
    fired = [r for r in report.recommendations if r.recommendation != "none"]
    typer.echo(f"販売制御 ({report.today} 時点): {len(report.recommendations)} SKU を評価、"
               f"推奨あり {len(fired)} SKU (rules_version {report.rules_version})")
    for r in fired:
        typer.echo(f"  {r.sku_id:16} {r.recommendation:26} {r.rule_id}: {r.reason}")
    if report.pending:
        typer.echo(f"承認待ちになった SKU: {', '.join(report.pending)} (コンソール /sales-control)")
    if report.lifted:
        typer.echo(f"解除してストアフロントへ通知した SKU: {', '.join(report.lifted)}")


def register(app: typer.Typer) -> None:
    """Add `noki sales-control` to the app."""
    app.command("sales-control")(sales_control_cmd)
