"""HTML-only mail bodies to plain text; quoted blocks (blockquote, gmail_quote) marked with '> '."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BREAK = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "table", "ul", "ol"})
_SKIP = frozenset({"script", "style", "head", "title"})
_QUOTE_CLASSES = ("gmail_quote", "yahoo_quoted", "moz-cite-prefix", "OutlookMessageHeader")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skip = 0
        self.quote_stack: list[bool] = []  # per open element: does it start a quote?

    @property
    def quoted(self) -> bool:
        return any(self.quote_stack)

    def _newline(self) -> None:
        if self.lines[-1].strip():
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        if tag in _BREAK or tag == "blockquote":
            self._newline()
        if tag in ("br", "img", "hr", "meta", "link", "input"):
            return  # void elements never close
        classes = " ".join(v or "" for k, v in attrs if k == "class")
        self.quote_stack.append(tag == "blockquote" or any(c in classes for c in _QUOTE_CLASSES))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self.skip:
            self.skip -= 1
        if self.quote_stack and tag not in ("br", "img", "hr", "meta", "link", "input"):
            self.quote_stack.pop()
        if tag in _BREAK or tag == "blockquote":
            self._newline()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        parts = data.split("\n")
        for i, part in enumerate(parts):
            if i:
                self._newline()
            if part.strip():
                if not self.lines[-1] and self.quoted:
                    self.lines[-1] = "> "
                self.lines[-1] += re.sub(r"\s+", " ", part)


def html_to_text(markup: str) -> str:
    """Readable text of an HTML mail: one line per block, entities decoded, scripts dropped."""
    parser = _Text()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # noqa: BLE001 - broken markup: fall back to stripping tags
        return html.unescape(re.sub(r"<[^>]*>", " ", markup)).strip()
    return "\n".join(line.rstrip() for line in parser.lines).strip()
