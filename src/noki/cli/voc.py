"""`noki voc ...`: VOC text mining (explanation gaps, topics, spikes) and classifier evaluation."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

voc_app = typer.Typer(help="Customer voices: topics and explanation gaps (説明ギャップ).",
                      no_args_is_help=True)


@voc_app.command("report")
def report_cmd(
    input: Path | None = typer.Option(None, "--input", exists=True, dir_okay=False,
                                      help="Voices as CSV (with header) or JSONL."),
    from_db: bool = typer.Option(False, "--from-db",
                                 help="Include the inquiries stored in the database."),
    since: datetime | None = typer.Option(None, "--since", formats=["%Y-%m-%d"],
                                          help="With --from-db: inquiries received on or after."),
    faq: Path | None = typer.Option(None, "--faq", help="FAQ YAML (default: NOKI_FAQ_PATH)."),
    templates: Path | None = typer.Option(None, "--templates", exists=True, file_okay=False,
                                          help="Notice templates directory (also explanations)."),
    rules: Path | None = typer.Option(None, "--rules", file_okay=False,
                                      help="Rules directory cited by proposals (default rules/)."),
    json_out: Path = typer.Option(..., "--json", help="Where to write the JSON report."),
    html_out: Path = typer.Option(..., "--html", help="Where to write the HTML report."),
) -> None:
    """Classify voices, find topics and spikes, and flag gaps the FAQ/templates do not explain."""
    from noki.cli.context import load_settings
    from noki.voc.html import render_html
    from noki.voc.io import (
        DEFAULT_PROPOSALS,
        VoiceRead,
        load_faq,
        load_proposals,
        load_templates,
        read_voices,
        rule_table_names,
    )
    from noki.voc.report import build_report

    if input is None and not from_db:
        typer.echo("give --input FILE, --from-db, or both", err=True)
        raise typer.Exit(2)
    read = read_voices(input) if input is not None else VoiceRead([], [], [])
    for err in read.errors:
        typer.echo(f"{err} (skipped)", err=True)
    for note in read.warnings:
        typer.echo(str(note), err=True)
    settings = load_settings()
    voices = list(read.voices)
    if from_db:
        from noki.app import AppContext
        from noki.services.inquiries import inquiry_voices

        with AppContext(settings) as ctx:
            stored = inquiry_voices(ctx.engine, since.date() if since else None)
        typer.echo(f"{len(stored)} stored inquiries included", err=True)
        voices += stored
    default_faq = settings.faq_path
    if faq is None and not default_faq.exists():
        typer.echo(f"note: no FAQ at {default_faq}; nothing counts as explained", err=True)
        entries = []
    else:
        entries = load_faq(faq or default_faq)
    template_docs = load_templates(templates) if templates else None
    rules_dir = rules or settings.rules_dir
    evidence = template_docs if template_docs is not None else (
        load_templates(settings.templates_dir) if settings.templates_dir.is_dir() else [])
    from noki.cli.progress import progress_bar

    with progress_bar(f"voc report ({len(voices)} voices)", None):
        report = build_report(
            voices, entries, template_docs,
            proposals=load_proposals(DEFAULT_PROPOSALS) if DEFAULT_PROPOSALS.exists() else None,
            rule_tables=rule_table_names(rules_dir) if rules_dir.is_dir() else (),
            proposal_templates=evidence)
    json_out.parent.mkdir(parents=True, exist_ok=True)
    html_out.parent.mkdir(parents=True, exist_ok=True)
    json_out.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    html_out.write_text(render_html(report), encoding="utf-8")
    flagged = [g.code for g in report.gaps if g.flagged]
    skipped = len({e.line for e in read.errors})
    not_working = [g.code for g in report.gaps if g.explained_not_working]
    typer.echo(f"{len(voices)} voices ({skipped} rows skipped); "
               f"flagged gaps: {', '.join(flagged) or 'none'}; explained, not working: "
               f"{', '.join(not_working) or 'none'}; proposals: {len(report.faq_proposals)} FAQ, "
               f"{len(report.wording_proposals)} wording")
    typer.echo(f"wrote {json_out} and {html_out}")
    if from_db:  # reviewed on the console's FAQ page (marketing / CS supervisors)
        from noki.app import AppContext
        from noki.services.faq_review import import_proposals

        with AppContext(settings) as ctx:
            added = import_proposals(ctx.engine, report.faq_proposals)
        typer.echo(f"{added} new FAQ proposals stored for review (console: /faq)")


@voc_app.command("evaluate")
def evaluate_cmd(
    folds: int = typer.Option(5, "--folds", min=2, help="Cross-validation folds."),
    seed: int = typer.Option(0, "--seed"),
    sample: int = typer.Option(3000, "--sample", min=0,
                               help="Also score N generated sample voices (unseen phrasings)."),
    unseen: bool = typer.Option(True, "--unseen/--no-unseen",
                                help="Also score the hand-written sets in data/voc/eval/."),
) -> None:
    """Cross-validated per-code precision/recall of the classifier, as a Markdown table."""
    from noki.voc.evaluate import cross_validate, score_sample

    result = cross_validate(folds=folds, seed=seed)
    typer.echo(f"{folds}-fold CV over {result.n_examples} labelled voices (data/voc/train/)\n")
    typer.echo("| code | combined P | combined R | model-only P/R | lexicon-only P/R | n |")
    typer.echo("|---|---|---|---|---|---|")
    rows = zip(*(result.variants[k] for k in ("combined", "model_only", "lexicon_only")),
               strict=True)
    for comb, model, lex in rows:
        typer.echo(f"| {comb.code} | {comb.precision:.2f} | {comb.recall:.2f} | "
                   f"{model.precision:.2f}/{model.recall:.2f} | "
                   f"{lex.precision:.2f}/{lex.recall:.2f} | {comb.support} |")
    fpr = result.none_false_positive_rate
    typer.echo(f"\ncode-free voices given a code: combined {fpr['combined']:.1%}, "
               f"model-only {fpr['model_only']:.1%}, lexicon-only {fpr['lexicon_only']:.1%}")
    if sample:
        typer.echo(f"\nGenerated sample voices (n={sample}, seed={seed}, "
                   "phrasings not in training):\n")
        typer.echo("| code | P | R | n |")
        typer.echo("|---|---|---|---|")
        for s in score_sample(sample, seed):
            typer.echo(f"| {s.code} | {s.precision:.2f} | {s.recall:.2f} | {s.support} |")
    if unseen:
        from noki.voc.evaluate import UNSEEN_SETS, score_unseen

        names = UNSEEN_SETS
        results = [score_unseen(name) for name in names]
        typer.echo(f"\nHand-written unseen voices (data/voc/eval/README.md: {names[0]} to "
                   f"{names[-2]} were read while tuning; {names[-1]} stayed closed):\n")
        typer.echo("| code | " + " | ".join(f"{n} P | {n} R" for n in names) + " | n |")
        typer.echo("|---|" + "---|---|" * len(names) + "---|")
        for per_set in zip(*(r.scores for r in results), strict=True):
            cells = " | ".join(f"{s.precision:.2f} | {s.recall:.2f}" for s in per_set)
            support = "/".join(str(s.support) for s in per_set)
            typer.echo(f"| {per_set[0].code} | {cells} | {support} |")
        typer.echo("| macro-F1 | " + " | ".join(f"{r.macro_f1:.3f} | " for r in results) + " |")
        typer.echo("code-free voices given a code: " + ", ".join(
            f"{n} {r.none_false_positive_rate:.1%}" for n, r in zip(names, results, strict=True)))


faq_app = typer.Typer(help="The FAQ answers are drafted from.", no_args_is_help=True)


@faq_app.command("export")
def faq_export(
    output: Path | None = typer.Option(None, "--output", "-o",
                                       help="Write here (default: print to stdout)."),
) -> None:
    """data/faq.yaml with the entries accepted on the console (newest version of each id)."""
    from noki.cli.context import app_context
    from noki.faq.store import load_faq
    from noki.services.faq_review import export_yaml

    with app_context() as ctx:
        entries = ctx.faq.entries()
    text = export_yaml(entries)
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    load_faq(output)  # what we wrote loads back as a valid FAQ file
    typer.echo(f"wrote {len(entries)} FAQ entries to {output}", err=True)


def register(app: typer.Typer) -> None:
    """Add `noki voc` and `noki faq` to the app."""
    app.add_typer(voc_app, name="voc")
    app.add_typer(faq_app, name="faq")
