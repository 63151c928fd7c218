"""`noki rules ...`: check, test and inspect the rule files."""

from __future__ import annotations

from pathlib import Path

import typer

from noki.rules.model import RuleError, RuleFileError, RuleSet

rules_app = typer.Typer(help="Check, test and inspect the rule files in rules/.",
                        no_args_is_help=True)

DirOption = typer.Option(
    None, "--dir", help="Rule directory (default: NOKI_RULES_DIR, else the shipped rules)."
)
LangOption = typer.Option("ja", "--lang", help="Message language: ja (default) or en.")


def echo_errors(errors: list[RuleError], lang: str) -> None:
    """Print `file:line: message` per error in the rule author's language."""
    from noki.rules.messages import localize

    for error in errors:
        typer.echo(localize(error, lang), err=True)
    typer.echo(f"{len(errors)} 件のエラー" if lang == "ja" else f"{len(errors)} error(s)",
               err=True)


def _load(directory: Path | None, lang: str = "ja") -> RuleSet:
    from noki.cli.context import load_settings
    from noki.rules.loader import load_ruleset

    if lang not in ("ja", "en"):
        typer.echo("--lang は ja か en です (--lang is ja or en)", err=True)
        raise typer.Exit(2)
    try:
        return load_ruleset(directory or load_settings().rules_dir)
    except RuleFileError as exc:
        echo_errors(exc.errors, lang)
        raise typer.Exit(1) from exc


@rules_app.command("check")
def check_cmd(
    directory: Path | None = DirOption,
    orders: Path | None = typer.Option(
        None, "--orders", help="Orders JSONL to smoke-run (default: stored, else sample)."),
    smoke: bool = typer.Option(True, "--smoke/--no-smoke",
                               help="Decide stored (or sample) orders with the rules."),
    lang: str = LangOption,
) -> None:
    """Validate every rule file and type-check every expression; then decide real orders."""
    ruleset = _load(directory, lang)
    rules = sum(len(t.rules) for t in ruleset.tables)
    smoked = ""
    if smoke and ruleset.kind == "sales_control":
        from noki.cli.rules_sales import smoke as sku_smoke

        smoked = sku_smoke(ruleset)
    elif smoke:
        from noki.cli.rules_verify import smoke_or_exit

        smoked = smoke_or_exit(ruleset, orders, lang=lang)
    typer.echo(f"ok: {len(ruleset.files)} files, {len(ruleset.tables)} tables, {rules} rules, "
               f"rules_version {ruleset.version}")
    if smoked:
        typer.echo(smoked)


@rules_app.command("test")
def test_cmd(directory: Path | None = DirOption, lang: str = LangOption) -> None:
    """Run the given/expect examples embedded in the rule files."""
    from noki.rules.examples import run_examples

    ruleset = _load(directory, lang)
    results = run_examples(ruleset)
    failed = [r for r in results if not r.ok]
    for r in results:
        mark = "ok  " if r.ok else "FAIL"
        typer.echo(f"{mark} {r.location()} {r.table}: {r.example.name}")
        for problem in r.problems:
            typer.echo(f"     {problem}")
    typer.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise typer.Exit(1)


@rules_app.command("version")
def version_cmd(directory: Path | None = DirOption) -> None:
    """Print the rules_version and each rule's hash."""
    ruleset = _load(directory)
    typer.echo(f"rules_version {ruleset.version}")
    for table in ruleset.tables:
        for rule in table.rules:
            typer.echo(f"{rule.hash}  {table.name}/{rule.id}  {rule.file}:{rule.line}")


def _register_diff() -> None:
    from noki.cli import rules_changes, rules_tables
    from noki.cli.rules_diff import diff_cmd
    from noki.cli.rules_verify import verify_cmd

    rules_app.command("diff")(diff_cmd)
    rules_app.command("verify")(verify_cmd)
    rules_changes.register(rules_app)
    rules_tables.register(rules_app)


_register_diff()


@rules_app.command("lint")
def lint_cmd(
    directory: Path | None = DirOption,
    as_json: bool = typer.Option(False, "--json", help="Print the findings as a JSON list."),
    lang: str = LangOption,
) -> None:
    """Find rows that never fire, gaps in complete tables and collect contradictions."""
    import json

    from noki.rules.lint import ERROR, lint

    ruleset = _load(directory, lang)
    findings = lint(ruleset)
    errors = sum(f.severity == ERROR for f in findings)
    if as_json:
        typer.echo(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        from noki.rules.messages import localize_finding

        for finding in findings:
            typer.echo(localize_finding(str(finding), lang))
        typer.echo(f"{errors} error(s), {len(findings) - errors} warning(s) in "
                   f"{len(ruleset.tables)} tables")
    if errors:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `noki rules` to the app."""
    app.add_typer(rules_app, name="rules")
