"""Inbound inquiries: customers' replies and questions -> parsed, screened, linked, answered.

Pure (no network, no database): `parse_mail` (real-world Japanese MIME), `screen` (bounces,
auto-replies, loops, spam-like, size), `link_inquiry` (thread -> order number -> unlinked),
`classify_intent` (+ choice proposals and injection cues), `draft_answer` (template) and
`draft_answer_with_llm` (guarded model path), `check_answer`, and `process_mail` for all of it.
"""

from noki.inbound.answer import AnswerDraft, Inquiry, draft_answer
from noki.inbound.answer_check import check_answer
from noki.inbound.answer_llm import draft_answer_with_llm
from noki.inbound.intent import classify_intent, propose_choice
from noki.inbound.link import link_inquiry, order_numbers
from noki.inbound.models import ChoiceProposal, InboundMail, IntentResult, LinkResult
from noki.inbound.parse import parse_mail
from noki.inbound.pipeline import Processed, process_mail
from noki.inbound.screen import Limits

__all__ = [
    "AnswerDraft", "ChoiceProposal", "InboundMail", "Inquiry", "IntentResult", "Limits",
    "LinkResult", "Processed", "check_answer", "classify_intent", "draft_answer",
    "draft_answer_with_llm", "link_inquiry", "order_numbers", "parse_mail", "process_mail",
    "propose_choice",
]
