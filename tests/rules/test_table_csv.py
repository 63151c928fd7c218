"""Tables round-trip through CSV (a spreadsheet) with the same validation as the YAML files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from noki.cli.main import app
from noki.rules.loader import build_ruleset, read_rule_files
from noki.rules.table_csv import export_csv, import_csv
from tests.rules.conftest import RULES_DIR

runner = CliRunner()
TABLES = [t.name for t in build_ruleset(read_rule_files(RULES_DIR)).tables]
SHIPPED = Path(__file__).resolve().parents[2] / "rules"


@pytest.mark.parametrize("folder", [RULES_DIR, SHIPPED], ids=["sample", "shipped"])
def test_every_table_round_trips(folder):
    files = read_rule_files(folder)
    before = build_ruleset(files)
    for table in before.tables:
        text = export_csv(files, table.name)
        imported = import_csv(files, table.name, text, "t.csv")
        after = build_ruleset(imported)
        assert [(r.id, r.hash) for r in after.table(table.name).rules] == \
            [(r.id, r.hash) for r in table.rules], table.name
        assert export_csv(imported, table.name) == text


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def test_cli_export_edit_import_changes_only_that_amount(tmp_path):
    rules = _copy(tmp_path)
    out = tmp_path / "compensation.csv"
    result = runner.invoke(app, ["rules", "export", "--table", "compensation", "--csv", str(out),
                                 "--dir", str(rules)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("id,when.industry,")
    edited = text.replace("ec-coupon-14d-vip,ec,,{gte: 14},vip,,,,coupon,2000,",
                          "ec-coupon-14d-vip,ec,,{gte: 14},vip,,,,coupon,3000,")
    assert edited != text
    out.write_text(edited, encoding="utf-8")
    result = runner.invoke(app, ["rules", "import", "--table", "compensation", str(out),
                                 "--dir", str(rules)])
    assert result.exit_code == 0, result.output
    changed = {r.id: r.outputs for r in build_ruleset(read_rule_files(rules))
               .table("compensation").rules}
    assert dict(changed["ec-coupon-14d-vip"])["compensation.amount_jpy"] == 3000
    assert "# 補償 (compensation)" in (rules / "30_compensation.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("cell", "ja", "en"), [
    ("3,000", "金額はカンマなしで 3000", "write amounts without commas: 3000"),
    ("３０００", "全角数字", "full-width digits"),
    ("{gte: ", "行目", "not a value"),
], ids=["comma", "zenkaku", "yaml"])
def test_bad_cell_names_the_csv_row_and_column_and_changes_nothing(tmp_path, cell, ja, en):
    rules = _copy(tmp_path)
    before = (rules / "30_compensation.yaml").read_bytes()
    text = export_csv(read_rule_files(rules), "compensation")
    edited = text.replace("ec-coupon-14d-vip,ec,,{gte: 14},vip,,,,coupon,2000,",
                          f'ec-coupon-14d-vip,ec,,{{gte: 14}},vip,,,,coupon,"{cell}",')
    out = tmp_path / "c.csv"
    out.write_text(edited, encoding="utf-8")
    column = "then.compensation.amount_jpy"
    result = runner.invoke(app, ["rules", "import", "--table", "compensation", str(out),
                                 "--dir", str(rules)])
    assert result.exit_code == 1
    assert f"{out}:3: 3 行目 {column} 列: " in result.stderr and ja in result.stderr, \
        result.stderr
    result = runner.invoke(app, ["rules", "import", "--table", "compensation", str(out),
                                 "--dir", str(rules), "--lang", "en"])
    assert f"{out}:3: row 3, column {column}: " in result.stderr and en in result.stderr
    assert (rules / "30_compensation.yaml").read_bytes() == before


def test_unknown_column_is_refused(tmp_path):
    rules = _copy(tmp_path)
    text = export_csv(read_rule_files(rules), "lane").replace("when.industry", "when.industy", 1)
    with pytest.raises(Exception, match="industy"):
        import_csv(read_rule_files(rules), "lane", text, "lane.csv")
