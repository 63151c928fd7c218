"""Rate limits of the public self-service page (`limits` moving windows, like the login)."""

from __future__ import annotations

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from noki.settings import Settings


class SelfServiceThrottle:
    """Counts form posts per link and per client, and bad links per client."""

    def __init__(self, settings: Settings) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(settings.login_limit_storage))
        self._per_token = parse(settings.self_service_limit_per_token)
        self._per_client = parse(settings.self_service_limit_per_client)

    def allow_post(self, token_key: str, client: str) -> bool:
        """Count one form post; False when the link or the client is over its limit."""
        ok_token = self._limiter.hit(self._per_token, "self-token", token_key)
        ok_client = self._limiter.hit(self._per_client, "self-client", client)
        return ok_token and ok_client

    def allow_bad_link(self, client: str) -> bool:
        """Count one invalid or expired link; False when the client keeps guessing."""
        return self._limiter.hit(self._per_client, "self-bad", client)
