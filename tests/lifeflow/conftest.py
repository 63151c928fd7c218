"""Real local SMTP for the lifecycle flow tests (shared with tests/outbox)."""

from tests.servers import smtp_server  # noqa: F401
