"""`noki rules verify`: check + test + lint + a smoke run on orders, in one command."""

from __future__ import annotations

from pathlib import Path

import typer

from noki.rules.model import RuleFileError, RuleSet


def smoke_or_exit(ruleset: RuleSet, orders: Path | None, sample: int = 500,
                  lang: str = "ja") -> str:
    """Decide stored (or sample) orders; on any failure print order + rule and exit 1."""
    from noki.cli.rules_orders import orders_for_rules
    from noki.rules.messages import localize
    from noki.rules.verify import smoke_run

    found, source = orders_for_rules(orders, sample)
    result = smoke_run(ruleset, found, source)
    if result.errors:
        for error in result.errors:
            typer.echo(localize(error, lang), err=True)
        typer.echo(f"拒否: ルールが {source} で失敗します" if lang == "ja" else
                   f"refused: the rules fail on {source}", err=True)
        raise typer.Exit(1)
    return f"smoke: {result.orders} {source} decided without error"


def verify_cmd(
    directory: Path | None = typer.Option(None, "--dir", help="Rule directory (rules/)."),
    base: str = typer.Option("HEAD", "--base",
                             help="Git revision or directory to find changed rows against."),
    orders: Path | None = typer.Option(
        None, "--orders", help="Orders JSONL to smoke-run (default: stored, else sample)."),
    lang: str = typer.Option("ja", "--lang", help="Message language: ja (default) or en."),
) -> None:
    """check + test (examples) + lint + smoke run; warns when a changed row has no example."""
    from noki.cli.context import load_settings
    from noki.cli.rules import _load
    from noki.rules.examples import run_examples
    from noki.rules.lint import ERROR, lint
    from noki.rules.messages import localize_finding
    from noki.rules.source import load_base
    from noki.rules.verify import unexampled_changes

    work = directory or load_settings().rules_dir
    ruleset = _load(work, lang)
    typer.echo(f"check: ok ({len(ruleset.tables)} tables, rules_version {ruleset.version})")
    failed = [r for r in run_examples(ruleset) if not r.ok]
    for r in failed:
        typer.echo(f"{r.location()}: example {r.example.name!r} of table {r.table} fails: "
                   + "; ".join(r.problems), err=True)
    typer.echo(f"test: {'ok' if not failed else f'{len(failed)} failed'}")
    findings = lint(ruleset)
    for finding in findings:
        typer.echo(localize_finding(str(finding), lang), err=finding.severity == ERROR)
    lint_errors = sum(f.severity == ERROR for f in findings)
    typer.echo(f"lint: {lint_errors} error(s), {len(findings) - lint_errors} warning(s)")
    if failed or lint_errors:
        raise typer.Exit(1)
    typer.echo(smoke_or_exit(ruleset, orders, lang=lang))
    try:
        base_set: RuleSet | None = load_base(base, work)
    except RuleFileError:
        base_set = None  # no git history (or a broken base): every row counts as changed
    warnings = unexampled_changes(base_set, ruleset)
    for warning in warnings:
        typer.echo(f"{warning.file}:{warning.line}: warning: {warning.message}")
    typer.echo(f"verify: ok ({len(warnings)} warning(s))")
