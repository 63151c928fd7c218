"""Issue 15 change workflow: propose with a diff report, a second person approves, rollback."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlmodel import Session, select

from noki.app import AppContext
from noki.db.models import AuditEvent
from noki.rules.loader import read_rule_files
from noki.services import rule_changes, rule_versions
from noki.services.errors import Conflict, Forbidden
from noki.services.roles import Actor
from tests.support import make_settings

AUTHOR = Actor("aki", "rule_author")
SUPERVISOR = Actor("sato", "supervisor")
ADMIN = Actor("root", "admin")


@pytest.fixture
def db(database_url: str):
    """The per-test database, migrated (tests/rules' own `engine` fixture is a rules engine)."""
    from noki.db import make_engine, migrate

    eng = make_engine(database_url)
    migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def ctx(database_url: str, db, tmp_path: Path, rules_copy: Path):
    context = AppContext(make_settings(database_url, tmp_path, rules_dir=rules_copy),
                         engine=db)
    yield context
    context.close()


def _edited(folder: Path, old: str, new: str, name: str = "30_compensation.yaml") -> dict:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    files = read_rule_files(folder)
    key = next(k for k in files if k.endswith(name))
    return {**files, key: text.replace(old, new, 1).encode()}


VIP_3000 = ("then: {compensation.type: coupon, compensation.amount_jpy: 2000}",
            "then: {compensation.type: coupon, compensation.amount_jpy: 3000}")


def _audit(ctx: AppContext) -> list[str]:
    with Session(ctx.engine) as s:
        return [e.action for e in s.exec(select(AuditEvent).order_by(AuditEvent.id))
                if e.action.startswith("rules.")]


def test_proposal_carries_its_diff_and_is_not_live_until_a_second_person_approves(
        ctx, rules_copy):
    before = ctx.rules.version
    out = rule_changes.propose(ctx, _edited(rules_copy, *VIP_3000), actor=AUTHOR,
                               note="VIP の 14日クーポンを 3,000円に")
    assert ctx.rules.version == before  # proposed, not live
    row = rule_versions.get(ctx.engine, out.id)
    assert row is not None and row.status == "proposed" and row.base_version == before
    assert row.diff["changed_by_field"]["compensation.amount_jpy"] > 0
    coupon = row.diff["compensation_jpy"]["by_type"]["coupon"]
    assert coupon["after"] > coupon["before"]
    assert "compensation_jpy,coupon" in row.diff_csv
    with pytest.raises(Forbidden):
        rule_changes.approve(ctx, out.id, actor=AUTHOR)  # a rule author does not approve
    with pytest.raises(Forbidden):
        rule_changes.approve(ctx, out.id, actor=Actor(AUTHOR.name, "admin"))  # nor the proposer
    done = rule_changes.approve(ctx, out.id, actor=SUPERVISOR, note="確認しました")
    assert ctx.rules.version == done.version == out.version == done.live
    assert _audit(ctx) == ["rules.propose", "rules.approve", "rules.reload"]


def test_rollback_restores_the_previous_version_in_one_step(ctx, rules_copy):
    first = ctx.rules.version
    out = rule_changes.propose(ctx, _edited(rules_copy, *VIP_3000), actor=AUTHOR, note="3000")
    rule_changes.approve(ctx, out.id, actor=ADMIN)
    assert ctx.rules.version == out.version
    back = rule_changes.rollback(ctx, actor=SUPERVISOR, note="戻す")
    assert back.version == first == ctx.rules.version
    assert rule_versions.get(ctx.engine, out.id).status == "rolled_back"  # type: ignore[union-attr]
    assert _audit(ctx)[-2:] == ["rules.rollback", "rules.reload"]
    with pytest.raises(Conflict):  # the first stored version has nothing before it
        rule_changes.rollback(ctx, actor=SUPERVISOR)


def test_files_on_disk_do_not_go_live_by_reload(ctx, rules_copy):
    live = ctx.rules.version
    path = rules_copy / "20_lane.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# 勝手な変更\n", encoding="utf-8")
    out = rule_changes.reload(ctx, actor=AUTHOR)
    assert out.live == live == ctx.rules.version
    assert _audit(ctx) == ["rules.reload"]


def test_broken_proposal_is_refused_and_not_stored(ctx, rules_copy):
    assert ctx.rules.version  # serving: the first version is stored
    broken = _edited(rules_copy, "compensation.amount_jpy: 2000}",
                     "compensation.amount_jpy: '3,000'}")
    with pytest.raises(rule_changes.Refused) as info:
        rule_changes.propose(ctx, broken, actor=AUTHOR, note="壊れた変更")
    assert info.value.errors and all(":" in str(e) for e in info.value.errors)
    assert "proposed" not in [r.status for r in rule_versions.history(ctx.engine)]


def test_a_stale_proposal_cannot_be_approved(ctx, rules_copy):
    one = rule_changes.propose(ctx, _edited(rules_copy, *VIP_3000), actor=AUTHOR, note="a")
    two = rule_changes.propose(
        ctx, _edited(rules_copy, "compensation.amount_jpy: 500}",
                     "compensation.amount_jpy: 600}"), actor=AUTHOR, note="b")
    rule_changes.approve(ctx, one.id, actor=SUPERVISOR)
    with pytest.raises(Conflict):
        rule_changes.approve(ctx, two.id, actor=SUPERVISOR)
    assert ctx.rules.version == one.version


