"""A model call never runs while a database transaction is open (draft workers, regenerate)."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import Session, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "drafting"))

from llm_stub_server import StubReply, StubServer  # noqa: E402

from noki.app import AppContext  # noqa: E402
from noki.db.models import DraftRow  # noqa: E402
from noki.llm.settings import LLMSettings  # noqa: E402
from noki.services import review  # noqa: E402
from noki.services.demo import sample_records  # noqa: E402
from noki.services.draft_worker import DraftWorker  # noqa: E402
from noki.services.orders import ingest  # noqa: E402
from noki.services.roles import Actor  # noqa: E402
from tests.support import make_settings  # noqa: E402


class OpenTransactions:
    """Counts database transactions open on an engine, from every thread."""

    def __init__(self, engine: Engine) -> None:
        self.open: set[int] = set()
        self.lock = threading.Lock()
        self.seen = 0
        event.listen(engine, "begin", self._begin)
        event.listen(engine, "commit", self._end)
        event.listen(engine, "rollback", self._end)

    def _begin(self, conn: Any) -> None:
        with self.lock:
            self.open.add(id(conn))
            self.seen += 1

    def _end(self, conn: Any) -> None:
        with self.lock:
            self.open.discard(id(conn))

    def now(self) -> int:
        with self.lock:
            return len(self.open)


def test_no_transaction_is_open_while_the_model_is_called(database_url, engine, tmp_path):
    tracker = OpenTransactions(engine)
    during: list[int] = []

    def reply(_body: dict[str, Any]) -> StubReply:
        during.append(tracker.now())  # what is open at the moment the model is asked
        return StubReply(content='{"subject": "x", "body": "y"}', delay_s=0.05)

    with StubServer(reply) as stub:
        llm = LLMSettings(base_url=stub.url, api_key="sk-test", model="stub-model",
                          max_retries=0, max_concurrency=4)
        settings = make_settings(database_url, tmp_path, llm=llm)
        with AppContext(settings, engine=engine) as ctx:
            report = ingest(ctx, sample_records(6), actor="test")
            assert report.drafted == 0  # with a model, drafting is the workers' job
            drained = DraftWorker(ctx, name="w").drain()
            assert drained.stored == 6
            with Session(engine) as s:
                draft = s.exec(select(DraftRow)).first()
            assert draft is not None
            again = review.regenerate(ctx, draft_id=draft.id, actor=Actor("agent", "agent"))
            assert again.version == draft.version + 1
    assert tracker.seen > 0 and len(during) >= 7  # the model was really asked, from both paths
    assert during == [0] * len(during)
