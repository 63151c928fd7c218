"""The VOC report from stored inquiries beside imported voice files, written where the console
reads it; its FAQ proposals are stored for review on the console."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from noki.app import AppContext
from noki.services.faq_review import import_proposals
from noki.services.inquiries import inquiry_voices
from noki.voc.models import FaqEntry as VocFaqEntry
from noki.voc.models import VocReport, Voice

VOICES_FILES = ("voices.jsonl", "voices.csv")  # imported voice files the console includes


def imported_voices(folder: Path) -> list[Voice]:
    """Voices from the files placed in NOKI_VOC_DIR (bad rows are skipped, as the CLI does)."""
    from noki.voc.io import read_voices

    out: list[Voice] = []
    for name in VOICES_FILES:
        if (folder / name).exists():
            out += read_voices(folder / name).voices
    return out


def build_from_db(ctx: AppContext, voices: list[Voice], *,
                  since: dt.date | None = None) -> tuple[VocReport, int]:
    """The report over `voices` plus the stored inquiries (FAQ = file + accepted entries);
    returns it with the number of new FAQ proposals stored for review."""
    from noki.voc.io import DEFAULT_PROPOSALS, load_proposals, load_templates, rule_table_names
    from noki.voc.report import build_report

    s = ctx.settings
    all_voices = [*voices, *inquiry_voices(ctx.engine, since)]
    entries = [VocFaqEntry.model_validate(e.model_dump()) for e in ctx.faq.entries()]
    templates = load_templates(s.templates_dir) if s.templates_dir.is_dir() else []
    report = build_report(
        all_voices, entries, None,
        proposals=load_proposals(DEFAULT_PROPOSALS) if DEFAULT_PROPOSALS.exists() else None,
        rule_tables=rule_table_names(s.rules_dir) if s.rules_dir.is_dir() else (),
        proposal_templates=templates)
    return report, import_proposals(ctx.engine, report.faq_proposals)


def refresh_console_report(ctx: AppContext) -> tuple[VocReport, int]:
    """Rebuild the console's report (NOKI_VOC_DIR) from imported voice files + inquiries."""
    from noki.voc.html import render_html

    folder = ctx.settings.voc_dir
    report, added = build_from_db(ctx, imported_voices(folder))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "voc-report.json").write_text(report.model_dump_json(indent=2), encoding="utf-8")
    (folder / "voc-report.html").write_text(render_html(report), encoding="utf-8")
    return report, added
