"""Cut quoted previous mail and signatures from a reply, keeping only what the customer wrote."""

from __future__ import annotations

import re

# Lines that introduce the quoted previous mail (Japanese and English mailers, Outlook headers).
_ATTRIBUTION = re.compile(
    r"^\s*(?:"
    r"-{2,}\s*(?:Original Message|元のメッセージ|転送されたメッセージ|Forwarded message)\s*-{2,}"
    r"|On .{4,200} wrote:\s*$"
    r"|.{0,120}(?:さんは書きました|wrote|のメッセージ|からのメール|の返信)\s*[:：]\s*$"
    r"|\d{4}[/年-]\s?\d{1,2}[/月-]\s?\d{1,2}日?.{0,80}[:：]\s*$"
    r"|(?:From|差出人|送信者)\s*[:：].*$"
    r"|_{10,}\s*$"
    r")",
    re.IGNORECASE,
)
_OUTLOOK_FIELDS = re.compile(r"^\s*(?:Sent|Date|To|Subject|送信日時|日時|宛先|件名|Cc)\s*[:：]")
_QUOTED = re.compile(r"^\s*(?:>|＞|\|)")
# Signature starts: RFC 3676 "-- ", or a decorative rule followed by a short block.
_SIG_DELIM = re.compile(r"^-- ?$")
_SIG_RULE = re.compile(r"^\s*([-=_*━─＝－~〜#+■□◆◇☆★・])\1{4,}\s*$")
_SIG_WORDS = re.compile(r"(?:TEL|Tel|tel|電話|FAX|Fax|〒|E-?mail|Mail|mail|株式会社|http)")
MAX_SIGNATURE_LINES = 12


def _cut_quotes(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if _ATTRIBUTION.match(line):
            following = [x for x in lines[i + 1:i + 6] if x.strip()]
            header_block = line.lstrip().lower().startswith(("from", "差出人", "送信者"))
            if not header_block or any(_OUTLOOK_FIELDS.match(x) for x in following):
                return lines[:i]
    return [line for line in lines if not _QUOTED.match(line)]


def _cut_signature(lines: list[str]) -> list[str]:
    content = [i for i, line in enumerate(lines) if line.strip()]
    if not content:
        return lines
    for i, line in enumerate(lines):
        if i == 0 or not any(x.strip() for x in lines[:i]):
            continue  # a rule before any text is decoration, not a signature
        tail = [x for x in lines[i + 1:] if x.strip()]
        if _SIG_DELIM.match(line) and len(tail) <= MAX_SIGNATURE_LINES:
            return lines[:i]
        if _SIG_RULE.match(line) and len(tail) <= MAX_SIGNATURE_LINES and (
                any(_SIG_WORDS.search(x) for x in tail) or len(tail) <= 4):
            return lines[:i]
    return lines


def strip_reply(text: str) -> str:
    """The new text of a reply: quoted mail and trailing signature removed, blank runs collapsed."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept = _cut_signature(_cut_quotes(lines))
    out = "\n".join(line.rstrip() for line in kept).strip()
    return re.sub(r"\n{3,}", "\n\n", out)
