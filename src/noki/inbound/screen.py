"""Why a received mail must not be answered automatically: bounces, auto-replies, loops, spam."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from email.message import Message

_BOUNCE_FROM = re.compile(r"^(?:mailer-daemon|postmaster|mail-daemon)@", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery status notification|returned mail|delivery failure|failure notice"
    r"|配信不能|配信エラー|送信エラー|宛先不明|届きませんでした", re.IGNORECASE)
_AUTO_SUBJECT = re.compile(
    r"^(?:自動返信|自動応答|自動送信|【自動返信】|\[自動返信\]|out of (?:the )?office"
    r"|automatic reply|auto(?:matic)?[- ]?reply|不在通知|不在のお知らせ)", re.IGNORECASE)
_URL = re.compile(r"https?://", re.IGNORECASE)
_SPAM_WORDS = re.compile(
    r"当選|高収入|副業|出会い|今すぐクリック|無料プレゼント|仮想通貨|ビットコイン|bitcoin"
    r"|アカウントが(?:停止|凍結)|パスワードを確認|未払い料金|至急ご確認ください.*http",
    re.IGNORECASE)
MAX_RECEIVED = 25  # more hops than any real path: a forwarding loop


@dataclass(frozen=True)
class Limits:
    """Size limits of inbound mail (settings decide them; these defaults suit a CS mailbox)."""

    max_message_bytes: int = 25 * 1024 * 1024
    max_attachment_bytes: int = 10 * 1024 * 1024


def screen(msg: Message, *, from_addr: str, subject: str, text: str,
           own_addresses: Collection[str], total_size: int,
           attachment_sizes: list[int], limits: Limits) -> tuple[str, str | None]:
    """(status, reason) for a parsed mail; "ok" means it may be answered by a draft."""
    ctype = msg.get_content_type()
    report_type = (msg.get_param("report-type") or "")
    if (ctype == "multipart/report" and str(report_type).lower() == "delivery-status") or \
            _BOUNCE_FROM.match(from_addr) or _BOUNCE_SUBJECT.search(subject):
        return "bounce", "配信エラー通知(バウンス)です"
    own = {a.lower() for a in own_addresses}
    if from_addr.lower() in own:
        return "loop", f"差出人 {from_addr} は noki 自身のアドレスです"
    if msg.get("X-Noki-Outbox-Id") is not None:
        return "loop", "noki が送ったメールがそのまま戻ってきました"
    if len(msg.get_all("Received") or []) > MAX_RECEIVED:
        return "loop", f"中継が{MAX_RECEIVED}回を超えています(転送ループ)"
    auto = str(msg.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(msg.get("Precedence", "")).strip().lower()
    if auto not in ("", "no") or precedence in ("bulk", "junk", "auto_reply", "list") or \
            msg.get("X-Autoreply") or msg.get("X-Autorespond") or _AUTO_SUBJECT.search(subject):
        return "auto_reply", "自動返信・一斉配信のメールです"
    if total_size > limits.max_message_bytes:
        return "too_large", f"メール全体が{total_size:,}バイトで上限を超えています"
    big = [s for s in attachment_sizes if s > limits.max_attachment_bytes]
    if big:
        return "too_large", (f"添付ファイルが{max(big):,}バイトで上限"
                             f"({limits.max_attachment_bytes:,}バイト)を超えています")
    urls = len(_URL.findall(text))
    spam_words = bool(_SPAM_WORDS.search(text + subject))
    signals = [s for s, hit in (("URLが多い", urls >= 5), ("迷惑メールによくある語句", spam_words))
               if hit]
    if signals and (len(signals) == 2 or urls >= 8 or len(text) < 400):
        return "spam_like", "迷惑メールの疑い: " + "、".join(signals)
    return "ok", None
