"""The key that signs session cookies: configured, or generated once and kept in a 0600 file."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from noki.settings import MIN_SECRET_LENGTH, Settings


class SecretFileError(RuntimeError):
    """The kept secret file is unreadable, too short or readable by others."""


def session_secret(settings: Settings) -> str:
    """NOKI_SESSION_SECRET when set, else the one kept in NOKI_SECRET_FILE (made on first run)."""
    if settings.session_secret:
        return settings.session_secret
    return load_or_create(settings.secret_file)


def load_or_create(path: Path) -> str:
    """Read the kept secret; create it when missing (written 0600, then linked in atomically)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(tmp, path)  # fails if another process won: then both read its secret
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return _read(path)


def _read(path: Path) -> str:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise SecretFileError(
            f"{path} is readable by others (mode {mode:o}); run: chmod 600 {path}"
        )
    secret = path.read_text(encoding="ascii").strip()
    if len(secret) < MIN_SECRET_LENGTH:
        raise SecretFileError(
            f"{path} holds a secret shorter than {MIN_SECRET_LENGTH} characters; "
            "delete the file to generate a new one"
        )
    return secret
