"""`noki demo`: the main job behind `make run` - decide, draft, mine VOC, start the console."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import typer

from noki.app import AppContext
from noki.domain.decision import Decision
from noki.domain.order import Order


def summary_table(orders: list[Order], decisions: list[Decision], seconds: float) -> str:
    """A plain-text summary of many decisions (counts, money, routing)."""
    n = len(decisions)
    lines = [f"{n} orders decided in {seconds:.2f} s ({n / seconds:,.0f} decisions/s), "
             f"rules_version {decisions[0].rules_version if decisions else '-'}", ""]

    def block(title: str, counter: Counter[str]) -> None:
        lines.append(title)
        for key, count in counter.most_common():
            lines.append(f"  {key:28} {count:>6} {100 * count / n:>6.1f}%")
        lines.append("")

    block("industry", Counter(o.industry for o in orders))
    block("lane", Counter(d.lane for d in decisions))
    block("segment", Counter(d.segment for d in decisions))
    comp = Counter(d.compensation.type for d in decisions)
    money: Counter[str] = Counter()
    for d in decisions:
        money[d.compensation.type] += d.compensation.amount_jpy or 0
    lines.append("compensation                    orders      yen")
    for key, count in comp.most_common():
        lines.append(f"  {key:28} {count:>6} {money[key]:>12,}")
    lines.append(f"  {'total':28} {n:>6} {sum(money.values()):>12,}")
    lines.append("")
    block("approval", Counter(d.approval for d in decisions))
    block("channel", Counter(d.channel for d in decisions))
    block("human follow-up", Counter(str(d.human_followup).lower() for d in decisions))
    block("options offered", Counter(o for d in decisions for o in d.options))
    return "\n".join(lines)


def demo(
    orders: int = typer.Option(1000, "--orders", min=1, help="Sample orders to generate."),
    seed: int = typer.Option(1, "--seed", help="Sample data seed."),
    out: Path = typer.Option(Path("var/demo"), "--out", help="Where to write the demo files."),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Start the console at the end."),
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
) -> None:
    """Generate sample data, decide and summarise it, draft notices, write the VOC report,
    then load it all into the review console and serve it."""
    from noki.cli.context import app_context
    from noki.drafting.demo import format_examples, pick_examples
    from noki.sample.orders import sample_orders
    from noki.voc.demo import write_sample_report

    out.mkdir(parents=True, exist_ok=True)
    docs = list(sample_orders(orders, seed))
    (out / "orders.jsonl").write_text(
        "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    parsed = [Order.model_validate(d) for d in docs]
    ctx = app_context()
    store = ctx.rules
    start = time.perf_counter()
    decisions = [store.decide(o) for o in parsed]
    seconds = time.perf_counter() - start
    (out / "decisions.jsonl").write_text(
        "".join(d.model_dump_json() + "\n" for d in decisions), encoding="utf-8")
    typer.echo("== 1. Decide " + "=" * 58)
    typer.echo(summary_table(parsed, decisions, seconds))
    typer.echo(f"orders: {out / 'orders.jsonl'}   decisions: {out / 'decisions.jsonl'}\n")

    typer.echo("== 2. Communicate: a few drafted notices " + "=" * 30)
    typer.echo(format_examples(pick_examples(parsed, store.decide, n=4), store.decide,
                               ctx.drafter.template))

    typer.echo("== 3. Learn: VOC explanation gaps " + "=" * 37)
    # Into the console's VOC folder, so marketing sees the same report on /voc.
    report = write_sample_report(ctx.settings.voc_dir, faq_path=ctx.settings.faq_path)
    typer.echo(f"VOC report: {report.resolve()}")
    typer.echo(_faq_proposal(report.with_name("voc-report.json")))

    typer.echo("== 3b. Customer replies (inquiries), one per intent " + "=" * 19)
    from noki.faq import FaqIndex, load_faq
    from noki.inbound.demo import format_processed, process_demo_replies

    typer.echo(format_processed(process_demo_replies(
        parsed, store.decide, FaqIndex(load_faq(ctx.settings.faq_path)))) + "\n")

    try:
        if serve:
            _serve(ctx, host, port, orders, seed)
    finally:
        ctx.close()


def _faq_proposal(report_json: Path) -> str:
    """The first FAQ proposal of the VOC report, as marketing would read it."""
    doc = json.loads(report_json.read_text(encoding="utf-8"))
    proposals = doc.get("faq_proposals") or []
    if not proposals:
        return "no FAQ proposal (no gap is flagged)\n"
    p = proposals[0]
    quotes = "\n".join(f"    「{q['text']}」" for q in p["quotes"][:2])
    return (f"FAQ proposal for {p['code']} ({'grounded' if p['grounded'] else 'NOT grounded'}: "
            f"{', '.join(p['evidence'])}):\n  Q. {p['question']}\n  A. {p['answer']}\n"
            f"  customers said:\n{quotes}\n")


def _store_faq_proposal(ctx: AppContext, report_json: Path) -> str:
    """One FAQ proposal of the VOC report for review on the console (/faq)."""
    from noki.services.faq_review import import_proposals
    from noki.voc.models import FaqProposal

    if not report_json.exists():
        return "no VOC report: no FAQ proposal on the console"
    doc = json.loads(report_json.read_text(encoding="utf-8"))
    proposals = [FaqProposal.model_validate(p) for p in (doc.get("faq_proposals") or [])[:1]]
    added = import_proposals(ctx.engine, proposals)
    return f"FAQ proposals for review on the console (/faq, marketing): {added} new"


def _serve(ctx: AppContext, host: str, port: int, orders: int, seed: int) -> None:
    import uvicorn

    from noki.services.demo import seed_demo
    from noki.web.app import create_app

    settings = ctx.settings
    typer.echo("== 4. Review console " + "=" * 50)
    typer.echo(f"loading {orders} sample orders into {settings.database_url} ...")
    accounts, report = seed_demo(ctx, n_orders=orders, seed=seed)
    typer.echo(f"ingested: {report.created} new, {report.updated} updated, "
               f"{report.drafted} drafts waiting for review")
    from noki.services.kpi.demo import seed_kpi_demo

    kpi = seed_kpi_demo(ctx)
    typer.echo(f"KPI demo: {kpi.get('events', 0)} lifecycle events applied (every state); "
               f"SKU {kpi.get('sku')} slipped 3 times -> {kpi.get('pending', 0)} sales-control "
               "recommendations await approval on /sales-control; KPIs on /kpi")
    from noki.services.inquiries import seed_demo_inquiries

    received = seed_demo_inquiries(ctx.engine, faq=ctx.faq.index())
    typer.echo(f"inquiries: {sum(r.created for r in received)} customer replies stored "
               f"(one per intent; their answer drafts wait in the review queue, kind answer)")
    typer.echo(_store_faq_proposal(ctx, settings.voc_dir / "voc-report.json"))
    from noki.services.demo_lifecycle import seed_lifecycle

    moved, link = seed_lifecycle(ctx)
    typer.echo("lifecycle: " + ", ".join(f"{state} {oid}" for state, oid in moved.items()))
    if link:
        default = "http://127.0.0.1:8000/"
        if link.startswith(default):  # the default base follows the port served here
            link = f"http://{host}:{port}/" + link[len(default):]
        typer.echo(f"customer self-service page (no login): {link}")
    typer.echo(f"\nconsole: http://{host}:{port}/   (Ctrl-C to stop)")
    typer.echo("demo accounts (user / password / role):")
    for a in accounts:
        typer.echo(f"  {a.username:11} {a.password:16} {a.role}")
    typer.echo(f"approved notices are written to {settings.outbox_dir}/\n")
    uvicorn.run(create_app(ctx), host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add `noki demo` to the app."""
    app.command("demo")(demo)
