"""Grounding checks for answers: the notice checker plus promises a reply may never make."""

from __future__ import annotations

import re
from typing import Any

from noki.domain.decision import Decision
from noki.domain.draft import CheckResult, Violation
from noki.domain.order import Order
from noki.drafting.checker import check_text
from noki.drafting.context import notice_facts

# Claims that something was done or will surely be done: only the order's state may say so.
_ACTIONS: tuple[tuple[str, re.Pattern[str], frozenset[str]], ...] = (
    ("発送・出荷の完了", re.compile(r"(?:発送|出荷|お送り)(?:いた)?しました|(?:発送|出荷)済み"),
     frozenset({"partially_shipped", "shipped"})),
    ("キャンセル・返金の確定", re.compile(
        r"キャンセル(?:を|の(?:お)?手続きを)?(?:承りました|いたしました|しました|完了|確定)"
        r"|返金(?:を)?(?:いたしました|しました|いたします|します|完了|確定|手配)"
        r"|全額(?:を)?(?:返金|お返し)"), frozenset({"cancelled"})),
    ("変更・手配の完了", re.compile(r"(?:変更|切り替え|手配)(?:いた)?しました|(?:変更|手配)済み"
                              r"|(?:変更|手配)(?:を)?(?:完了|確定)"),
     frozenset({"substituted", "allocated"})),
    ("約束・保証", re.compile(r"お約束(?:いた)?します|保証(?:いた)?します|必ず|確実に|間違いなく"),
     frozenset()),
)


def _mask(body: str, grounded: list[str]) -> str:
    """Blank the decided wording (option labels, compensation text): it may state what it states."""
    for text in sorted(filter(None, grounded), key=len, reverse=True):
        body = body.replace(text, " " * len(text))
    return body


def _promises(body: str, state: str | None) -> list[Violation]:
    out = []
    for label, pattern, allowed_states in _ACTIONS:
        if state in allowed_states:
            continue
        for m in pattern.finditer(body):
            out.append(Violation(code="unauthorised_promise",
                                 detail=f"「{m.group()}」({label})は注文の状態が裏付けていません",
                                 start=m.start(), end=m.end(), part="body"))
    return out


def check_answer(order: Order, decision: Decision, *, subject: str | None, body: str,
                 state: str | None = None, facts: dict[str, Any] | None = None) -> CheckResult:
    """Dates, amounts, options and compensation as for notices (nothing is required in a reply),
    plus `unauthorised_promise` for claims the decision or the order's state does not back."""
    base = check_text(order, decision, channel="email", subject=subject, body=body,
                      require_all=False)
    facts = facts or notice_facts(order, decision, channel="email")
    grounded = [o["label"] for o in facts["options"]] + [facts["compensation"] or ""]
    extra = _promises(_mask(body, grounded), state)
    violations = [*base.violations, *extra]
    return CheckResult(ok=not violations, violations=violations, warnings=base.warnings)


_ANY_DATE_OR_AMOUNT = re.compile(r"\d{1,2}月\d{1,2}日|\d{4}[/-]\d{1,2}[/-]\d{1,2}|[\d,]+円|￥\s?\d")


def check_unlinked(body: str) -> CheckResult:
    """A reply to an inquiry with no order may state no date, amount or promise at all."""
    violations = [Violation(code="ungrounded_fact", detail=f"注文が不明なのに「{m.group()}」",
                            start=m.start(), end=m.end(), part="body")
                  for m in _ANY_DATE_OR_AMOUNT.finditer(body)]
    violations += _promises(body, None)
    return CheckResult(ok=not violations, violations=violations)
