"""duplicate_compensation: a text must not grant again what the ledger says was granted.

Hooked into the grounding checker (check_text(..., granted=...)). A compensation mention of a
kind already granted is fine in a sentence that marks it as earlier (「前回ご案内の…に加えて」)
or when it states the additional amount the decision grants now; anything else grants it again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from noki.domain.decision import Decision
from noki.domain.draft import Violation
from noki.drafting import lexicon as lx

# Words that place a compensation in the past: it was granted by an earlier notice.
EARLIER = re.compile(r"前回|先日|先般|既に|すでに|ご案内済|ご案内した|お渡し済|お送り済|お贈り済"
                     r"|に加えて|とは別に")
_REPLACED = ("unauthorized_compensation", "wrong_amount")


def granted_kinds(granted: Mapping[str, int | None]) -> dict[str, int | None]:
    """Ledger totals keyed by the checker's compensation kinds."""
    return {lx.DECIDED_KIND[t]: v for t, v in granted.items() if t in lx.DECIDED_KIND}


def _amount_of(part: Any, pos: int, first: int, last: int) -> int | None:
    """The amount a compensation word at `pos` speaks of: the nearest one before it in its
    sentence (「500円分のクーポン」), else the first after it (「クーポン500円分」)."""
    before = [a for a in part.amounts if first <= a.start and a.end <= pos]
    if before:
        return int(max(before, key=lambda a: a.end).value)
    after = [a for a in part.amounts if pos <= a.start < last]
    return int(after[0].value) if after else None


def apply_ledger(violations: list[Violation], parts: list[Any], decision: Decision,
                 granted: Mapping[str, int | None]) -> list[Violation]:
    """The checker's violations with the ledger applied (earlier grants excused, repeats
    flagged)."""
    kinds = granted_kinds(granted)
    now = decision.compensation
    now_kind = lx.DECIDED_KIND.get(now.type) if now.type != "none" else None
    excused: list[tuple[str | None, int, int]] = []
    repeated: list[tuple[str | None, int, int]] = []  # sentences that grant again
    found: list[Violation] = []
    for part in parts:
        text = part.terms
        for kind, pattern in lx.COMPENSATION_WORDS:
            if kind not in kinds:
                continue
            for m in pattern.finditer(text):
                first, last = part.sentence_span(m.start())
                sentence = text[first:last]
                if lx.NEGATION.search(sentence):
                    continue
                start, end = part.norm.span(first, last)
                if EARLIER.search(sentence):
                    excused.append((part.name, start, end))
                    continue
                if kind == now_kind and _amount_of(part, m.start(), first, last) == now.amount_jpy:
                    continue  # the additional amount granted now
                s, e = part.norm.span(*m.span())
                repeated.append((part.name, start, end))
                found.append(Violation(
                    code="duplicate_compensation",
                    detail=f"「{m.group()}」はお渡し済みです ({lx.KIND_LABEL[kind]}); "
                           "前回のご案内として書くか、追加分だけを記載してください",
                    start=s, end=e, part=part.name))
    def keep(v: Violation) -> bool:
        if v.code not in _REPLACED or v.start is None:
            return True
        # Reported as duplicate_compensation instead, or an earlier grant told as earlier.
        return not any(p == v.part and s <= v.start < e for p, s, e in (*repeated, *excused))

    return [v for v in violations if keep(v)] + found