def test_another_process_follows_the_live_version(ctx, database_url, db, tmp_path,
                                                 rules_copy):
    other = AppContext(make_settings(database_url, tmp_path, rules_dir=rules_copy),
                       engine=db)
    try:
        assert other.rules.version == ctx.rules.version
        out = rule_changes.propose(ctx, _edited(rules_copy, *VIP_3000), actor=AUTHOR, note="x")
        rule_changes.approve(ctx, out.id, actor=SUPERVISOR)
        assert other.rules.sync() and other.rules.version == out.version
    finally:
        other.close()


def test_concurrent_approvals_of_two_proposals_one_wins(ctx, database_url, db, tmp_path,
                                                       rules_copy):
    one = rule_changes.propose(ctx, _edited(rules_copy, *VIP_3000), actor=AUTHOR, note="a")
    two = rule_changes.propose(
        ctx, _edited(rules_copy, "compensation.amount_jpy: 500}",
                     "compensation.amount_jpy: 600}"), actor=AUTHOR, note="b")
    contexts = [AppContext(make_settings(database_url, tmp_path, rules_dir=rules_copy),
                           engine=db) for _ in range(2)]
    for c in contexts:
        assert c.rules.version  # built before the race
    results: list[object] = []
    start = threading.Barrier(2)

    def run(c: AppContext, vid: int, who: Actor) -> None:
        start.wait()
        try:
            results.append(rule_changes.approve(c, vid, actor=who))
        except Conflict as exc:
            results.append(exc)

    threads = [threading.Thread(target=run, args=(contexts[0], one.id, SUPERVISOR)),
               threading.Thread(target=run, args=(contexts[1], two.id, ADMIN))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c in contexts:
        c.close()
    wins = [r for r in results if isinstance(r, rule_changes.Outcome)]
    assert len(wins) == 1 and len(results) == 2
    assert rule_versions.live_version(db) == wins[0].version  # type: ignore[attr-defined]
    statuses = sorted(r.status for r in rule_versions.history(db))
    assert statuses == ["approved", "approved", "proposed"]


@pytest.mark.parametrize("edit", ["runtime", "type"])
def test_the_broken_expression_cases_are_refused_by_propose_too(ctx, rules_copy, edit):
    from tests.rules.test_safety_gate import RUNTIME_BROKEN, TYPE_BROKEN

    old, new = RUNTIME_BROKEN if edit == "runtime" else TYPE_BROKEN
    name = "30_compensation.yaml" if edit == "runtime" else "60_update_schedule.yaml"
    live = ctx.rules.version
    with pytest.raises(rule_changes.Refused) as info:
        rule_changes.propose(ctx, _edited(rules_copy, old, new, name), actor=AUTHOR, note="x")
    assert any(name in e.file for e in info.value.errors), info.value.errors
    assert ctx.rules.version == live
    assert "proposed" not in [r.status for r in rule_versions.history(ctx.engine)]


def test_cli_propose_approve_history_rollback(database_url, db, rules_copy, tmp_path,
                                              monkeypatch):
    from typer.testing import CliRunner

    from noki.cli.main import app
    from noki.services import users

    for name, role in (("aki", "rule_author"), ("sato", "supervisor")):
        users.create_user(db, username=name, password="correct-horse-1", role=role)
    monkeypatch.setenv("NOKI_DATABASE_URL", database_url)
    monkeypatch.setenv("NOKI_RULES_DIR", str(rules_copy))
    runner = CliRunner()
    changed = tmp_path / "30_compensation.yaml"
    changed.write_text((rules_copy / "30_compensation.yaml").read_text(encoding="utf-8")
                       .replace(*VIP_3000), encoding="utf-8")
    r = runner.invoke(app, ["rules", "propose", "--from", str(changed), "--note", "3,000円に",
                            "--user", "aki"])
    assert r.exit_code == 0 and "提案 #2 を登録しました" in r.stdout, r.output
    r = runner.invoke(app, ["rules", "approve", "2", "--user", "aki"])
    assert r.exit_code == 1 and "スーパーバイザーまたは管理者だけができます" in r.stderr
    r = runner.invoke(app, ["rules", "approve", "2", "--user", "sato"])
    assert r.exit_code == 0 and "反映しました" in r.stdout, r.output
    r = runner.invoke(app, ["rules", "history"])
    assert r.stdout.splitlines()[0].split()[:3] == ["*", "#2", "approved"], r.stdout
    csv_out = tmp_path / "diff.csv"
    r = runner.invoke(app, ["rules", "show", "2", "--csv", str(csv_out)])
    assert r.exit_code == 0 and "compensation_jpy,coupon" in csv_out.read_text(encoding="utf-8")
    r = runner.invoke(app, ["rules", "rollback", "--user", "sato", "--note", "戻す"])
    assert r.exit_code == 0 and "戻しました" in r.stdout, r.output
    assert rule_versions.live_id(db) == 1
