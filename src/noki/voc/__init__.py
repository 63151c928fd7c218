"""VOC text mining: customer voices -> topics and explanation gaps (説明ギャップ).

Pure API (no files, no network; the web console can call it directly):

    from noki.voc import build_report, render_html, Voice, FaqEntry, ExplanationDoc
    report = build_report(voices, faq_entries, template_docs=None)  # -> VocReport (pydantic)
    html = render_html(report)                                      # -> str, self-contained page

- `voices`: list[Voice] (id, date, channel, text, order_id?, sku_id?).
- `faq_entries`: list[FaqEntry] (data/faq.yaml format); `template_docs`: list[ExplanationDoc]
  or None (None: only the FAQ counts as an explanation).
- `report.model_dump_json()` is the OUT.json of `noki voc report`.

File readers live in `noki.voc.io` (read_voices, load_faq, load_templates); the shipped
resources (training data, lexicon, stopwords, compounds) in data/voc/ via `noki.voc.resources`.
`noki.voc.demo.write_sample_report(out_dir)` writes the sample report used by `make run`.
"""

from __future__ import annotations

from noki.voc.html import render_html
from noki.voc.models import ExplanationDoc, FaqEntry, Gap, Topic, VocReport, Voice
from noki.voc.report import build_report
from noki.voc.taxonomy import CODES, GAP_CODES

__all__ = [
    "CODES",
    "GAP_CODES",
    "ExplanationDoc",
    "FaqEntry",
    "Gap",
    "Topic",
    "VocReport",
    "Voice",
    "build_report",
    "render_html",
]
