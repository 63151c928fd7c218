"""Explained-but-not-working gaps, FAQ proposals grounded in rules/templates, wording proposals."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from noki.voc.io import (
    DEFAULT_PROPOSALS,
    DEFAULT_RULES,
    DEFAULT_TEMPLATES,
    load_proposals,
    load_templates,
    rule_table_names,
)
from noki.voc.models import FaqEntry, Voice
from noki.voc.report import build_report
from noki.voc.taxonomy import CODES

START = dt.date(2026, 9, 7)  # a Monday
REDELAY = "お届け予定日がまた延期されました。これで{n}回目です"
INCONSISTENT = "電話で聞いた納期とメールの納期が違う。どっちが本当なの{n}"
NEUTRAL = "とても使いやすい商品でした。ありがとうございます{n}"
REDELAY_FAQ = FaqEntry(id="faq-redelay", question="お届け予定日が再度延期になることはありますか?",
                       answer="理由と新しい予定日をご連絡いたします。")


def rising(text: str, n_early: int, n_late: int) -> list[Voice]:
    """Few voices in the first six weeks, many in the last two (weekly volume kept equal)."""
    out = []
    for week in range(8):
        hits = n_late if week >= 6 else n_early
        for i in range(20):
            day = START + dt.timedelta(weeks=week, days=i % 7)
            body = text.format(n=i) if i < hits else NEUTRAL.format(n=f"{week}-{i}")
            out.append(Voice(id=f"w{week}-{i}", date=day, channel="review", text=body))
    return out


@pytest.fixture(scope="module")
def catalogue():
    return load_proposals(DEFAULT_PROPOSALS)


@pytest.fixture(scope="module")
def templates():
    return load_templates(DEFAULT_TEMPLATES)


def test_catalogue_covers_every_code_and_states_no_order_facts(catalogue):
    assert set(catalogue) == set(CODES)
    facts = re.compile(r"\d{1,2}月\d{1,2}日|[\d,]+円|必ず|保証します")
    assert not [c for c, e in catalogue.items() if facts.search(e["answer"])]


def test_every_shipped_proposal_is_grounded_in_todays_rules_and_templates(catalogue, templates):
    tables = rule_table_names(DEFAULT_RULES)
    for code, entry in catalogue.items():
        for item in entry["evidence"]:
            if "template" in item:
                assert any(item["template"] in t.text for t in templates), (code, item)
            else:
                assert item["rule_table"] in tables, (code, item)


def test_explained_gap_that_keeps_rising_is_reported_as_not_working(catalogue, templates):
    report = build_report(rising(REDELAY, 1, 8), [REDELAY_FAQ], proposals=catalogue,
                          rule_tables=rule_table_names(DEFAULT_RULES),
                          proposal_templates=templates)
    gap = next(g for g in report.gaps if g.code == "repeated_delay")
    assert gap.covered_by == ["faq-redelay"] and not gap.flagged
    assert gap.trend.direction == "rising" and gap.explained_not_working
    wording = [w for w in report.wording_proposals if w.code == "repeated_delay"]
    assert wording and "FAQ に説明はある" in wording[0].reason
    assert not [p for p in report.faq_proposals if p.code == "repeated_delay"]


def test_flat_explained_gap_is_not_flagged_as_not_working(catalogue):
    report = build_report(rising(REDELAY, 5, 5), [REDELAY_FAQ], proposals=catalogue)
    gap = next(g for g in report.gaps if g.code == "repeated_delay")
    assert gap.trend.direction == "stable" and not gap.explained_not_working


def test_flagged_gap_gets_a_grounded_faq_proposal_with_its_quotes(catalogue, templates):
    report = build_report(rising(INCONSISTENT, 4, 6), [], proposals=catalogue,
                          rule_tables=rule_table_names(DEFAULT_RULES),
                          proposal_templates=templates)
    proposal = next(p for p in report.faq_proposals if p.code == "inconsistent_info")
    assert proposal.grounded and proposal.evidence and not proposal.missing
    assert proposal.quotes and all("納期" in q.text for q in proposal.quotes)
    assert proposal.question == catalogue["inconsistent_info"]["question"]


def test_missing_evidence_makes_a_proposal_ungrounded(catalogue):
    report = build_report(rising(INCONSISTENT, 4, 6), [], proposals=catalogue, rule_tables=(),
                          proposal_templates=[])
    proposal = next(p for p in report.faq_proposals if p.code == "inconsistent_info")
    assert not proposal.grounded and proposal.missing


def test_bad_catalogue_is_rejected_with_the_code(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("not_a_code:\n  question: q\n  answer: a\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not_a_code: unknown gap code"):
        load_proposals(path)
    path.write_text("eta_vague:\n  question: q\n", encoding="utf-8")
    with pytest.raises(ValueError, match="eta_vague: missing answer"):
        load_proposals(path)


def test_the_make_run_report_shows_a_faq_proposal_and_an_explained_gap_not_working(tmp_path):
    # The report `make run` writes (sample voices, the shipped FAQ, rules and templates).
    import json

    from noki.voc.demo import write_sample_report

    doc = json.loads(write_sample_report(tmp_path).with_name("voc-report.json").read_text())
    gaps = {g["code"]: g for g in doc["gaps"]}
    assert gaps["repeated_delay"]["explained_not_working"]  # 説明あり, yet rising
    assert doc["faq_proposals"] and doc["faq_proposals"][0]["grounded"]
    assert doc["faq_proposals"][0]["quotes"]
    # A FAQ entry about calling a person does not claim to explain inconsistent information.
    assert "faq-contact-person" not in gaps["inconsistent_info"]["covered_by"]
    assert {t["group"] for t in doc["topics"]} == {"delivery", "product"}
