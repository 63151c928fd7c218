"""`noki kpi`: backorder KPIs per ISO week and per SKU / supplier / industry / segment / channel."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import typer

BY_HELP = "Break down by sku | supplier | industry | segment | channel."


def kpi_cmd(
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
    since: datetime | None = typer.Option(None, "--since", formats=["%Y-%m-%d"],
                                          help="First week (default: 12 weeks up to today)."),
    today: datetime | None = typer.Option(None, "--today", formats=["%Y-%m-%d"],
                                          help="Take the report as of this day (simulation)."),
    json_out: Path | None = typer.Option(None, "--json", help="Also write the report as JSON."),
    csv_out: Path | None = typer.Option(None, "--csv", help="Also write the table as CSV."),
) -> None:
    """Print the weekly KPIs (and the breakdown with --by); write JSON / CSV when asked."""
    from noki.cli.context import app_context
    from noki.cli.kpi_text import report_csv, report_text
    from noki.domain.kpi.definitions import BREAKDOWNS
    from noki.services.kpi.report import kpi_report

    if by is not None and by not in BREAKDOWNS:
        typer.echo(f"--by {by!r}: expected one of {', '.join(BREAKDOWNS)}", err=True)
        raise typer.Exit(2)
    with app_context() as ctx:
        try:
            report = kpi_report(ctx, today=today.date() if today else None,
                                since=since.date() if since else None, by=by)
        except ValueError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from exc
    typer.echo(report_text(report))
    if json_out is not None:
        json_out.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=2),
                            encoding="utf-8")
    if csv_out is not None:
        csv_out.write_text(report_csv(report), encoding="utf-8")


def register(app: typer.Typer) -> None:
    """Add `noki kpi` to the app."""
    app.command("kpi")(kpi_cmd)
