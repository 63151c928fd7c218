"""FAQ proposals reviewed on the console (marketing / CS supervisors): edit, accept, reject.

An accepted proposal becomes a new version of a FAQ entry (table faq_entries), audited, and
answer drafting reads it at once (FaqSource); `noki faq export` writes data/faq.yaml from it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import yaml
from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from noki.db import session_scope
from noki.db.clock import utcnow
from noki.db.models import FaqEntryRow, FaqProposalRow
from noki.faq.store import FaqEntry
from noki.services import audit
from noki.services.errors import Conflict, Invalid, NotFound
from noki.services.roles import Actor, require
from noki.services.transitions import Stale, retrying
from noki.voc.models import FaqProposal

# A FAQ answer is general: an order's own dates, amounts and promises come from its decision.
_FACT = re.compile(r"\d{1,2}月\d{1,2}日|\d{4}[/-]\d{1,2}|[\d,]+円|必ず|保証します|お約束")
MAX_TEXT = 2000


def import_proposals(engine: Engine, proposals: Sequence[FaqProposal]) -> int:
    """Store the report's FAQ proposals for review; a key seen before is not proposed again."""
    added = 0
    with session_scope(engine) as s:
        known = set(s.exec(select(FaqProposalRow.key)).all())
        for p in proposals:
            if p.id in known:
                continue
            s.add(FaqProposalRow(key=p.id, code=p.code, question=p.question, answer=p.answer,
                                 quotes=[q.text for q in p.quotes], evidence=p.evidence,
                                 missing=p.missing, reason=p.reason))
            known.add(p.id)
            added += 1
    return added


def proposals(engine: Engine, status: str = "") -> list[FaqProposalRow]:
    """Proposals, open ones first, newest first."""
    with Session(engine) as s:
        q = select(FaqProposalRow)
        if status:
            q = q.where(FaqProposalRow.status == status)
        rows = s.exec(q.order_by(col(FaqProposalRow.id).desc())).all()
    return sorted(rows, key=lambda r: r.status != "proposed")


def proposal(engine: Engine, proposal_id: int) -> FaqProposalRow:
    """One proposal or NotFound."""
    with Session(engine) as s:
        row = s.get(FaqProposalRow, proposal_id)
    if row is None:
        raise NotFound(f"FAQ proposal {proposal_id} not found")
    return row


def validate_text(question: str, answer: str) -> tuple[str, str]:
    """Both fields present, bounded and general (no dates, amounts or promises)."""
    question, answer = question.strip(), answer.strip().replace("\r\n", "\n")
    if not question:
        raise Invalid("question: 質問を入力してください")
    if not answer:
        raise Invalid("answer: 回答を入力してください")
    if len(question) > MAX_TEXT or len(answer) > MAX_TEXT:
        raise Invalid(f"question/answer: {MAX_TEXT}文字以内で入力してください")
    if m := _FACT.search(answer):
        raise Invalid(f"answer: FAQ の回答に日付・金額・約束（「{m.group()}」）は書けません。"
                      "個別の日付や金額は注文ごとの判定から入ります")
    return question, answer


def _cas(s: Session, row: FaqProposalRow, **values: object) -> None:
    hit = s.execute(update(FaqProposalRow).where(
        col(FaqProposalRow.id) == row.id, col(FaqProposalRow.status) == "proposed",
        col(FaqProposalRow.row_version) == row.row_version)
        .values(row_version=col(FaqProposalRow.row_version) + 1, **values)
        .execution_options(synchronize_session=False))
    if hit.rowcount != 1:  # type: ignore[attr-defined]
        raise Stale(f"FAQ proposal {row.id} changed meanwhile; reload the page")


def _open(s: Session, proposal_id: int) -> FaqProposalRow:
    row = s.get(FaqProposalRow, proposal_id, populate_existing=True)
    if row is None:
        raise NotFound(f"FAQ proposal {proposal_id} not found")
    if row.status != "proposed":
        raise Conflict(f"FAQ proposal {proposal_id} is already {row.status}")
    return row


def edit(engine: Engine, *, proposal_id: int, actor: Actor, question: str, answer: str) -> None:
    """Save the reviewer's wording (still a proposal)."""
    require(actor, "faq.review")
    question, answer = validate_text(question, answer)
    with session_scope(engine) as s:
        row = _open(s, proposal_id)
        _cas(s, row, question=question, answer=answer)
        audit.record(s, actor=actor.name, action="faq_edited", proposal=row.key)


def accept(engine: Engine, *, proposal_id: int, actor: Actor, question: str | None = None,
           answer: str | None = None) -> FaqEntryRow:
    """Accept (with the wording on screen): a new version of the FAQ entry, audited."""
    require(actor, "faq.review")

    def run() -> FaqEntryRow:
        with session_scope(engine) as s:
            row = _open(s, proposal_id)
            q, a = validate_text(question if question is not None else row.question,
                                 answer if answer is not None else row.answer)
            _cas(s, row, status="accepted", question=q, answer=a, reviewed_by=actor.name,
                 reviewed_at=utcnow())
            top = s.exec(select(func.max(FaqEntryRow.version))
                         .where(FaqEntryRow.entry_id == row.key)).one()
            entry = FaqEntryRow(entry_id=row.key, version=int(top or 0) + 1, question=q,
                                answer=a, proposal_id=row.id, author=actor.name,
                                detail={"code": row.code, "quotes": row.quotes[:5]})
            s.add(entry)
            s.flush()
            audit.record(s, actor=actor.name, action="faq_accepted", proposal=row.key,
                         entry_id=entry.entry_id, version=entry.version)
            return entry

    return retrying(run)


def reject(engine: Engine, *, proposal_id: int, actor: Actor, reason: str) -> None:
    """Reject with a reason (kept; the same key is not proposed again)."""
    require(actor, "faq.review")
    if not reason.strip():
        raise Invalid("reason: 却下の理由を入力してください")
    with session_scope(engine) as s:
        row = _open(s, proposal_id)
        _cas(s, row, status="rejected", review_reason=reason.strip()[:1000],
             reviewed_by=actor.name, reviewed_at=utcnow())
        audit.record(s, actor=actor.name, action="faq_rejected", proposal=row.key,
                     reason=reason.strip()[:200])


def export_yaml(entries: Sequence[FaqEntry]) -> str:
    """data/faq.yaml format: a YAML list of {id, question, answer}."""
    doc = [{"id": e.id, "question": e.question, "answer": e.answer} for e in entries]
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000)
