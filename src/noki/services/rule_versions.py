"""Rule versions stored in the database: which one is live, its files, the history."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, col, select

from noki.db import session_scope
from noki.db.models_rules import RulesLiveRow, RuleVersionRow
from noki.rules.loader import base_name, rules_version

# How a stored version's files are named when read (errors and traces show this path).
STORED_PREFIX = "rules/"


def to_texts(files: dict[str, bytes]) -> dict[str, str]:
    """{file name: text} as stored (folders dropped: a version is a set of file names)."""
    return {base_name(n): files[n].decode("utf-8") for n in sorted(files, key=base_name)}


def to_files(texts: dict[str, str]) -> dict[str, bytes]:
    """Stored texts back to the {display name: bytes} the loader reads, in name order."""
    return {STORED_PREFIX + n: texts[n].encode("utf-8") for n in sorted(texts)}


def live_row(session: Session) -> RuleVersionRow | None:
    """The live version's row (None before the first version was stored)."""
    pointer = session.get(RulesLiveRow, 1)
    return session.get(RuleVersionRow, pointer.version_id) if pointer else None


def live_files(engine: Engine) -> dict[str, bytes] | None:
    """The live version's files, or None when the database holds none (or no schema yet)."""
    try:
        with Session(engine) as s:
            row = live_row(s)
            return to_files(row.files) if row else None
    except SQLAlchemyError:
        return None


def live_version(engine: Engine) -> str | None:
    """The live version's hash (the cheap question every process asks now and then)."""
    try:
        with Session(engine) as s:
            found = s.exec(select(RuleVersionRow.version).join(
                RulesLiveRow, col(RulesLiveRow.version_id) == col(RuleVersionRow.id))).first()
            return found
    except SQLAlchemyError:
        return None


def bootstrap(engine: Engine, files: dict[str, bytes], actor: str = "system:bootstrap") -> None:
    """Store the serving files as the live version when the database holds none yet."""
    try:
        with session_scope(engine) as s:
            if s.get(RulesLiveRow, 1) is not None:
                return
            row = RuleVersionRow(version=rules_version(files), files=to_texts(files),
                                 status="approved", proposed_by=actor, decided_by=actor,
                                 note="最初の版 (rules/ から)")
            s.add(row)
            s.flush()
            assert row.id is not None
            s.add(RulesLiveRow(version_id=row.id, changed_by=actor))
    except IntegrityError:
        return  # another process stored its first version at the same moment: theirs is live
    except SQLAlchemyError:
        return  # no schema (a context built without migrations): serve the files, store nothing


def history(engine: Engine, limit: int = 50) -> list[RuleVersionRow]:
    """Stored versions, newest first."""
    with Session(engine) as s:
        rows = s.exec(select(RuleVersionRow).order_by(col(RuleVersionRow.id).desc())
                      .limit(limit)).all()
        for row in rows:
            s.expunge(row)
        return list(rows)


def get(engine: Engine, version_id: int) -> RuleVersionRow | None:
    """One stored version."""
    with Session(engine) as s:
        row = s.get(RuleVersionRow, version_id)
        if row is not None:
            s.expunge(row)
        return row


def live_id(engine: Engine) -> int | None:
    """The id of the live version."""
    with Session(engine) as s:
        pointer = s.get(RulesLiveRow, 1)
        return pointer.version_id if pointer else None
