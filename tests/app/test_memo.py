"""The context's bounded memo: least recently used entries go first."""

from __future__ import annotations

from noki.app.memo import Memo


def test_the_least_recently_used_entry_is_forgotten_first() -> None:
    memo: Memo[str] = Memo(2)
    memo.put("a", "A")
    memo.put("b", "B")
    assert memo.peek("a") == "A"  # "a" is now the most recently used
    memo.put("c", "C")
    assert "b" not in memo and memo.peek("a") == "A" and memo.peek("c") == "C"
    assert len(memo) == 2


def test_an_empty_verdict_is_remembered_as_such() -> None:
    memo: Memo[list[str]] = Memo(4)
    memo.put("k", [])
    assert "k" in memo and memo.peek("k") == [] and memo.peek("missing") is None
