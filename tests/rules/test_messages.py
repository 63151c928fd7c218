"""Messages a rule author understands: Japanese by default, `--lang en`, file:line, hints."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from noki.cli.main import app
from tests.rules.conftest import RULES_DIR

runner = CliRunner()


def _broken(tmp_path: Path, name: str, old: str, new: str) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    path = target / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def _check(rules: Path, *extra: str, env_dir: bool = False,
           monkeypatch: pytest.MonkeyPatch | None = None) -> list[str]:
    args = ["rules", "check", "--no-smoke", *extra]
    if env_dir:
        assert monkeypatch is not None
        monkeypatch.setenv("NOKI_RULES_DIR", str(rules))
    else:
        args[2:2] = ["--dir", str(rules)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    return [line for line in result.stderr.splitlines() if ".yaml:" in line]


CASES = [
    # (file, old, new, Japanese, English, line of the slip)
    ("20_lane.yaml", "then: {lane: standard}", "then: {lane: standrd}",
     "値 'standrd' は使えません。使える値: priority, expedite, standard のいずれか "
     "(もしかして 'standard' ですか?)", "(did you mean 'standard'?)"),
    ("30_compensation.yaml", "compensation.amount_jpy: 2000}", "compensation.amount_jpy: ３０００}",
     "(全角数字が含まれています: 半角の 0-9 で書いてください)", "(full-width digits: use 0-9)"),
    ("30_compensation.yaml", "compensation.amount_jpy: 2000}", "compensation.amount_jpy: 3,000}",
     "金額にカンマがあります: 3000 と書いてください", "amount written with a comma: write 3000"),
    ("30_compensation.yaml", "    hit_policy: first", "\u3000\u3000hit_policy: first",
     "字下げに全角スペースが使われています", "indentation uses a full-width space"),
    ("30_compensation.yaml", "    hit_policy: first", "    hit_polcy: first",
     "(もしかして 'hit_policy' ですか?)", "(did you mean 'hit_policy'?)"),
    ("30_compensation.yaml", "      delay_days: {min: 0}", "      delay_dys: {min: 0}",
     "入力 delay_dys は存在しません", "(did you mean 'delay_days'?)"),
]


@pytest.mark.parametrize(("name", "old", "new", "ja", "en"), CASES,
                         ids=["value", "zenkaku-digits", "comma-amount", "zenkaku-space",
                              "table-key", "input-name"])
def test_japanese_by_default_english_on_request_with_file_and_line(tmp_path, name, old, new,
                                                                    ja, en):
    rules = _broken(tmp_path, name, old, new)
    text = (rules / name).read_text(encoding="utf-8")
    line = text[: text.index(new)].count("\n") + 1
    japanese = _check(rules)
    assert any(ja in m for m in japanese), japanese
    assert any(m.startswith(f"{rules / name}:{line}: ") for m in japanese), japanese
    english = _check(rules, "--lang", "en")
    assert any(en in m for m in english) and not any(ja in m for m in english), english


def test_the_path_printed_is_the_folder_read_from_noki_rules_dir(tmp_path, monkeypatch):
    rules = _broken(tmp_path, "20_lane.yaml", "then: {lane: standard}", "then: {lane: slow}")
    messages = _check(rules, env_dir=True, monkeypatch=monkeypatch)
    assert messages and all(m.startswith(f"{rules / '20_lane.yaml'}:") for m in messages)


@pytest.mark.parametrize(("name", "old", "new"), [
    ("00_vocabulary.yaml", "  lane:", "\u3000lane:"),
    ("00_vocabulary.yaml", "vocabulary:\n", "vocabulary: [\n"),
    ("60_update_schedule.yaml", "tables:", "tables: ["),
], ids=["vocabulary-zenkaku", "vocabulary-yaml", "intermediate-outputs-yaml"])
def test_one_broken_file_does_not_cascade_into_the_others(tmp_path, name, old, new):
    rules = _broken(tmp_path, name, old, new)
    messages = _check(rules)
    assert messages and {m.split(":", 1)[0] for m in messages} == {str(rules / name)}, messages


def test_one_typo_in_an_input_is_one_error_per_field_not_one_per_row(tmp_path):
    rules = _broken(tmp_path, "30_compensation.yaml", "      delay_days: {min: 0}",
                    "      delay_dys: {min: 0}")
    messages = _check(rules)
    assert sum("delay_days は表 compensation の入力" in m for m in messages) == 1, messages
