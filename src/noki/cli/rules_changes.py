"""`noki rules propose|approve|reject|rollback|history|show`: the rule change workflow."""

from __future__ import annotations

from pathlib import Path

import typer

from noki.app import AppContext
from noki.services.roles import Actor

UserOption = typer.Option(..., "--user", help="Your console user name (its role is checked).")
NoteOption = typer.Option("", "--note", help="Why (shown in the history and the audit log).")


def _actor(ctx: AppContext, username: str) -> Actor:
    from sqlmodel import Session, select

    from noki.db.models import User

    with Session(ctx.engine) as s:
        user = s.exec(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        typer.echo(f"ユーザー {username!r} は存在しないか無効です (user not found)", err=True)
        raise typer.Exit(2)
    return Actor(user.username, user.role)


def _run(step: object) -> None:
    """Run one workflow step; print its message or the refusal, exit 1 when refused."""
    from noki.services.errors import ServiceError
    from noki.services.rule_changes import Refused

    try:
        outcome = step()  # type: ignore[operator]
    except Refused as exc:
        from noki.cli.rules import echo_errors

        echo_errors(exc.errors, "ja")
        typer.echo("拒否しました: 何も変更していません (refused)", err=True)
        raise typer.Exit(1) from exc
    except ServiceError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    typer.echo(outcome.message)


def _proposal_files(live: dict[str, bytes], sources: list[Path]) -> dict[str, bytes]:
    """A folder replaces every file; single files replace (or add) same-named live files."""
    from noki.rules.loader import base_name, read_rule_files

    if len(sources) == 1 and sources[0].is_dir():
        return read_rule_files(sources[0])
    files = {f"rules/{base_name(n)}": data for n, data in live.items()}
    for path in sources:
        if not path.is_file():
            typer.echo(f"{path}: ファイルがありません (no such file)", err=True)
            raise typer.Exit(2)
        files[f"rules/{path.name}"] = path.read_bytes()
    return dict(sorted(files.items(), key=lambda kv: base_name(kv[0])))


def propose_cmd(
    sources: list[Path] = typer.Option(..., "--from",
                                       help="A rules folder, or changed rule files."),
    note: str = typer.Option(..., "--note", help="What the change is for."),
    user: str = UserOption,
) -> None:
    """Propose a rule change; it carries its `rules diff` report and waits for approval."""
    from noki.cli.context import app_context
    from noki.services import rule_changes

    with app_context() as ctx:
        actor = _actor(ctx, user)
        files = _proposal_files(ctx.rules.files, sources)
        _run(lambda: rule_changes.propose(ctx, files, actor=actor, note=note))


def approve_cmd(version_id: int = typer.Argument(..., help="Proposal number (see history)."),
                user: str = UserOption, note: str = NoteOption) -> None:
    """Approve a proposal (a supervisor or admin other than the proposer): it goes live."""
    from noki.cli.context import app_context
    from noki.services import rule_changes

    with app_context() as ctx:
        actor = _actor(ctx, user)
        _run(lambda: rule_changes.approve(ctx, version_id, actor=actor, note=note))


def reject_cmd(version_id: int = typer.Argument(..., help="Proposal number (see history)."),
               user: str = UserOption, note: str = NoteOption) -> None:
    """Reject a proposal (or withdraw your own)."""
    from noki.cli.context import app_context
    from noki.services import rule_changes

    with app_context() as ctx:
        actor = _actor(ctx, user)
        _run(lambda: rule_changes.reject(ctx, version_id, actor=actor, note=note))


def rollback_cmd(user: str = UserOption, note: str = NoteOption) -> None:
    """Restore the version that was live before the current one (one step)."""
    from noki.cli.context import app_context
    from noki.services import rule_changes

    with app_context() as ctx:
        actor = _actor(ctx, user)
        _run(lambda: rule_changes.rollback(ctx, actor=actor, note=note))


def history_cmd(limit: int = typer.Option(20, "--limit")) -> None:
    """Stored rule versions, newest first; `*` marks the live one."""
    from noki.cli.context import app_context
    from noki.services import rule_versions

    with app_context() as ctx:
        live = rule_versions.live_id(ctx.engine)
        for row in rule_versions.history(ctx.engine, limit):
            mark = "*" if row.id == live else " "
            changed = row.diff.get("changed_orders", "") if row.diff else ""
            yen = (row.diff.get("compensation_jpy") or {}).get("change", "") if row.diff else ""
            typer.echo(f"{mark} #{row.id:<4} {row.status:11} {row.version} "
                       f"{row.proposed_at:%Y-%m-%d %H:%M} {row.proposed_by} -> "
                       f"{row.decided_by or '-'}  changed={changed} yen={yen}  {row.note}")


def show_cmd(version_id: int = typer.Argument(...),
             csv_path: Path | None = typer.Option(None, "--csv",
                                                  help="Write the diff report as CSV.")) -> None:
    """A proposal's diff report (counts per field, yen per compensation type)."""
    import json

    from noki.cli.context import app_context
    from noki.services import rule_versions

    with app_context() as ctx:
        row = rule_versions.get(ctx.engine, version_id)
    if row is None:
        typer.echo(f"#{version_id} はありません (not found)", err=True)
        raise typer.Exit(1)
    typer.echo(f"#{row.id} {row.status} {row.version} (base {row.base_version}) "
               f"by {row.proposed_by}: {row.note}")
    typer.echo(json.dumps(row.diff, ensure_ascii=False, indent=2))
    if csv_path is not None:
        csv_path.write_text(row.diff_csv, encoding="utf-8")


def register(app: typer.Typer) -> None:
    """Add the workflow commands to `noki rules`."""
    app.command("propose")(propose_cmd)
    app.command("approve")(approve_cmd)
    app.command("reject")(reject_cmd)
    app.command("rollback")(rollback_cmd)
    app.command("history")(history_cmd)
    app.command("show")(show_cmd)
