"""Sample customer replies (one per intent, real encodings) for `make run` and the tests."""

from __future__ import annotations

from email.header import Header
from email.mime.text import MIMEText

# (intent, charset, text): what customers write back to a delay notice.
SAMPLES: tuple[tuple[str, str, str], ...] = (
    ("eta_question", "iso-2022-jp",
     "お世話になっております。\n結局いつ頃届きますか？目安だけでも教えてください。"),
    ("option_choice", "iso-2022-jp", "ご連絡ありがとうございます。\n代替品でお願いします。"),
    ("cancellation", "shift_jis", "待てそうにないので、キャンセルできますか？"),
    ("compensation", "utf-8", "かなり待たされているのですが、お詫びの補償はありますか。"),
    ("complaint", "utf-8", "また延期ですか。何度目でしょうか。いい加減にしてください。"),
    ("other", "iso-2022-jp", "領収書の宛名を会社名に変えていただけますか。"),
)
QUOTE = "\n\n{when} {sender}:\n> ご注文の商品の入荷が遅れております。\n> 返信でお選びください。\n"


def sample_reply(text: str, *, charset: str, sender: str, to: str, in_reply_to: str | None,
                 msgid: str, subject: str = "Re: 入荷遅延のお知らせ") -> bytes:
    """A reply as a mailer sends it: the customer's text, a quote of our notice, threading."""
    body = text + QUOTE.format(when="2026年11月27日(金) 10:00", sender="のきストア")
    mail = MIMEText(body, "plain", charset)
    mail["Subject"] = Header(subject, charset)  # type: ignore[assignment]
    mail["From"] = sender
    mail["To"] = to
    mail["Message-ID"] = msgid
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
        mail["References"] = in_reply_to
    return mail.as_bytes()


def sample_replies(threads: list[tuple[str, str]], *, to: str) -> list[bytes]:
    """One reply per intent; threads = [(notice Message-ID, customer address)], reused in turn."""
    out = []
    for i, (intent, charset, text) in enumerate(SAMPLES):
        msgid, sender = threads[i % len(threads)]
        out.append(sample_reply(text, charset=charset, sender=sender, to=to, in_reply_to=msgid,
                                msgid=f"<sample-{intent}-{i}@customer.example.jp>"))
    return out
