"""`noki rules ...`: check, test and inspect the rule files."""

from __future__ import annotations

from pathlib import Path

import typer

from noki.rules.model import RuleFileError, RuleSet

rules_app = typer.Typer(help="Check, test and inspect the rule files in rules/.",
                        no_args_is_help=True)

DirOption = typer.Option(
    None, "--dir", help="Rule directory (default: NOKI_RULES_DIR, else the shipped rules)."
)


def _load(directory: Path | None) -> RuleSet:
    from noki.cli.context import load_settings
    from noki.rules.loader import load_ruleset

    try:
        return load_ruleset(directory or load_settings().rules_dir)
    except RuleFileError as exc:
        for error in exc.errors:
            typer.echo(str(error), err=True)
        typer.echo(f"{len(exc.errors)} error(s)", err=True)
        raise typer.Exit(1) from exc


@rules_app.command("check")
def check_cmd(
    directory: Path | None = DirOption,
    orders: Path | None = typer.Option(
        None, "--orders", help="Orders JSONL to smoke-run (default: stored, else sample)."),
    smoke: bool = typer.Option(True, "--smoke/--no-smoke",
                               help="Decide stored (or sample) orders with the rules."),
) -> None:
    """Validate every rule file and type-check every expression; then decide real orders."""
    ruleset = _load(directory)
    rules = sum(len(t.rules) for t in ruleset.tables)
    smoked = ""
    if smoke and ruleset.kind == "sales_control":
        from noki.cli.rules_sales import smoke as sku_smoke

        smoked = sku_smoke(ruleset)
    elif smoke:
        from noki.cli.rules_verify import smoke_or_exit

        smoked = smoke_or_exit(ruleset, orders)
    typer.echo(f"ok: {len(ruleset.files)} files, {len(ruleset.tables)} tables, {rules} rules, "
               f"rules_version {ruleset.version}")
    if smoked:
        typer.echo(smoked)


@rules_app.command("test")
def test_cmd(directory: Path | None = DirOption) -> None:
    """Run the given/expect examples embedded in the rule files."""
    from noki.rules.examples import run_examples

    ruleset = _load(directory)
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
    from noki.cli.rules_diff import diff_cmd
    from noki.cli.rules_verify import verify_cmd

    rules_app.command("diff")(diff_cmd)
    rules_app.command("verify")(verify_cmd)


_register_diff()


@rules_app.command("lint")
def lint_cmd(
    directory: Path | None = DirOption,
    as_json: bool = typer.Option(False, "--json", help="Print the findings as a JSON list."),
) -> None:
    """Find rows that never fire, gaps in complete tables and collect contradictions."""
    import json

    from noki.rules.lint import ERROR, lint

    ruleset = _load(directory)
    findings = lint(ruleset)
    errors = sum(f.severity == ERROR for f in findings)
    if as_json:
        typer.echo(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            typer.echo(str(finding))
        typer.echo(f"{errors} error(s), {len(findings) - errors} warning(s) in "
                   f"{len(ruleset.tables)} tables")
    if errors:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `noki rules` to the app."""
    app.add_typer(rules_app, name="rules")
