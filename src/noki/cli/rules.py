"""`noki rules ...`: check, test and inspect the rule files."""

from __future__ import annotations

from pathlib import Path

import typer

from noki.rules.api import rules_dir
from noki.rules.model import RuleFileError, RuleSet

rules_app = typer.Typer(help="Check, test and inspect the rule files in rules/.",
                        no_args_is_help=True)

DirOption = typer.Option(None, "--dir", help="Rule directory (default: rules/).")


def _load(directory: Path | None) -> RuleSet:
    from noki.rules.loader import load_ruleset

    try:
        return load_ruleset(directory or rules_dir())
    except RuleFileError as exc:
        for error in exc.errors:
            typer.echo(str(error), err=True)
        typer.echo(f"{len(exc.errors)} error(s)", err=True)
        raise typer.Exit(1) from exc


@rules_app.command("check")
def check_cmd(directory: Path | None = DirOption) -> None:
    """Validate every rule file; errors print as `rules/FILE.yaml:LINE: message`."""
    ruleset = _load(directory)
    rules = sum(len(t.rules) for t in ruleset.tables)
    typer.echo(f"ok: {len(ruleset.files)} files, {len(ruleset.tables)} tables, {rules} rules, "
               f"rules_version {ruleset.version}")


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


def register(app: typer.Typer) -> None:
    """Add `noki rules` to the app."""
    app.add_typer(rules_app, name="rules")
