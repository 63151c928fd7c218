"""The rule change workflow: propose (with its diff report), approve by a second person, reject,
roll back, reload. Every step is audited; every change of the live version is a compare-and-set
on the single `rules_live` row, so concurrent approvals cannot both win.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import update
from sqlmodel import Session

from noki.db import session_scope, table
from noki.db.clock import utcnow
from noki.db.models_rules import RulesLiveRow, RuleVersionRow
from noki.rules.loader import build_ruleset, rules_version
from noki.rules.model import RuleError, RuleFileError
from noki.services import audit, rule_versions
from noki.services.errors import Conflict, Forbidden, Invalid, NotFound
from noki.services.roles import Actor, can

if TYPE_CHECKING:
    from noki.app import AppContext
    from noki.domain.order import Order

_WHO = {"rules.propose": "提案はルール担当者または管理者",
        "rules.approve": "承認・却下・巻き戻しはスーパーバイザーまたは管理者",
        "rules.reload": "再読み込みはルールを扱う役割の人"}
DIFF_SAMPLE = 500  # sample orders a proposal's diff decides when no orders are stored


class Refused(Invalid):
    """The rule files fail check, examples, lint or the smoke run; nothing was changed."""

    def __init__(self, errors: list[RuleError]):
        from noki.rules.messages import localize

        super().__init__("ルールの変更を受け付けませんでした: "
                         + " / ".join(localize(e) for e in errors[:5])
                         + (f" ほか {len(errors) - 5} 件" if len(errors) > 5 else ""))
        self.errors = errors


@dataclass(frozen=True)
class Outcome:
    """What a workflow step did: the version row it concerns and the version now live."""

    id: int
    version: str
    live: str
    message: str


def require(actor: Actor, permission: str) -> None:
    """Forbidden, in words a rule author reads, unless the role grants the permission."""
    if not can(actor.role, permission):
        raise Forbidden(f"{_WHO.get(permission, permission)}だけができます "
                        f"(役割 {actor.role} には {permission} の権限がありません)")


def _orders(ctx: AppContext) -> tuple[list[Order], str]:
    from noki.domain.order import Order
    from noki.services.queries import stored_order_documents

    docs = stored_order_documents(ctx.engine)
    if docs:
        return [Order.model_validate(d) for d in docs], "保存済みの注文"
    from noki.sample.orders import sample_orders

    return ([Order.model_validate(d) for d in sample_orders(DIFF_SAMPLE, seed=1)],
            "サンプル注文 (保存済みの注文がありません)")


def diff_report(ctx: AppContext, files: dict[str, bytes]) -> tuple[dict[str, Any], str]:
    """The `rules diff` of files against the live version: (JSON report, CSV)."""
    from noki.rules.diff import diff_rules
    from noki.rules.diff_csv import diff_csv
    from noki.rules.engine import Engine

    orders, source = _orders(ctx)
    head = Engine(build_ruleset(files))
    try:
        with ctx.rules.engine() as base:
            diff = diff_rules(orders, base, head)
    finally:
        head.close()
    return {**diff.to_json(), "orders_source": source}, diff_csv(diff)


def propose(ctx: AppContext, files: dict[str, bytes], *, actor: Actor, note: str) -> Outcome:
    """Store files as a proposal with its diff report; refused when they fail any check."""
    require(actor, "rules.propose")
    if not note.strip():
        raise Invalid("変更の理由 (note) を書いてください")
    try:
        version = build_ruleset(files).version
    except RuleFileError as exc:
        raise Refused(exc.errors) from exc
    rule_versions.bootstrap(ctx.engine, ctx.rules.files)  # the base can be rolled back to
    if version == ctx.rules.version:
        raise Invalid(f"現在のルール ({version}) と同じ内容です: 変更がありません")
    errors = ctx.rules.check(files)
    if errors:
        raise Refused(errors)
    report, csv_text = diff_report(ctx, files)
    with session_scope(ctx.engine) as s:
        row = RuleVersionRow(version=version, files=rule_versions.to_texts(files),
                             note=note.strip(), proposed_by=actor.name,
                             base_version=ctx.rules.version, diff=report, diff_csv=csv_text)
        s.add(row)
        s.flush()
        assert row.id is not None
        audit.record(s, actor=actor.name, action="rules.propose", version_id=row.id,
                     version=version, base_version=row.base_version, note=row.note,
                     changed_orders=report["changed_orders"],
                     compensation_change_jpy=report["compensation_jpy"]["change"])
        row_id = row.id
    return Outcome(row_id, version, ctx.rules.version,
                   f"提案 #{row_id} を登録しました ({version})。別の担当者 (スーパーバイザーまたは"
                   "管理者) の承認で反映されます。")


def _pending(s: Session, version_id: int) -> RuleVersionRow:
    row = s.get(RuleVersionRow, version_id)
    if row is None:
        raise NotFound(f"提案 #{version_id} はありません")
    if row.status != "proposed":
        raise Conflict(f"提案 #{version_id} は既に {row.status} です")
    return row


def _move_live(s: Session, pointer: RulesLiveRow, target_id: int, actor: str) -> None:
    """CAS the live pointer from what this transaction saw to target_id."""
    result = s.execute(
        update(table(RulesLiveRow))
        .where(table(RulesLiveRow).c.id == 1,
               table(RulesLiveRow).c.row_version == pointer.row_version)
        .values(version_id=target_id, row_version=pointer.row_version + 1,
                changed_by=actor, changed_at=utcnow()))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("同時に別の変更が反映されました。もう一度確認してください")


def _set_status(s: Session, row: RuleVersionRow, seen: str, new: str, **values: Any) -> None:
    """CAS one version row's status."""
    t = table(RuleVersionRow)
    result = s.execute(update(t).where(t.c.id == row.id, t.c.status == seen,
                                       t.c.row_version == row.row_version)
                       .values(status=new, row_version=row.row_version + 1, **values))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"#{row.id} は同時に変更されました。もう一度確認してください")


