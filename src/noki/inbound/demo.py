"""`make run`: a few customer replies (one per intent) processed and shown with their answers."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from noki.domain.decision import Decision
from noki.domain.order import Order
from noki.faq.retrieve import FaqIndex
from noki.inbound.models import INTENT_LABELS
from noki.inbound.pipeline import Processed, process_mail
from noki.inbound.samples import sample_replies

INBOX = "support@reply.noki-store.example.jp"


def demo_threads(orders: Sequence[Order]) -> list[tuple[str, str]]:
    """(Message-ID of the notice we sent, customer address) for the first six orders."""
    return [(f"<notice-{o.order_id}@noki.example.jp>", o.customer.contact.email
             or f"{o.customer.customer_id.lower()}@example.jp") for o in orders[:6]]


def process_demo_replies(orders: Sequence[Order], decide: Callable[[Order], Decision],
                         faq: FaqIndex) -> list[Processed]:
    """One reply per intent to the first orders' notices, parsed, linked, answered."""
    threads = demo_threads(orders)
    by_msgid = {msgid: o.order_id for (msgid, _), o in zip(threads, orders, strict=False)}
    pairs = {o.order_id: (o, decide(o)) for o in orders[:6]}
    return [process_mail(raw, thread_orders=by_msgid, lookup=pairs.get, faq=faq)
            for raw in sample_replies(threads, to=INBOX)]


def format_processed(done: Sequence[Processed]) -> str:
    """One block per inquiry: what the customer wrote, intent, link, and the draft's status."""
    lines = []
    for p in done:
        intent = p.intent.intent if p.intent else "-"
        answer = p.answer
        route = "担当者へ" if answer and answer.routed_to_person else "回答案あり"
        reason = f" ({answer.route_reason})" if answer and answer.route_reason else ""
        first = p.mail.text.replace("\n", " ")[:40]
        lines.append(f"- [{INTENT_LABELS.get(intent, intent)}] 「{first}」")
        lines.append(f"    link: {p.link.method} -> {p.link.order_id or '-'}; {route}{reason}; "
                     f"checker {'ok' if answer and answer.check.ok else 'NG'}")
        if p.intent and p.intent.choice:
            lines.append(f"    choice proposed to an agent (not applied): {p.intent.choice.event}")
    return "\n".join(lines)
