"""Sample VOC report for `make run`: generate voices, build the report, write JSON and HTML."""

from __future__ import annotations

from pathlib import Path

from noki.voc.html import render_html
from noki.voc.io import (
    DEFAULT_FAQ,
    DEFAULT_PROPOSALS,
    DEFAULT_RULES,
    DEFAULT_TEMPLATES,
    load_faq,
    load_proposals,
    load_templates,
    rule_table_names,
)
from noki.voc.models import Voice
from noki.voc.report import build_report

DEMO_VOICES = 2000
DEMO_SEED = 42


def write_sample_report(out_dir: Path, *, n: int = DEMO_VOICES, seed: int = DEMO_SEED,
                        faq_path: Path | None = None) -> Path:
    """Write voc-voices.jsonl, voc-report.json and voc-report.html into out_dir; return the HTML."""
    from noki.sample.voices import sample_voices

    out_dir.mkdir(parents=True, exist_ok=True)
    raw = list(sample_voices(n, seed))
    (out_dir / "voc-voices.jsonl").write_text(
        "".join(Voice.model_validate(v).model_dump_json() + "\n" for v in raw), encoding="utf-8")
    faq = faq_path or DEFAULT_FAQ
    entries = load_faq(faq) if faq.exists() else []
    report = build_report(
        [Voice.model_validate(v) for v in raw], entries,
        proposals=load_proposals(DEFAULT_PROPOSALS) if DEFAULT_PROPOSALS.exists() else None,
        rule_tables=rule_table_names(DEFAULT_RULES) if DEFAULT_RULES.is_dir() else (),
        proposal_templates=load_templates(DEFAULT_TEMPLATES) if DEFAULT_TEMPLATES.is_dir() else [])
    (out_dir / "voc-report.json").write_text(report.model_dump_json(indent=2), encoding="utf-8")
    html = out_dir / "voc-report.html"
    html.write_text(render_html(report), encoding="utf-8")
    return html
