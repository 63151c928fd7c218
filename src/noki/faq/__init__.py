"""FAQ: the product's answers (data/faq.yaml), retrieval with fugashi tokens, grounded replies."""

from noki.faq.answer import Answer, FaqMatch, answer_question
from noki.faq.retrieve import FaqIndex, tokens
from noki.faq.store import FaqEntry, FaqError, load_faq

__all__ = [
    "Answer", "FaqEntry", "FaqError", "FaqIndex", "FaqMatch",
    "answer_question", "load_faq", "tokens",
]
