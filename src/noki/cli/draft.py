"""CLI commands: draft, check-draft, answer (issue 4)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from noki.drafting.lifecycle_notice import LifecycleNotice

from noki.app import AppContext
from noki.cli.context import app_context
from noki.domain.decision import Decision
from noki.domain.draft import Draft
from noki.domain.order import Order
from noki.drafting.templates import default_channel
from noki.io.jsonl import LineError, parse_models

SUBJECT_PREFIXES = ("件名:", "件名：", "Subject:")
CHANNEL_HELP = "email or sms (default: the decision's channel)."
TEXT_HELP = "Draft text file; a first line '件名: ...' is the e-mail subject."


class ChannelOpt(StrEnum):
    """Notice channel."""

    email = "email"
    sms = "sms"


class DrafterOpt(StrEnum):
    """Which drafter writes the notice."""

    template = "template"
    llm = "llm"


def _read(path: Path) -> str:
    return sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")


def _load_order(ctx: AppContext, path: Path) -> tuple[Order, Decision]:
    """The first valid order in the file and its decision; bad input exits 1 with line errors."""
    try:
        text = _read(path)
    except OSError as exc:
        typer.echo(f"{path}: {exc.strerror}", err=True)
        raise typer.Exit(2) from exc
    for item in parse_models(text, Order):
        if isinstance(item, LineError):
            typer.echo(str(item), err=True)
            continue
        return item.value, ctx.rules.decide(item.value)
    typer.echo(f"{path}: no valid order", err=True)
    raise typer.Exit(1)


def _split_subject(text: str) -> tuple[str | None, str]:
    """A first line 「件名: ...」 is the subject; the rest is the body."""
    first, _, rest = text.partition("\n")
    for prefix in SUBJECT_PREFIXES:
        if first.startswith(prefix):
            return first[len(prefix):].strip(), rest.lstrip("\n")
    return None, text


def _draft(ctx: AppContext, order: Order, decision: Decision, channel: str | None,
           model: bool) -> Draft:
    drafter = ctx.drafter
    if not model:
        return drafter.template.draft(
            order, decision, channel or default_channel(decision)  # type: ignore[arg-type]
        )
    if not drafter.uses_model:
        typer.echo("LLM not configured: set NOKI_LLM_MODEL and NOKI_LLM_BASE_URL "
                   "(or OPENAI_BASE_URL / OPENAI_API_KEY)", err=True)
        raise typer.Exit(2)
    return drafter.draft(order, decision, channel=channel)  # type: ignore[arg-type]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""

    @app.command("draft")
    def draft_cmd(
        order_path: Path = typer.Option(..., "--order", help="Order JSON ('-' = stdin)."),
        channel: ChannelOpt | None = typer.Option(None, "--channel", help=CHANNEL_HELP),
        drafter: DrafterOpt = typer.Option(DrafterOpt.template, "--drafter"),
        as_json: bool = typer.Option(False, "--json", help="Print the draft as JSON."),
    ) -> None:
        """Decide the order and print its delay notice (checked against the decision)."""
        with app_context() as ctx:
            order, decision = _load_order(ctx, order_path)
            chosen = channel.value if channel else None
            if decision.notice_purpose == "none":  # on time: nothing to write (exit 0)
                message = "約束納期に間に合う見込みのため、遅延のお知らせは不要です"
                if as_json:
                    typer.echo(json.dumps({"order_id": order.order_id, "notice_purpose": "none",
                                           "draft": None, "message": message},
                                          ensure_ascii=False))
                else:
                    typer.echo(f"{order.order_id}: {message} (notice_purpose=none)")
                raise typer.Exit(0)
            draft = _draft(ctx, order, decision, chosen, drafter is DrafterOpt.llm)
        if as_json:
            typer.echo(json.dumps(draft.model_dump(mode="json"), ensure_ascii=False, indent=2))
        else:
            if draft.subject:
                typer.echo(f"件名: {draft.subject}\n")
            typer.echo(draft.body)
            if draft.fallback_reason:
                typer.echo(f"(model draft rejected: {draft.fallback_reason})", err=True)
            for v in draft.check.violations:
                typer.echo(f"{v.code}: {v.detail}", err=True)
        raise typer.Exit(0 if draft.check.ok else 1)

    @app.command("check-draft")
    def check_draft_cmd(
        order_path: Path = typer.Option(..., "--order", help="Order JSON."),
        text_path: Path = typer.Option(..., "--text", help=TEXT_HELP),
        channel: ChannelOpt | None = typer.Option(None, "--channel", help=CHANNEL_HELP),
        as_json: bool = typer.Option(True, "--json", help="Print the result as JSON (default)."),
        today: str | None = typer.Option(
            None, "--today", help="The day the customer reads it (YYYY-MM-DD; default: as_of)."
        ),
        notice_path: Path | None = typer.Option(
            None, "--notice", help="Lifecycle facts JSON (kind, tracking_number, refund_jpy...)."
        ),
    ) -> None:
        """Check a draft against the order's decision; exit 0 when ok, 1 otherwise."""
        from datetime import date

        from noki.drafting import check_text

        with app_context() as ctx:
            order, decision = _load_order(ctx, order_path)
            domains = ctx.settings.company_domain_list  # incl. the self-service link's host
        try:
            text = _read(text_path)
        except OSError as exc:
            typer.echo(f"{text_path}: {exc.strerror}", err=True)
            raise typer.Exit(2) from exc
        chosen = channel.value if channel else default_channel(decision)
        subject, body = _split_subject(text) if chosen == "email" else (None, text.strip("\n"))
        try:
            sent_on = date.fromisoformat(today) if today else None
        except ValueError as exc:
            typer.echo(f"--today: expected YYYY-MM-DD, got {today!r}", err=True)
            raise typer.Exit(2) from exc
        notice = _load_notice(notice_path) if notice_path else None
        result = check_text(order, decision, channel=chosen, subject=subject, body=body,
                            today=sent_on, notice=notice, allowed_domains=domains)
        violations = [{"code": v.code, "detail": v.detail} for v in result.violations]
        del as_json  # the result is always JSON; --json is accepted for scripts that pass it
        typer.echo(json.dumps({"ok": result.ok, "violations": violations}, ensure_ascii=False))
        raise typer.Exit(0 if result.ok else 1)

    @app.command("answer")
    def answer_cmd(
        order_path: Path = typer.Option(..., "--order", help="Order JSON."),
        question: str = typer.Option(..., "--question", help="The customer's question."),
        as_json: bool = typer.Option(False, "--json", help="Print the answer as JSON."),
    ) -> None:
        """Draft a reply to a customer's question from the FAQ and the order's decision."""
        from noki.faq import answer_question, load_faq

        with app_context() as ctx:
            order, decision = _load_order(ctx, order_path)
            answer = answer_question(order, decision, question, load_faq(ctx.settings.faq_path))
        if as_json:
            typer.echo(json.dumps(answer.model_dump(mode="json"), ensure_ascii=False, indent=2))
            return
        typer.echo(f"件名: {answer.draft.subject}\n")
        typer.echo(answer.draft.body)
        if answer.routed_to_person:
            typer.echo(f"(routed to a person: {answer.route_reason})", err=True)
        elif answer.faq_id:
            typer.echo(f"(FAQ: {answer.faq_id})", err=True)


def _load_notice(path: Path) -> LifecycleNotice:
    """A LifecycleNotice from JSON; a bad file exits 2 naming the field and what is expected."""
    from noki.drafting.lifecycle_notice import LifecycleNotice

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object with kind, tracking_number, refund_jpy ...")
        return LifecycleNotice.from_dict(data)
    except OSError as exc:
        typer.echo(f"{path}: {exc.strerror}", err=True)
        raise typer.Exit(2) from exc
    except (ValueError, TypeError) as exc:  # JSON errors carry line and column
        typer.echo(f"{path}: {exc}", err=True)
        raise typer.Exit(2) from exc
