"""Login throttling: failed attempts per account and per client in moving windows (`limits`)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from noki.settings import Settings


@dataclass(frozen=True)
class Locked:
    """Why logins are refused for now and for how long."""

    scope: str  # "user" | "client"
    retry_after: int  # seconds


class LoginThrottle:
    """Counts failures only; a locked account refuses even the right password until it expires."""

    def __init__(self, settings: Settings) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(settings.login_limit_storage))
        self._per_user = parse(settings.login_limit_per_user)
        self._per_client = parse(settings.login_limit_per_client)

    def locked(self, username: str, client: str) -> Locked | None:
        """Locked when either window is already full of failures."""
        for scope, item, key in (
            ("user", self._per_user, username.casefold()),
            ("client", self._per_client, client),
        ):
            if not self._limiter.test(item, scope, key):
                stats = self._limiter.get_window_stats(item, scope, key)
                return Locked(scope, max(1, int(stats.reset_time - time.time()) + 1))
        return None

    def failed(self, username: str, client: str) -> None:
        """Count one failed attempt against the account and the client."""
        self._limiter.hit(self._per_user, "user", username.casefold())
        self._limiter.hit(self._per_client, "client", client)

    def succeeded(self, username: str) -> None:
        """A right password (while not locked) clears the account's failures."""
        self._limiter.clear(self._per_user, "user", username.casefold())
