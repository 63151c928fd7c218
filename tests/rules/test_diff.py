"""`noki rules diff`: counts per field, money before/after, examples with traces."""

from __future__ import annotations

import json
import shutil
import subprocess

from typer.testing import CliRunner

from noki.cli.main import app
from noki.domain.order import Order
from noki.rules.diff import diff_rules
from noki.rules.engine import Engine
from noki.rules.loader import load_ruleset
from noki.sample.orders import sample_orders
from tests.rules.conftest import RULES_DIR

runner = CliRunner()


def _changed_rules(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    p = target / "30_compensation.yaml"
    p.write_text(p.read_text().replace(
        "when: {industry: ec, delay_days: {gte: 8}}\n        then: {compensation.type: coupon, "
        "compensation.amount_jpy: 500}",
        "when: {industry: ec, delay_days: {gte: 8}}\n        then: {compensation.type: coupon, "
        "compensation.amount_jpy: 700}"))
    return target


def test_diff_counts_changed_amounts_and_money(tmp_path):
    base, head = load_ruleset(RULES_DIR), load_ruleset(_changed_rules(tmp_path))
    orders = [Order.model_validate(d) for d in sample_orders(1500, seed=2)]
    eb, eh = Engine(base), Engine(head)
    try:
        diff = diff_rules(orders, eb, eh)
        expected = sum(1 for o in orders if eb.decide(o).trace[2].rule == "ec-coupon-8d")
    finally:
        eb.close()
        eh.close()
    assert expected > 0
    assert diff.per_field["compensation.amount_jpy"] == expected == diff.changed_orders
    assert diff.per_field["lane"] == 0
    assert diff.compensation_change_jpy == 200 * expected
    kinds = set(diff.kinds)
    assert kinds <= {"compensation.amount_jpy: 500 -> 700", "compensation.amount_jpy: 1000 -> 1200"}
    example = diff.examples["compensation.amount_jpy: 500 -> 700"][0]
    assert example.before_trace[0].startswith("compensation/ec-coupon-8d")


def test_diff_cli_json_against_git_head(tmp_path, monkeypatch):
    monkeypatch.setenv("NOKI_DATABASE_URL", f"sqlite:///{tmp_path / 'absent.db'}")
    repo = tmp_path / "repo"
    shutil.copytree(RULES_DIR, repo / "rules")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "r"],
                   cwd=repo, check=True)
    p = repo / "rules" / "20_lane.yaml"
    p.write_text(p.read_text().replace("when: {industry: auto, segment: fleet}",
                                       "when: {industry: auto, segment: fleet, delay_days: 1}"))
    p.write_text(p.read_text().replace("      industry:\n      segment:",
                                       "      industry:\n      segment:\n      delay_days:"))
    result = runner.invoke(app, ["rules", "diff", "--base", "HEAD", "--dir", str(repo / "rules"),
                                 "--sample", "800", "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["base_version"] != data["head_version"]
    assert data["changed_by_field"]["lane"] > 0
    assert any(c["kind"] == "lane: expedite -> standard" for c in data["changes"])
    assert data["orders_source"].startswith("sample orders") and data["orders"] == 800
    assert not (tmp_path / "absent.db").exists()
    unchanged = runner.invoke(app, ["rules", "diff", "--base", str(RULES_DIR), "--dir",
                                    str(RULES_DIR), "--sample", "200"])
    assert "0 decisions change" in unchanged.stdout


def test_diff_uses_stored_orders_when_the_database_has_some(tmp_path, monkeypatch):
    from noki.app import AppContext
    from noki.services.demo import sample_records
    from noki.services.orders import ingest
    from tests.support import make_settings

    url = f"sqlite:///{tmp_path / 'noki.db'}"
    with AppContext(make_settings(url, tmp_path)) as ctx:
        ingest(ctx, sample_records(40, seed=3), actor="test", auto_send=False)
    monkeypatch.setenv("NOKI_DATABASE_URL", url)
    result = runner.invoke(app, ["rules", "diff", "--base", str(RULES_DIR), "--dir",
                                 str(RULES_DIR), "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["orders_source"].startswith("stored orders")
    assert data["orders"] == 40
