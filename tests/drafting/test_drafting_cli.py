"""`noki draft`, `noki check-draft` and `noki answer` (interface contract of issue 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from draft_helpers import model_reply_for
from llm_stub_server import StubReply, StubServer
from typer.testing import CliRunner

from noki.cli.main import app
from noki.domain.order import Order
from noki.drafting.settings import NoticeSettings
from noki.rules.store import RuleStore
from noki.sample.orders import sample_orders

runner = CliRunner()

decide = RuleStore().decide  # the shipped rules


@pytest.fixture
def order_file(tmp_path):
    doc = next(d for d in sample_orders(50, seed=3) if d["industry"] == "ec")
    path = tmp_path / "order.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_draft_json_has_the_contract_fields(order_file):
    result = runner.invoke(app, ["draft", "--order", str(order_file), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {"channel", "subject", "body", "drafter", "check"} <= set(doc)
    assert {"ok", "violations"} <= set(doc["check"])
    assert doc["drafter"] == "template" and doc["check"]["ok"] is True


def test_draft_channel_option_and_plain_output(order_file):
    result = runner.invoke(app, ["draft", "--order", str(order_file), "--channel", "sms"])
    assert result.exit_code == 0
    assert "件名" not in result.stdout and len(result.stdout.strip()) <= 140


def test_check_draft_round_trip_and_violation(order_file, tmp_path):
    plain = runner.invoke(app, ["draft", "--order", str(order_file), "--channel", "email"]).stdout
    good = tmp_path / "good.txt"
    good.write_text(plain, encoding="utf-8")
    ok = runner.invoke(app, ["check-draft", "--order", str(order_file), "--text", str(good),
                             "--channel", "email"])
    assert ok.exit_code == 0 and json.loads(ok.stdout) == {"ok": True, "violations": []}
    bad = tmp_path / "bad.txt"
    bad.write_text(plain + "\n今なら1万円のクーポンを必ずお届けします。\n", encoding="utf-8")
    ng = runner.invoke(app, ["check-draft", "--order", str(order_file), "--text", str(bad),
                             "--channel", "email"])
    doc = json.loads(ng.stdout)
    assert ng.exit_code == 1 and doc["ok"] is False
    assert {"wrong_amount", "guarantee_wording"} <= {v["code"] for v in doc["violations"]}
    assert all(set(v) == {"code", "detail"} for v in doc["violations"])


def test_invalid_order_is_reported_by_line(tmp_path):
    path = tmp_path / "order.json"
    path.write_text('{"order_id": "X", "industry": "shop"}', encoding="utf-8")
    result = runner.invoke(app, ["draft", "--order", str(path)])
    assert result.exit_code == 1
    assert "line 1: industry: unknown value 'shop'" in result.stderr


def test_answer_command(order_file):
    args = ["answer", "--order", str(order_file), "--question", "いつ届きますか？", "--json"]
    result = runner.invoke(app, args)
    doc = json.loads(result.stdout)
    assert result.exit_code == 0 and doc["faq_id"] == "faq-eta-when"
    assert doc["draft"]["check"]["ok"] is True


def test_llm_drafter_from_environment(order_file, monkeypatch):
    order = Order.model_validate_json(order_file.read_text(encoding="utf-8"))
    decision = decide(order)
    with StubServer() as stub:
        stub.queue(StubReply(content=model_reply_for(order, decision, channel="email")))
        env = {"NOKI_LLM_BASE_URL": stub.url, "NOKI_LLM_MODEL": "stub-model",
               "NOKI_LLM_API_KEY": "sk-test", "NOKI_LLM_MAX_RETRIES": "0",
               # model_reply_for writes the drafting defaults' link: the app must know its host.
               "NOKI_NOTICE_SELF_SERVICE_URL": NoticeSettings().self_service_url}
        result = runner.invoke(app, ["draft", "--order", str(order_file), "--drafter", "llm",
                                     "--channel", "email", "--json"], env=env)
    doc = json.loads(result.stdout)
    assert result.exit_code == 0, result.output
    assert doc["drafter"] == "llm" and doc["model"] == "stub-model"
    assert doc["prompt_name"] == "notice_draft" and doc["token_usage"]["total_tokens"] == 200


def test_llm_drafter_unconfigured_is_a_clear_error(order_file, monkeypatch):
    for var in ("NOKI_LLM_MODEL", "NOKI_LLM_BASE_URL", "OPENAI_BASE_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    result = runner.invoke(app, ["draft", "--order", str(order_file), "--drafter", "llm"])
    assert result.exit_code == 2 and "LLM not configured" in result.stderr


def test_on_time_order_gets_no_notice(tmp_path):
    import yaml

    docs = yaml.safe_load((Path(__file__).parent / "corpus" / "orders.yaml").read_text())
    path = tmp_path / "order.json"
    path.write_text(json.dumps(docs["ec_ontime"]))
    result = CliRunner().invoke(app, ["draft", "--order", str(path), "--json"])
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert out["notice_purpose"] == "none" and out["draft"] is None
    path.write_text(json.dumps(docs["ec_late_past"]))
    result = CliRunner().invoke(app, ["draft", "--order", str(path), "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["check"]["ok"]


def test_check_draft_json_reports_new_codes_and_judges_the_sending_day(tmp_path):
    import yaml

    docs = yaml.safe_load((Path(__file__).parent / "corpus" / "orders.yaml").read_text())
    order = tmp_path / "order.json"
    order.write_text(json.dumps(docs["ec_late_past"]))
    text = tmp_path / "draft.txt"
    text.write_text("【のきストア】山田様 お届けは12月5日～7日の見込みです。申し訳ありません。"
                    "https://nk.example/s/a1B2")
    run = CliRunner().invoke
    ok = run(app, ["check-draft", "--order", str(order), "--text", str(text), "--channel",
                   "sms", "--json"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["ok"]
    # Read on 12/6 the window has begun: the same text now starts in the past.
    late = run(app, ["check-draft", "--order", str(order), "--text", str(text), "--channel",
                     "sms", "--json", "--today", "2026-12-06"])
    codes = {v["code"] for v in json.loads(late.stdout)["violations"]}
    assert late.exit_code == 1 and "range_starts_in_past" in codes
    bad = run(app, ["check-draft", "--order", str(order), "--text", str(text), "--today", "12/6"])
    assert bad.exit_code == 2
