"""End to end: `noki voc report` and `noki sample voices` through the real CLI app."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from noki.cli.main import app

FAQ_YAML = """\
- id: faq-eta
  question: 入荷予定日はいつ分かりますか?
  answer: >-
    入荷予定日が確定しましたら、お届け予定日をメールでお知らせします。
    未定の場合も目安をご案内します。
  category: delivery
- id: faq-wrap
  question: ギフト包装はできますか?
  answer: ご注文時にオプションからお選びいただけます。
"""
CSV = """\
id,date,channel,text,order_id,sku_id
a1,2026-11-02,review,入荷予定が未定のままで、いつ届くのか目安も分からない,O-1,S-1
a2,2026-13-40,sns,日付が壊れている行,O-2,
a3,2026-11-03,chat,,O-3,
a4,2026-11-04,call,"発注してから音沙汰がなく
連絡が全くありません",,
a5,2026-11-05T09:30:00+09:00,email,お届け予定日がまた延期されました。これで三回目です,,
"""


def run(tmp_path: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


def test_report_skips_bad_rows_with_line_numbers_and_keeps_the_rest(tmp_path: Path) -> None:
    src = tmp_path / "voices.csv"
    src.write_text(CSV, encoding="utf-8")
    faq = tmp_path / "faq.yaml"
    faq.write_text(FAQ_YAML, encoding="utf-8")
    out_json, out_html = tmp_path / "out" / "r.json", tmp_path / "out" / "r.html"
    result = run(tmp_path, "voc", "report", "--input", str(src), "--faq", str(faq),
                 "--json", str(out_json), "--html", str(out_html))
    assert result.exit_code == 0, result.output
    assert "line 3: date:" in result.stderr
    assert "line 4: text: no text" in result.stderr
    report = json.loads(out_json.read_text(encoding="utf-8"))
    assert [d["id"] for d in report["docs"]] == ["a1", "a4", "a5"]
    assert {"docs", "gaps", "topics", "spikes"} <= report.keys()
    fields = {"code", "label", "count", "share", "trend", "covered_by", "flagged", "examples",
              "suggestion"}
    assert len(report["gaps"]) == 8 and all(fields <= g.keys() for g in report["gaps"])
    by_code = {g["code"]: g for g in report["gaps"]}
    assert by_code["eta_vague"]["covered_by"] == ["faq-eta"]
    assert "a1" in by_code["eta_vague"]["examples"]
    docs = {d["id"]: d["categories"] for d in report["docs"]}
    assert "no_update" in docs["a4"] and "repeated_delay" in docs["a5"]
    assert out_html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_reads_jsonl_and_templates(tmp_path: Path) -> None:
    src = tmp_path / "voices.jsonl"
    rows = [{"id": f"v{i}", "date": f"2026-10-{i % 28 + 1:02d}", "channel": "sns",
             "text": "キャンセルしたいのに手続きの方法が分からない。返金はいつ?"}
            for i in range(12)]
    rows.append({"id": "bad", "date": "yesterday", "channel": "sns", "text": "x"})
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    src.write_text("\n".join(lines) + "\n{oops\n", encoding="utf-8")
    tpl = tmp_path / "templates" / "notice"
    tpl.mkdir(parents=True)
    (tpl / "email_ec.txt.j2").write_text(
        "{{ name }} 様\n{% if x %}キャンセルをご希望の場合はマイページから手続きできます。"
        "返金は5営業日以内に行います。{% endif %}", encoding="utf-8")
    empty_faq = tmp_path / "faq.yaml"
    empty_faq.write_text("[]\n", encoding="utf-8")
    out_json = tmp_path / "r.json"
    result = run(tmp_path, "voc", "report", "--input", str(src), "--faq", str(empty_faq),
                 "--templates", str(tmp_path / "templates"), "--json", str(out_json),
                 "--html", str(tmp_path / "r.html"))
    assert result.exit_code == 0, result.output
    assert "line 13: date:" in result.stderr and "line 14: (json)" in result.stderr
    cancel = next(g for g in json.loads(out_json.read_text())["gaps"]
                  if g["code"] == "cancel_refund_process")
    assert cancel["count"] == 12
    assert cancel["covered_by"] == ["notice/email_ec.txt.j2"] and not cancel["flagged"]


def test_sample_voices_are_deterministic_jsonl(tmp_path: Path) -> None:
    out = tmp_path / "v.jsonl"
    first = run(tmp_path, "sample", "voices", "--n", "50", "--seed", "3", "-o", str(out))
    assert first.exit_code == 0, first.output
    lines = out.read_text(encoding="utf-8").splitlines()
    again = run(tmp_path, "sample", "voices", "--n", "50", "--seed", "3")
    assert again.stdout.splitlines() == lines
    docs = [json.loads(line) for line in lines]
    assert len(docs) == 50 and {"id", "date", "channel", "text"} <= docs[0].keys()
    assert {d["channel"] for d in docs} <= {"email", "review", "sns", "call", "chat"}


def test_sample_voices_differ_from_the_training_data() -> None:
    from noki.sample.voices import sample_voices
    from noki.voc.resources import training_examples

    known = {e.text for e in training_examples()}
    assert not known & {v["text"] for v in sample_voices(3000, 0)}
