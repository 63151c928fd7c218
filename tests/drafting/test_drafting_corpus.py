"""The hand-written draft corpus: every draft gets exactly the violation codes written beside it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from draft_helpers import decide

from noki.domain.order import Order
from noki.drafting import check_text

CORPUS = Path(__file__).parent / "corpus"
ORDERS = {k: Order.model_validate(v)
          for k, v in yaml.safe_load((CORPUS / "orders.yaml").read_text()).items()}
DRAFTS = [d for f in sorted((CORPUS / "drafts").glob("*.yaml"))
          for d in yaml.safe_load(f.read_text())]


def split(text: str) -> tuple[str | None, str]:
    """件名: on the first line is the subject."""
    first, _, rest = text.strip().partition("\n")
    if first.startswith("件名:"):
        return first.removeprefix("件名:").strip(), rest
    return None, text.strip()


def test_corpus_is_large_and_varied():
    assert len(DRAFTS) >= 60
    assert len({d["id"] for d in DRAFTS}) == len(DRAFTS)
    assert {ORDERS[d["order"]].industry for d in DRAFTS} == {"ec", "btob", "auto"}
    assert {d["channel"] for d in DRAFTS} == {"email", "sms"}
    assert sum(not d["expect"] for d in DRAFTS) >= 20  # correct drafts, not only defective ones
    assert len({d["writer"] for d in DRAFTS}) >= 30


@pytest.mark.parametrize("draft", DRAFTS, ids=[d["id"] for d in DRAFTS])
def test_corpus_draft(draft):
    order = ORDERS[draft["order"]]
    subject, body = split(draft["text"])
    result = check_text(order, decide(order), channel=draft["channel"], subject=subject, body=body)
    got = sorted({v.code for v in result.violations})
    assert got == sorted(draft["expect"]), [f"{v.code}: {v.detail}" for v in result.violations]
