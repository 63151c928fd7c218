"""`noki rules check/test/lint/diff` and `noki sales-control` on the sales-control rule set."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from noki.cli.main import app
from noki.rules.loader import build_ruleset
from noki.rules.model import RuleFileError
from tests.kpi.test_sales_control import RULES

runner = CliRunner()


def test_check_test_lint_on_the_sales_control_folder() -> None:
    assert runner.invoke(app, ["rules", "check", "--no-smoke", "--dir", str(RULES)]).exit_code == 0
    tested = runner.invoke(app, ["rules", "test", "--dir", str(RULES)])
    assert tested.exit_code == 0 and "5 passed, 0 failed" in tested.output
    assert runner.invoke(app, ["rules", "lint", "--dir", str(RULES)]).exit_code == 0


def test_a_bad_fact_is_named_with_file_and_line(tmp_path: Path) -> None:
    text = (RULES / "80_sales_control.yaml").read_text(encoding="utf-8").replace(
        "eta_slips_14d: {gte: 3}", "eta_slipz_14d: {gte: 3}")
    with pytest.raises(RuleFileError) as err:
        build_ruleset({"sales_control/80.yaml": text.encode()})
    assert "sales_control/80.yaml:" in str(err.value) and "eta_slipz_14d" in str(err.value)


def test_order_and_sales_control_files_in_one_folder_are_refused() -> None:
    orders = b"description: x\ntables: []\n"
    sales = (RULES / "80_sales_control.yaml").read_bytes()
    with pytest.raises(RuleFileError, match="must all be the same kind"):
        build_ruleset({"r/10.yaml": orders, "r/80.yaml": sales})


def test_diff_lists_the_skus_whose_recommendation_changes(
        kpi_engine: Any, database_url: str, tmp_path: Path, monkeypatch: Any) -> None:
    head = tmp_path / "sales_control"
    shutil.copytree(RULES, head)
    path = head / "80_sales_control.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "      - id: show-eta-backlog\n        when: {open_backorders: {gte: 1}}",
        "      - id: show-eta-backlog\n        when: {open_backorders: {gte: 2}}"),
        encoding="utf-8")
    monkeypatch.setenv("NOKI_DATABASE_URL", database_url)
    monkeypatch.setenv("NOKI_SESSION_SECRET", "test-secret-" + "x" * 20)
    out = runner.invoke(app, ["rules", "diff", "--base", str(RULES), "--dir", str(head),
                              "--json"])
    assert out.exit_code == 0, out.output
    changed = {c["sku_id"]: (c["before"], c["after"]) for c in json.loads(out.output)["changed"]}
    # Today (after 11-26) S1 (A), S2 (D) and S3 (F) each have one open backorder: no longer
    # enough to show the ETA.
    assert changed == dict.fromkeys(("S1", "S2", "S3"), ("show_eta_on_product_page", "none"))
