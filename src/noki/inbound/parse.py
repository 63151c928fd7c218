"""Parse one received e-mail (bytes as on the wire) into an InboundMail; never raises."""

from __future__ import annotations

import datetime as dt
import email
import re
from collections.abc import Collection
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from noki.inbound.charsets import decode_bytes
from noki.inbound.htmltext import html_to_text
from noki.inbound.models import Attachment, InboundMail
from noki.inbound.screen import Limits, screen
from noki.inbound.strip import strip_reply

_MSGID = re.compile(r"<[^<>\s]+>")


def _header_bytes(raw: bytes) -> dict[str, bytes]:
    """Header fields as raw bytes (first occurrence, unfolded): 8-bit headers survive as sent."""
    end = raw.find(b"\r\n\r\n")
    end = end if end >= 0 else raw.find(b"\n\n")
    block = raw[: end if end >= 0 else len(raw)].replace(b"\r\n", b"\n")
    out: dict[str, bytes] = {}
    for field in re.split(rb"\n(?![ \t])", block):
        name, sep, value = field.partition(b":")
        if sep:
            key = name.strip().decode("ascii", "replace").lower()
            out.setdefault(key, re.sub(rb"\n[ \t]+", b" ", value).strip())
    return out


def _raw_header(msg: Message, name: str, raw: dict[str, bytes] | None = None) -> str:
    """A header decoded from RFC 2047 words, or from raw 8-bit bytes (Shift_JIS/UTF-8) as sent."""
    data = (raw or {}).get(name.lower())
    if data is not None and any(b > 0x7F for b in data):
        return decode_bytes(data, None)[0].strip()
    value = msg.get(name)
    if value is None:
        return ""
    text = str(value)
    try:
        return str(make_header(decode_header(text))).strip()
    except (UnicodeDecodeError, LookupError, ValueError):
        pieces = []
        for chunk, charset in decode_header(text):
            pieces.append(decode_bytes(chunk, charset)[0] if isinstance(chunk, bytes) else chunk)
        return "".join(pieces).strip()


def _message_ids(value: str) -> list[str]:
    return _MSGID.findall(value or "")


def _is_attachment(part: Message) -> bool:
    disposition = str(part.get("Content-Disposition", "")).lower()
    return disposition.startswith("attachment") or (
        part.get_filename() is not None and not part.get_content_type().startswith("text/"))


def _walk(msg: Message) -> tuple[list[tuple[str, str]], list[Attachment], list[str], list[str]]:
    """(text parts as (type, text), attachments, charsets, defects)."""
    texts: list[tuple[str, str]] = []
    attachments: list[Attachment] = []
    charsets: list[str] = []
    defects: list[str] = [type(d).__name__ for d in getattr(msg, "defects", [])]
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        try:
            payload = part.get_payload(decode=True)
        except Exception as exc:  # noqa: BLE001 - a broken transfer encoding is a defect, not a crash
            defects.append(f"payload: {exc}")
            payload = b""
        data = payload if isinstance(payload, bytes) else b""
        if _is_attachment(part) or not ctype.startswith("text/"):
            if ctype.startswith("message/") and not data:
                continue  # delivery-status etc.: judged by screen()
            name = part.get_filename()
            attachments.append(Attachment(filename=_decoded_name(name), content_type=ctype,
                                          size=len(data)))
            continue
        label = part.get_content_charset()
        text, problem = decode_bytes(data, label)
        if label:
            charsets.append(label)
        if problem:
            defects.append(problem)
        if ctype in ("text/plain", "text/html"):
            texts.append((ctype, text))
    return texts, attachments, charsets, defects


def _decoded_name(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        return str(make_header(decode_header(name)))
    except (UnicodeDecodeError, LookupError, ValueError):
        return name


def _date(msg: Message) -> dt.datetime | None:
    try:
        value = parsedate_to_datetime(str(msg.get("Date", "")))
    except (TypeError, ValueError, IndexError):
        return None
    return value


def parse_mail(raw: bytes, *, own_addresses: Collection[str] = (),
               limits: Limits | None = None) -> InboundMail:
    """Decode headers and body, pick the customer's new text, and screen the mail."""
    limits = limits or Limits()
    try:
        msg = email.message_from_bytes(raw, policy=policy.compat32)
    except Exception as exc:  # noqa: BLE001 - the parser is lenient; this is the last resort
        return InboundMail(message_id=None, in_reply_to=None, from_addr="", subject="", date=None,
                           text="", full_text=raw[:2000].decode("utf-8", "replace"),
                           size=len(raw), status="malformed",
                           status_reason=f"解析できません: {exc}")
    heads = _header_bytes(raw)
    from_name, from_addr = parseaddr(_raw_header(msg, "From", heads))
    subject = _raw_header(msg, "Subject", heads)
    texts, attachments, charsets, defects = _walk(msg)
    plain = [t for c, t in texts if c == "text/plain"]
    html = [t for c, t in texts if c == "text/html"]
    html_only = not plain and bool(html)
    full = "\n".join(plain) if plain else "\n".join(html_to_text(h) for h in html)
    text = strip_reply(full)
    reply_to = _message_ids(_raw_header(msg, "In-Reply-To"))
    status, reason = screen(msg, from_addr=from_addr, subject=subject, text=text,
                            own_addresses=own_addresses, total_size=len(raw),
                            attachment_sizes=[a.size for a in attachments], limits=limits)
    undecodable = [d for d in defects if d.startswith("undecodable")]
    if status == "ok":
        if not from_addr:
            status, reason = "malformed", "差出人(From)がありません"
        elif undecodable:
            status, reason = "malformed", "本文の文字コードを解読できません: " + undecodable[0]
        elif not text.strip() and not attachments:
            status, reason = "empty", "返信の本文がありません(引用のみ)"
    return InboundMail(
        message_id=next(iter(_message_ids(_raw_header(msg, "Message-ID"))), None),
        in_reply_to=reply_to[0] if reply_to else None,
        references=_message_ids(_raw_header(msg, "References")),
        from_addr=from_addr, from_name=from_name,
        to_addrs=[a for _, a in getaddresses([_raw_header(msg, "To", heads)]) if a],
        subject=subject, date=_date(msg), text=text, full_text=full, html_only=html_only,
        charsets=charsets, attachments=attachments, size=len(raw), status=status,
        status_reason=reason, defects=defects,
    )
