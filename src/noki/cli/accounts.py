"""CLI commands that end access: users deactivate/activate, tokens list/revoke."""

from __future__ import annotations

import typer

from noki.cli.context import app_context
from noki.cli.server import _fail, users_app

tokens_app = typer.Typer(help="List and revoke API tokens.", no_args_is_help=True)


@users_app.command("deactivate")
def users_deactivate(username: str = typer.Argument(...)) -> None:
    """Lock an account out: its sessions end at once, its API tokens stop working."""
    from noki.services.accounts import set_active
    from noki.services.errors import ServiceError

    try:
        with app_context() as ctx:
            ended = set_active(ctx.engine, username=username, active=False)
    except ServiceError as exc:
        _fail(str(exc))
        return
    typer.echo(f"user {username} deactivated; sessions ended: {ended}")


@users_app.command("activate")
def users_activate(username: str = typer.Argument(...)) -> None:
    """Let a deactivated account log in again (old sessions stay ended)."""
    from noki.services.accounts import set_active
    from noki.services.errors import ServiceError

    try:
        with app_context() as ctx:
            set_active(ctx.engine, username=username, active=True)
    except ServiceError as exc:
        _fail(str(exc))
    typer.echo(f"user {username} activated")


@tokens_app.command("list")
def tokens_list(user: str = typer.Option(None, "--user", help="Only this user's tokens.")) -> None:
    """Every API token: id, owner, label, created, last used, revoked (never the token)."""
    from noki.services.accounts import list_tokens

    with app_context() as ctx:
        tokens = list_tokens(ctx.engine, username=user)
    for t in tokens:
        used = t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else "-"
        state = "revoked" if t.revoked else "active"
        created = t.created_at.isoformat(timespec="seconds")
        typer.echo(f"{t.id}\t{t.username}\t{t.name}\t{created}\t{used}\t{state}")


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: int = typer.Argument(None, help="The token's id (see `noki tokens list`)."),
    user: str = typer.Option(None, "--user", help="Revoke this user's tokens."),
    name: str = typer.Option(None, "--name", help="With --user: only tokens with this label."),
) -> None:
    """Revoke a token by id, or a user's tokens; revoked tokens get 401 at once."""
    from noki.services.accounts import revoke_tokens
    from noki.services.errors import ServiceError

    try:
        with app_context() as ctx:
            n = revoke_tokens(ctx.engine, token_id=token_id, username=user, name=name)
    except ServiceError as exc:
        _fail(str(exc))
        return
    typer.echo(f"tokens revoked: {n}")


def register(app: typer.Typer) -> None:
    """Add `noki tokens` (the users commands join `noki users`)."""
    app.add_typer(tokens_app, name="tokens")
