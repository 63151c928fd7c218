"""Item 6: the checker flags foreign links and card/password requests; four eyes on such edits."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from noki.app import AppContext
from noki.db.models import DraftRow
from noki.drafting import safety
from noki.services import review
from noki.services.demo import sample_records
from noki.services.errors import Forbidden
from noki.services.orders import ingest
from noki.services.roles import Actor

PHISH = "https://evil.example/login から至急カード番号をご入力ください。"


def _codes(text: str) -> set[str]:
    return {f.code for f in safety.findings(unicodedata.normalize("NFKC", text))}


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        (PHISH, {"foreign_url", "credential_request"}),
        ("ｈｔｔｐｓ：／／ｅｖｉｌ．ｅｘａｍｐｌｅ／ｌｏｇｉｎ をご確認ください。",  # noqa: E501
         {"foreign_url"}),
        ("https://noki.example@evil.example/b/1 をご確認ください。", {"foreign_url"}),
        ("evil.example/login でお手続きください。", {"foreign_url"}),
        ("ご本人確認のためパスワードを返信してください。", {"credential_request"}),
        ("セキュリティコードをお知らせください。", {"credential_request"}),
        ("詳しくは https://noki.example/b/EC-000001 をご覧ください。", set()),
        ("https://shop.noki.example/faq もご覧ください。", set()),
        ("当社からカード番号やパスワードをお伺いすることは一切ございません。", set()),
        ("ご注文番号をお知らせください。", set()),
    ],
)
def test_safety_findings(text: str, codes: set[str]) -> None:
    assert _codes(text) == codes


def test_configured_domains_are_allowed() -> None:
    text = "https://shop.example.co.jp/help をご覧ください。"
    assert safety.foreign_urls(text)  # not the default domain
    assert not safety.foreign_urls(text, ("example.co.jp",))


def _draft(ctx: AppContext) -> DraftRow:
    engine = ctx.engine
    ingest(ctx, sample_records(3), actor="test")
    with Session(engine) as s:
        rows = s.exec(select(DraftRow).where(DraftRow.status == "pending")).all()
    return next(r for r in rows if r.check_ok and r.channel == "email")


def test_phishing_edit_fails_the_checker_and_needs_another_supervisor(
    engine: Engine, ctx: AppContext
) -> None:
    agent, sup_a = Actor("aoki", "agent"), Actor("sato", "supervisor")
    sup_b = Actor("ito", "supervisor")
    draft = _draft(ctx)
    edited = review.edit(
        engine, draft_id=draft.id, actor=sup_a, body=f"{draft.body}\n{PHISH}", subject=draft.subject
    )
    assert not edited.check_ok
    assert {"foreign_url", "credential_request"} <= {v["code"] for v in edited.violations}
    with pytest.raises(Forbidden):
        review.approve(engine, draft_id=edited.id, actor=agent, override_reason="急ぎ")
    with pytest.raises(Forbidden, match="編集した本人以外"):
        review.approve(engine, draft_id=edited.id, actor=sup_a, override_reason="確認済み")
    assert review.approve(engine, draft_id=edited.id, actor=sup_b, override_reason="確認済み")


def test_an_editor_cannot_launder_their_link_through_a_later_edit(
    engine: Engine, ctx: AppContext
) -> None:
    sup_a, agent2 = Actor("sato", "supervisor"), Actor("kato", "agent")
    draft = _draft(ctx)
    first = review.edit(
        engine, draft_id=draft.id, actor=sup_a, body=f"{draft.body}\n{PHISH}", subject=draft.subject
    )
    second = review.edit(
        engine, draft_id=first.id, actor=agent2, body=first.body + "\n", subject=draft.subject
    )
    assert not second.check_ok
    with pytest.raises(Forbidden, match="編集した本人以外"):
        review.approve(engine, draft_id=second.id, actor=sup_a, override_reason="確認済み")
