"""FAQ and notice-wording proposals for the gaps a report flags (or that are explained but not
working), grounded in the current rules and templates and carrying the quotes behind them."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from noki.voc.models import ExplanationDoc, FaqProposal, Gap, WordingProposal

# A proposed answer is general: the order's own dates and amounts come from its decision.
_FACT = re.compile(r"\d{1,2}月\d{1,2}日|\d{4}[/-]\d{1,2}|[\d,]+円|必ず|保証します|お約束")


def _evidence(spec: Sequence[Mapping[str, str]], templates: Sequence[ExplanationDoc],
              rule_tables: Collection[str]) -> tuple[list[str], list[str]]:
    found: list[str] = []
    missing: list[str] = []
    for item in spec:
        if "template" in item:
            phrase = item["template"]
            names = [t.id for t in templates if phrase in t.text]
            (found if names else missing).append(
                f"テンプレート「{phrase}」" + (f"({', '.join(names[:3])})" if names else ""))
        elif "rule_table" in item:
            name = item["rule_table"]
            (found if name in rule_tables else missing).append(f"判断テーブル {name}")
    return found, missing


def propose(gaps: Sequence[Gap], catalogue: Mapping[str, Mapping[str, Any]],
            templates: Sequence[ExplanationDoc], rule_tables: Collection[str],
            template_coverage: Mapping[str, Sequence[str]] | None = None,
            ) -> tuple[list[FaqProposal], list[WordingProposal]]:
    """Proposals for flagged and explained-but-not-working gaps.

    catalogue: data/voc/proposals.yaml; templates: the notice templates as text (evidence);
    template_coverage: code -> templates that explain it (from the report's explanations).
    """
    faq_out: list[FaqProposal] = []
    wording_out: list[WordingProposal] = []
    coverage = template_coverage or {}
    for gap in gaps:
        if not (gap.flagged or gap.explained_not_working):
            continue
        entry = catalogue.get(gap.code)
        if entry is None:
            continue
        reason = "flagged" if gap.flagged else "explained_not_working"
        found, missing = _evidence(entry.get("evidence") or [], templates, rule_tables)
        if _FACT.search(str(entry["answer"])):
            missing.append("回答に日付・金額・約束が含まれています")
        if gap.flagged:
            faq_out.append(FaqProposal(
                id=f"faq-{gap.code.replace('_', '-')}", code=gap.code,
                question=str(entry["question"]), answer=str(entry["answer"]), quotes=gap.quotes,
                evidence=found, missing=missing, grounded=not missing, reason=reason))
        uncovered = [t.id for t in templates if t.id not in set(coverage.get(gap.code, ()))]
        if templates and uncovered and entry.get("wording"):
            why = "お知らせのテンプレートが説明していない"
            if reason == "explained_not_working":
                why = "FAQ に説明はあるが割合が増えている: お知らせの文面で伝える"
            wording_out.append(WordingProposal(code=gap.code, templates=uncovered,
                                               proposal=str(entry["wording"]), reason=why))
    return faq_out, wording_out
