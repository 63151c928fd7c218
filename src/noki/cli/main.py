"""The `noki` command line: one Typer app, each concern registers its commands."""

from __future__ import annotations

import typer

from noki.cli import (
    accounts,
    decide,
    demo,
    draft,
    inbound,
    kpi,
    rules,
    sales_control,
    sample,
    server,
    voc,
    work,
)

app = typer.Typer(
    name="noki",
    help="noki (納期): backorder decisions, grounded delay notices, VOC explanation gaps.",
    no_args_is_help=True,
    add_completion=False,
)

for module in (decide, sample, rules, draft, voc, server, accounts, inbound, work, demo, kpi,
               sales_control):
    module.register(app)

if __name__ == "__main__":
    app()
