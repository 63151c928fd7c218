"""A bounded schemathesis run with each role's token: no 5xx, no schema mismatch."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from socket import socket
from typing import Any

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from noki.app import AppContext
from noki.services.roles import ROLES
from noki.web.app import create_app

EXAMPLES = 8  # per operation, role and mode: bounded so the run takes seconds, not minutes
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


@pytest.fixture
def live(ctx: AppContext, app_engine: Engine) -> Iterator[tuple[str, dict[str, Any]]]:
    """A real uvicorn on a free port; yields its URL and the schema it serves."""
    with socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(ctx)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", app.openapi()
    server.should_exit = True
    thread.join(10)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_every_role_against_the_schema(live: tuple[str, dict[str, Any]], token) -> None:
    url, document = live
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/orders", "/api/events/eta", "/api/queue"}
    failures: list[str] = []
    for role in ROLES:
        headers = token(role)
        for op in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                try:
                    _fuzz(op, mode, url, headers)
                except Unsatisfiable:
                    assert mode.is_negative and op.path == "/healthz"  # nothing to make invalid
                except Exception as exc:  # collect every operation's failure, then report all
                    failures.append(f"{role} {op.method.upper()} {op.path} {mode.value}: {exc}")
    assert not failures, "\n\n".join(failures)


def _fuzz(op: Any, mode: GenerationMode, url: str, headers: dict[str, str]) -> None:
    """EXAMPLES generated cases of one operation, each sent and checked."""
    checks = CHECKS + ([negative_data_rejection] if mode.is_negative else [])

    @hyp_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=op.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        case.call_and_validate(base_url=url, headers=headers, checks=checks)

    run()
