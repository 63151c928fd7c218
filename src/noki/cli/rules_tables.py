"""`noki rules export --table NAME --csv FILE` and `noki rules import --table NAME FILE`."""

from __future__ import annotations

from pathlib import Path

import typer


def export_cmd(
    table: str = typer.Option(..., "--table", help="Table name (e.g. compensation)."),
    csv_path: Path | None = typer.Option(None, "--csv", help="Write here (default: print)."),
    directory: Path | None = typer.Option(None, "--dir", help="Rule directory (rules/)."),
) -> None:
    """Write a table's rows as CSV (one row per rule, one column per input and output)."""
    from noki.cli.context import load_settings
    from noki.rules.loader import read_rule_files
    from noki.rules.model import RuleFileError
    from noki.rules.table_csv import export_csv

    try:
        text = export_csv(read_rule_files(directory or load_settings().rules_dir), table)
    except RuleFileError as exc:
        from noki.cli.rules import echo_errors

        echo_errors(exc.errors, "ja")
        raise typer.Exit(1) from exc
    if csv_path is None:
        typer.echo(text, nl=False)
    else:
        # UTF-8 with BOM: Excel opens it with the Japanese intact.
        csv_path.write_text("\ufeff" + text, encoding="utf-8")
        typer.echo(f"{table}: {text.count(chr(10)) - 1} 行を {csv_path} に書きました")


def import_cmd(
    csv_path: Path = typer.Argument(..., help="The edited CSV."),
    table: str = typer.Option(..., "--table", help="Table name (e.g. compensation)."),
    directory: Path | None = typer.Option(None, "--dir", help="Rule directory (rules/)."),
    lang: str = typer.Option("ja", "--lang", help="Message language: ja (default) or en."),
) -> None:
    """Replace a table's rows with the CSV's, after the same validation as `rules check`."""
    from noki.cli.context import load_settings
    from noki.rules.loader import base_name, read_rule_files
    from noki.rules.model import RuleFileError
    from noki.rules.table_csv import import_csv

    folder = directory or load_settings().rules_dir
    files = read_rule_files(folder)
    try:
        text = csv_path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        typer.echo(f"{csv_path}: UTF-8 の CSV で保存してください (not UTF-8)", err=True)
        raise typer.Exit(1) from exc
    try:
        new = import_csv(files, table, text, str(csv_path))
    except RuleFileError as exc:
        from noki.cli.rules import echo_errors

        echo_errors(exc.errors, lang)
        typer.echo("取り込みを中止しました: ルールファイルは変更していません", err=True)
        raise typer.Exit(1) from exc
    for name, data in new.items():
        if files[name] != data:
            (folder / base_name(name)).write_bytes(data)
            typer.echo(f"{table}: {folder / base_name(name)} を更新しました (noki rules verify "
                       "で確認し、noki rules propose で提案してください)")


def register(app: typer.Typer) -> None:
    """Add export and import to `noki rules`."""
    app.command("export")(export_cmd)
    app.command("import")(import_cmd)
