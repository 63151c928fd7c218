"""One received mail through parse -> link -> intent -> answer draft (pure; the caller stores)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from pydantic import BaseModel, ConfigDict

from noki.domain.decision import Decision
from noki.domain.order import Order
from noki.faq.retrieve import FaqIndex
from noki.inbound.answer import AnswerDraft, Answerer, Inquiry, draft_answer
from noki.inbound.intent import classify_intent
from noki.inbound.link import link_inquiry
from noki.inbound.models import InboundMail, IntentResult, LinkResult
from noki.inbound.parse import parse_mail
from noki.inbound.screen import Limits


class Processed(BaseModel):
    """A mail as noki understood it: parsed, linked, intent and (when answerable) a draft."""

    model_config = ConfigDict(frozen=True)

    mail: InboundMail
    link: LinkResult
    intent: IntentResult | None
    answer: AnswerDraft | None  # None when the mail's status keeps it for a person
    in_reply_to: str | None  # threading headers of our reply
    references: list[str]


def process_mail(raw: bytes, *, thread_orders: Mapping[str, str],
                 lookup: Callable[[str], tuple[Order, Decision] | None], faq: FaqIndex,
                 own_addresses: Collection[str] = (), limits: Limits | None = None,
                 state_of: Callable[[str], str | None] | None = None,
                 answerer: Answerer = draft_answer) -> Processed:
    """Everything the listener does with one mail before storing it (no I/O here; `answerer`
    is the template drafter unless the caller passes the guarded model's)."""
    mail = parse_mail(raw, own_addresses=own_addresses, limits=limits)
    link = link_inquiry(in_reply_to=mail.in_reply_to, references=mail.references,
                        subject=mail.subject, text=mail.text, thread_orders=thread_orders,
                        order_exists=lambda oid: lookup(oid) is not None)
    references = [*mail.references, *([mail.message_id] if mail.message_id else [])]
    if mail.status != "ok":
        return Processed(mail=mail, link=link, intent=None, answer=None,
                         in_reply_to=mail.message_id, references=references)
    pair = lookup(link.order_id) if link.order_id else None
    order, decision = pair if pair else (None, None)
    intent = classify_intent(mail.text, mail.subject,
                             offered=decision.options if decision else ())
    state = state_of(link.order_id) if state_of and link.order_id else None
    answer = answerer(Inquiry(text=mail.text, subject=mail.subject), intent, order, decision, faq,
                      state=state)
    return Processed(mail=mail, link=link, intent=intent, answer=answer,
                     in_reply_to=mail.message_id, references=references)
