"""Phishing signs in a notice: links off the company's domains, requests for card data or passwords.

Pure: works on the checker's normalised text (NFKC, so full-width ｈｔｔｐｓ：／／ is caught too)
and returns findings with spans; the checker turns them into violations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

FOREIGN_URL = "foreign_url"
CREDENTIAL_REQUEST = "credential_request"
CODES = frozenset({FOREIGN_URL, CREDENTIAL_REQUEST})
DEFAULT_DOMAINS = ("noki.example",)  # the self-service link's host in the shipped templates

# A scheme URL, or a bare host followed by a path / starting with www. (how phishers write it).
_LINK = re.compile(
    r"(?i)(?:\b[a-z][a-z0-9+.-]*://|(?<![\w@.-])//)[^\s　、。「」『』()<>\"']+"
    r"|(?<![\w@./-])(?:www\.)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?/[^\s　、。「」『』()<>\"']*"
    r"|(?<![\w@./-])www\.(?:[a-z0-9-]+\.)+[a-z]{2,}\b"
)
_SENSITIVE = re.compile(
    r"(?i)カード番号|クレジットカード(?:の)?(?:番号|情報)|カード情報|セキュリティー?コード|\bCV[VC]2?\b"
    r"|暗証番号|パスワード|ワンタイム|認証コード|確認コード|口座番号|ログイン(?:ID|情報)|マイナンバー"
)
_REQUEST = re.compile(
    r"入力|記入|教え|お知らせ|送信|送付|送っ|送り|返信|ご連絡|お伝え|提供|登録|伺|お聞かせ"
    r"|確認させ|入れて|打ち込|ログインし|アクセスし|ご回答|回答"
)
# "カード番号をお伺いすることはございません" is the opposite of a request.
_NEGATION = re.compile(
    r"ことは(?:一切)?(?:ありません|ございません|ない)|決して|一切|しません|いたしません"
    r"|ございません|求めません|伺いません|不要|必要はありません|お控えください|絶対に"
)
_SENTENCE_END = re.compile(r"[。!?！？\n]")


@dataclass(frozen=True)
class Finding:
    """One phishing sign: code, detail for the agent (Japanese), span in the checked text."""

    code: str
    detail: str
    start: int
    end: int


def with_host(domains: tuple[str, ...], url: str) -> tuple[str, ...]:
    """The domains plus the host of a configured link (e.g. the self-service URL)."""
    host = (urlsplit(url).hostname or "").lower()
    return domains if not host or host in domains else (*domains, host)


def allowed_host(host: str, domains: tuple[str, ...]) -> bool:
    """True for a configured domain or any of its subdomains."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def foreign_urls(text: str, domains: tuple[str, ...] = DEFAULT_DOMAINS) -> list[Finding]:
    """Links whose host is not one of the company's domains (userinfo tricks included)."""
    out = []
    for m in _LINK.finditer(text):
        link = m.group().rstrip(".,;:!?")
        target = link if "://" in link or link.startswith("//") else "//" + link
        try:
            host = urlsplit(target).hostname or ""
        except ValueError:
            host = ""
        if not host or not allowed_host(host, domains):
            shown = host or link
            detail = f"会社のドメイン以外へのリンク「{shown}」"
            out.append(Finding(FOREIGN_URL, detail, m.start(), m.start() + len(link)))
    return out


def credential_requests(text: str) -> list[Finding]:
    """Sentences that ask the customer for card data, passwords or codes (not ones that warn)."""
    out = []
    start = 0
    for end in [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
        sentence = text[start:end]
        hit = _SENSITIVE.search(sentence)
        if hit and _REQUEST.search(sentence) and not _NEGATION.search(sentence):
            detail = f"お客様に「{hit.group()}」を求める文は送れません(フィッシングの疑い)"
            out.append(Finding(CREDENTIAL_REQUEST, detail, start + hit.start(), start + hit.end()))
        start = end
    return out


def findings(text: str, domains: tuple[str, ...] = DEFAULT_DOMAINS) -> list[Finding]:
    """Every phishing sign in a text."""
    return [*foreign_urls(text, domains), *credential_requests(text)]
