"""The FAQ that answers are drafted from: data/faq.yaml plus the entries accepted on the console
(the newest version of an id wins), rebuilt as soon as a new version is accepted."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from noki.db.models import FaqEntryRow
from noki.faq.retrieve import FaqIndex
from noki.faq.store import FaqEntry, load_faq


def accepted_entries(engine: Engine) -> list[FaqEntryRow]:
    """The newest accepted version of each entry id."""
    with Session(engine) as s:
        newest = (select(FaqEntryRow.entry_id, func.max(FaqEntryRow.version).label("v"))
                  .group_by(col(FaqEntryRow.entry_id)).subquery())
        rows = s.exec(select(FaqEntryRow).join(
            newest, (col(FaqEntryRow.entry_id) == newest.c.entry_id)
            & (col(FaqEntryRow.version) == newest.c.v)).order_by(col(FaqEntryRow.id))).all()
        return list(rows)


def merged(file_entries: list[FaqEntry], db_rows: list[FaqEntryRow]) -> list[FaqEntry]:
    """File entries with accepted versions replacing theirs, new ids appended."""
    db = {r.entry_id: FaqEntry(id=r.entry_id, question=r.question, answer=r.answer)
          for r in db_rows}
    out = [db.pop(e.id, e) for e in file_entries]
    return out + list(db.values())


class FaqSource:
    """One per application context; `index()` is what answer drafting searches."""

    def __init__(self, engine: Callable[[], Engine], path: Path) -> None:
        self._engine, self.path = engine, path
        self._lock = threading.Lock()
        self._cached: tuple[tuple[int, int], FaqIndex] | None = None

    def _generation(self) -> tuple[int, int]:
        with Session(self._engine()) as s:
            top = s.exec(select(func.max(FaqEntryRow.id))).one()
        return int(top or 0), self.path.stat().st_mtime_ns if self.path.exists() else 0

    def entries(self) -> list[FaqEntry]:
        """data/faq.yaml merged with the accepted entries."""
        file_entries = load_faq(self.path) if self.path.exists() else []
        return merged(file_entries, accepted_entries(self._engine()))

    def index(self) -> FaqIndex:
        """The retrieval index, rebuilt when an entry was accepted or the file changed."""
        generation = self._generation()  # one small query: accepted entries count at once
        with self._lock:
            if self._cached is None or self._cached[0] != generation:
                self._cached = (generation, FaqIndex(self.entries()))
            return self._cached[1]
