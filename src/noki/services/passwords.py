"""Password policy: long enough and not guessable (zxcvbn ships the common-password lists)."""

from __future__ import annotations

from zxcvbn import zxcvbn

MIN_LENGTH = 10
MAX_LENGTH = 256  # argon2 hashes anything, but a megabyte "password" is an attack, not a secret
MIN_SCORE = 3  # zxcvbn 0..4; 3 = "safely unguessable: moderate protection from offline attack"


def password_problem(password: str, *, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Why the password is refused (English, for the CLI and logs), or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"password must have at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"password must have at most {MAX_LENGTH} characters"
    # zxcvbn is slow on very long inputs; its estimate of the first 64 characters suffices.
    result = zxcvbn(password[:64], user_inputs=[*user_inputs, "noki", "納期"])
    if result["score"] < MIN_SCORE:
        feedback = result.get("feedback") or {}
        hints = [feedback.get("warning") or "", *(feedback.get("suggestions") or [])]
        hint = " ".join(h for h in hints if h)
        return "password is too easy to guess" + (f" ({hint})" if hint else "")
    return None
