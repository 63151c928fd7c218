"""Four eyes on phishing signs: an edited draft flagged by drafting/safety needs another person."""

from __future__ import annotations

from sqlmodel import Session, col, select

from noki.db.models import DraftRow
from noki.drafting.safety import CODES
from noki.services.errors import Forbidden


def require_second_person(session: Session, row: DraftRow, *, actor: str) -> None:
    """Refuse when the draft carries a safety flag and the approver wrote any version of it."""
    if not any(v.get("code") in CODES for v in row.violations or []):
        return
    authors = set(
        session.exec(
            select(DraftRow.author).where(
                col(DraftRow.root_id) == row.root_id, col(DraftRow.drafter) == "agent"
            )
        ).all()
    )
    if actor in authors or row.author == actor:
        raise Forbidden(
            "リンクまたはカード番号・パスワードの依頼を含む編集は、"
            "編集した本人以外のスーパーバイザーが承認してください"
        )
