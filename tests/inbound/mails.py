"""Build real-world Japanese mails as bytes (the encodings Japanese mailers really send)."""

from __future__ import annotations

import base64
import quopri
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText


def iso2022jp(body: str, *, subject: str = "Re: 入荷遅延のお知らせ",
              sender: str = "山田 <y@example.com>", in_reply_to: str | None = None,
              references: str | None = None,
              msgid: str = "<r1@example.com>") -> bytes:
    """A classic Japanese mail: ISO-2022-JP 7bit body, RFC 2047 B-encoded subject."""
    mail = MIMEText(body, "plain", "iso-2022-jp")
    mail["Subject"] = Header(subject, "iso-2022-jp")
    mail["From"] = sender
    mail["To"] = "support@noki-store.example.jp"
    mail["Message-ID"] = msgid
    mail["Date"] = "Tue, 01 Dec 2026 10:00:00 +0900"
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
    if references:
        mail["References"] = references
    return mail.as_bytes()


def shift_jis_raw(body: str, subject: str) -> bytes:
    """A mail from an old mailer: raw 8-bit CP932 subject and body, labelled Shift_JIS."""
    head = (f"From: tanaka@example.co.jp\r\nTo: support@example.jp\r\nSubject: {subject}\r\n"
            "Message-ID: <sj1@example.co.jp>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=Shift_JIS\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n")
    return head.encode("cp932") + body.replace("\n", "\r\n").encode("cp932")


def utf8_qp(body: str, subject: str = "お問い合わせ") -> bytes:
    """UTF-8 quoted-printable body."""
    encoded = quopri.encodestring(body.encode("utf-8")).decode("ascii")
    subj = Header(subject, "utf-8").encode()
    return (f"From: a@example.com\r\nTo: s@example.jp\r\nSubject: {subj}\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            f"Content-Transfer-Encoding: quoted-printable\r\n\r\n{encoded}").encode("ascii")


def utf8_base64(body: str) -> bytes:
    """UTF-8 base64 body."""
    encoded = base64.encodebytes(body.encode("utf-8")).decode("ascii")
    return ("From: b@example.com\r\nTo: s@example.jp\r\nSubject: =?UTF-8?B?"
            + base64.b64encode("質問".encode()).decode() + "?=\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + encoded).encode("ascii")


def html_only(markup: str, charset: str = "utf-8") -> bytes:
    """A mail with only an HTML part."""
    mail = MIMEText(markup, "html", charset)
    mail["From"] = "c@example.com"
    mail["Subject"] = "Re: お知らせ"
    return mail.as_bytes()


def with_attachment(body: str, size: int) -> bytes:
    """A text mail with an attachment of size bytes."""
    mail = MIMEMultipart()
    mail["From"] = "d@example.com"
    mail["Subject"] = "写真を送ります"
    mail.attach(MIMEText(body, "plain", "utf-8"))
    part = MIMEApplication(b"\0" * size, Name="photo.jpg")
    part["Content-Disposition"] = 'attachment; filename="photo.jpg"'
    mail.attach(part)
    return mail.as_bytes()
