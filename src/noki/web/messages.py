"""Service errors in the console's words (the use cases speak English for the API and CLI)."""

from __future__ import annotations

import re
from collections.abc import Callable

from noki.web.labels import Labels

_L = Labels()
VERBS = {"approved": "承認", "edited": "編集", "rejected": "却下", "regenerated": "再作成"}
NEXT_STEP = "スーパーバイザーに依頼してください。"


def _status(code: str) -> str:
    return _L(code, "draft_status")


_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"draft (\d+) is (\w+) and can no longer be approved"),
     lambda m: f"この下書き（#{m[1]}）は{_status(m[2])}のため、もう承認できません。"),
    (re.compile(r"draft (\d+) is (\w+) and cannot be (\w+)"),
     lambda m: f"この下書き（#{m[1]}）は{_status(m[2])}のため、"
               f"{VERBS.get(m[3], '操作')}できません。"),
    (re.compile(r"draft (\d+) is (\w+)$"),
     lambda m: f"この下書き（#{m[1]}）は{_status(m[2])}です。"),
    (re.compile(r"draft (\d+) not found"), lambda m: f"下書き #{m[1]} は見つかりません。"),
    (re.compile(r"a rejection needs a reason"), lambda m: "却下の理由を入力してください。"),
    (re.compile(r"the notice text is empty"), lambda m: "本文が空です。本文を入力してください。"),
    (re.compile(r"this draft fails the checker; only a supervisor can override"),
     lambda m: "この下書きはチェックに不合格です。"
               "上書きして承認できるのはスーパーバイザーだけです。" + NEXT_STEP),
    (re.compile(r"a draft that fails the checker needs an override reason"),
     lambda m: "チェックに不合格の下書きを承認するには、上書きの理由を入力してください。"),
    (re.compile(r"order (\S+) has no (\w+) contact"),
     lambda m: f"注文 {m[1]} には{_L(m[2], 'channel')}の連絡先がありません。"
               "電話など別の方法で連絡し、却下の理由に記録してください。"),
    (re.compile(r"order (\S+) not found"), lambda m: f"注文 {m[1]} は見つかりません。"),
    (re.compile(r"role (\w+) may not (.+)"),
     lambda m: f"{_L(m[1], 'role')}の権限ではこの操作はできません。" + NEXT_STEP),
    (re.compile(r"message (\d+) not found"),
     lambda m: f"送信メッセージ #{m[1]} は見つかりません。"),
    (re.compile(r"message (\d+): its draft is no longer approved"),
     lambda m: f"送信メッセージ #{m[1]} の下書きは承認済みではなくなったため、再送できません。"),
    (re.compile(r"message (\d+) is (\w+); only dead letters can be retried"),
     lambda m: f"送信メッセージ #{m[1]} は{_L(m[2], 'message_status')}です。"
               "再送できるのは送信不能のものだけです。"),
]
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def japanese(message: str) -> str:
    """The Japanese sentence for a service error (Japanese messages pass through)."""
    for pattern, say in _RULES:
        if m := pattern.search(message):
            return say(m)
    if _JAPANESE.search(message):
        return message
    return "操作できませんでした。ページを読み込み直して、最新の状態を確認してください。"


def stale(message: str) -> bool:
    """True when the error means the page showed an older state of the draft."""
    return bool(re.search(r"draft \d+ is \w+ and can", message))
