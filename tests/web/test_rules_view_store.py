"""The rules page talks to the RuleStore: lint findings, and reloads that refuse broken edits."""

from __future__ import annotations

import shutil

import pytest
from tests.conftest import SAMPLE_RULES_DIR

from noki.rules.lint import lint_gate
from noki.rules.store import RuleStore
from noki.web import rules_view

# The sample policy as a fixture: rule authors change rules/, tests pin this copy.
RULES_DIR = SAMPLE_RULES_DIR


@pytest.fixture
def store(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    store = RuleStore(target, gates=(lint_gate,))
    yield store
    store.close()


def test_reload_refuses_a_shadowing_edit_and_keeps_serving(store):
    version = rules_view.rules_version(store)
    path = store.directory / "30_compensation.yaml"
    text = path.read_text(encoding="utf-8")
    # Moving the 8-day coupon above the 14-day one shadows the 14-day rows.
    path.write_text(text.replace("delay_days: {gte: 14}}", "delay_days: {gte: 8}}", 1),
                    encoding="utf-8")
    message = rules_view.reload_rules(store)
    assert "中止" in message and version in message
    assert "rules/30_compensation.yaml:" in message
    assert rules_view.rules_version(store) == version


def test_reload_swaps_to_a_good_edit_and_lint_is_clean(store):
    before = rules_view.rules_version(store)
    path = store.directory / "20_lane.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# note\n", encoding="utf-8")
    message = rules_view.reload_rules(store)
    assert "再読み込みしました" in message
    assert rules_view.rules_version(store) != before
    assert rules_view.lint_findings(store) == []