def _reload(ctx: AppContext, actor: Actor, why: str) -> str:
    result = ctx.rules.reload()
    with session_scope(ctx.engine) as s:
        audit.record(s, actor=actor.name, action="rules.reload", version=result.version,
                     ok=result.ok, why=why, errors=[str(e) for e in result.errors[:20]])
    return result.version


def approve(ctx: AppContext, version_id: int, *, actor: Actor, note: str = "") -> Outcome:
    """A second person (supervisor or admin, not the proposer) makes a proposal live."""
    require(actor, "rules.approve")
    with Session(ctx.engine) as s:
        row = _pending(s, version_id)
        if row.proposed_by == actor.name:
            raise Forbidden("提案した本人は承認できません: 別の担当者の承認が必要です")
        files = rule_versions.to_files(row.files)
    rule_versions.bootstrap(ctx.engine, ctx.rules.files)
    errors = ctx.rules.check(files)  # orders may have changed since the proposal
    if errors:
        raise Refused(errors)
    with session_scope(ctx.engine) as s:
        row = _pending(s, version_id)
        pointer = s.get(RulesLiveRow, 1)
        assert pointer is not None  # bootstrap stored one
        live = s.get(RuleVersionRow, pointer.version_id)
        assert live is not None
        if live.version != row.base_version:
            raise Conflict(f"提案 #{version_id} の後に現在のルールが {live.version} に変わりました"
                           "。差分が古いため、もう一度提案してください")
        _set_status(s, row, "proposed", "approved", decided_by=actor.name,
                    decided_at=utcnow(), decision_note=note, replaced_id=live.id)
        _move_live(s, pointer, version_id, actor.name)
        audit.record(s, actor=actor.name, action="rules.approve", version_id=version_id,
                     version=row.version, replaced=live.version, proposed_by=row.proposed_by,
                     note=note)
        version = row.version
    serving = _reload(ctx, actor, f"approve #{version_id}")
    return Outcome(version_id, version, serving,
                   f"提案 #{version_id} を承認し、ルール {version} を反映しました。")


def reject(ctx: AppContext, version_id: int, *, actor: Actor, note: str = "") -> Outcome:
    """Close a proposal without making it live (an approver, or the proposer withdrawing)."""
    with session_scope(ctx.engine) as s:
        row = _pending(s, version_id)
        if row.proposed_by != actor.name:
            require(actor, "rules.approve")
        _set_status(s, row, "proposed", "rejected", decided_by=actor.name,
                    decided_at=utcnow(), decision_note=note)
        audit.record(s, actor=actor.name, action="rules.reject", version_id=version_id,
                     version=row.version, proposed_by=row.proposed_by, note=note)
        version = row.version
    return Outcome(version_id, version, ctx.rules.version, f"提案 #{version_id} を却下しました。")


def rollback(ctx: AppContext, *, actor: Actor, note: str = "") -> Outcome:
    """Restore, in one step, the version that was live before the current one."""
    require(actor, "rules.approve")
    with Session(ctx.engine) as s:
        current = rule_versions.live_row(s)
        if current is None or current.replaced_id is None:
            raise Conflict("戻せる以前のバージョンがありません")
        target = s.get(RuleVersionRow, current.replaced_id)
        assert target is not None
        files = rule_versions.to_files(target.files)
    errors = ctx.rules.check(files)
    if errors:
        raise Refused(errors)
    with session_scope(ctx.engine) as s:
        pointer = s.get(RulesLiveRow, 1)
        current = s.get(RuleVersionRow, pointer.version_id) if pointer else None
        if pointer is None or current is None or current.replaced_id != target.id:
            raise Conflict("同時に別の変更が反映されました。もう一度確認してください")
        assert target.id is not None
        target_id = target.id
        _set_status(s, current, current.status, "rolled_back", decided_by=actor.name,
                    decided_at=utcnow(), decision_note=note)
        _move_live(s, pointer, target_id, actor.name)
        audit.record(s, actor=actor.name, action="rules.rollback", version_id=target_id,
                     version=target.version, rolled_back=current.version, note=note)
        version = target.version
    serving = _reload(ctx, actor, "rollback")
    return Outcome(target_id, version, serving,
                   f"以前のルール {version} (#{target_id}) に戻しました。")


def reload(ctx: AppContext, *, actor: Actor) -> Outcome:
    """Load the approved live version again (never unapproved files); audited."""
    require(actor, "rules.reload")
    rule_versions.bootstrap(ctx.engine, ctx.rules.files)  # disk edits never go live by reload
    serving = _reload(ctx, actor, "reload")
    return Outcome(rule_versions.live_id(ctx.engine) or 0, serving, serving,
                   f"承認済みのルール {serving} を読み込みました。")


def files_version(files: dict[str, bytes]) -> str:
    """The rules_version files would have."""
    return rules_version(files)
