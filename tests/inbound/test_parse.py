"""Parsing real-world Japanese mail: encodings, HTML-only, quotes, signatures, and held statuses."""

from __future__ import annotations

from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from noki.inbound import parse_mail
from noki.inbound.screen import Limits
from noki.inbound.strip import strip_reply
from tests.inbound import mails

REPLY = """山田です。
代替品でお願いします。

--
山田 太郎
TEL 03-1234-5678

2026年11月27日(金) 10:00 のきストア <noreply@noki-store.example.jp>:
> 山田 太郎 様
> ご注文の商品の入荷が遅れております。
"""


def test_iso_2022_jp_reply_keeps_only_the_new_text():
    mail = parse_mail(mails.iso2022jp(REPLY, in_reply_to="<n1@noki.example.jp>"))
    assert mail.status == "ok"
    assert mail.subject == "Re: 入荷遅延のお知らせ"
    assert mail.text == "山田です。\n代替品でお願いします。"
    assert "ご注文の商品の入荷が遅れております" in mail.full_text
    assert mail.in_reply_to == "<n1@noki.example.jp>"
    assert mail.charsets == ["iso-2022-jp"]


def test_shift_jis_with_cp932_characters_and_raw_8bit_subject():
    body = "注文番号ＥＣ－０００１２３の件です。\n①いつ届きますか～？\n㈱テスト商事"
    mail = parse_mail(mails.shift_jis_raw(body, "納期の件（至急）"))
    assert mail.status == "ok", mail.status_reason
    assert mail.subject == "納期の件（至急）"
    assert "①いつ届きますか～？" in mail.text and "㈱テスト商事" in mail.text


def test_utf8_quoted_printable_and_base64():
    assert parse_mail(mails.utf8_qp("キャンセルできますか？")).text == "キャンセルできますか？"
    mail = parse_mail(mails.utf8_base64("補償はありますか。"))
    assert mail.text == "補償はありますか。" and mail.subject == "質問"


def test_html_only_mail_becomes_text_and_its_quote_is_dropped():
    markup = ("<html><head><style>p{color:red}</style></head><body><p>いつ届きますか？</p>"
              "<p>よろしくお願いします。</p><div class='gmail_quote'>2026年11月27日 noki:"
              "<blockquote>以前のご案内です</blockquote></div></body></html>")
    mail = parse_mail(mails.html_only(markup, "shift_jis"))
    assert mail.html_only and mail.status == "ok"
    assert mail.text == "いつ届きますか？\nよろしくお願いします。"


def test_outlook_header_block_and_rules_signature_are_stripped():
    text = ("分納でお願いします。\n\n━━━━━━━━━━\n株式会社テスト 購買部\n佐藤\nTEL 03-0000-0000\n"
            "━━━━━━━━━━\n\n差出人: のきストア <noreply@example.jp>\n"
            "送信日時: 2026年11月27日 10:00\n件名: 入荷遅延のお知らせ\n\n本文")
    assert strip_reply(text) == "分納でお願いします。"


def test_text_with_a_dash_rule_in_the_middle_keeps_what_follows_when_long():
    text = "質問です。\n-----\n" + "\n".join(f"{i}行目の本文です。" for i in range(20))
    assert strip_reply(text).endswith("19行目の本文です。")


def test_unknown_charset_that_decodes_as_utf8_is_kept_with_a_note():
    raw = (b"From: e@example.com\r\nSubject: x\r\nContent-Type: text/plain; charset=x-unknown\r\n"
           b"Content-Transfer-Encoding: 8bit\r\n\r\n") + "届きません".encode()
    mail = parse_mail(raw)
    assert mail.status == "ok" and mail.text == "届きません"
    assert any("unknown charset" in d for d in mail.defects)


def test_undecodable_body_is_malformed_not_a_crash():
    raw = (b"From: e@example.com\r\nSubject: x\r\nContent-Type: text/plain; charset=utf-8\r\n"
           b"Content-Transfer-Encoding: 8bit\r\n\r\n\xff\xfe\x80\x81\x82\x83\x84\x85")
    mail = parse_mail(raw)
    assert mail.status == "malformed" and "文字コード" in (mail.status_reason or "")


def test_garbage_bytes_and_missing_from_are_malformed():
    assert parse_mail(b"\x00\x01garbage").status == "malformed"


def test_bounce_is_recognised():
    report = MIMEMultipart("report", report_type="delivery-status")
    report["From"] = "MAILER-DAEMON@mx.example.com"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report.attach(MIMEText("This is the mail system.", "plain"))
    mail = parse_mail(report.as_bytes())
    assert mail.status == "bounce"


def test_auto_reply_and_out_of_office():
    raw = mails.iso2022jp("不在にしております。", subject="自動返信: 入荷遅延のお知らせ")
    assert parse_mail(raw).status == "auto_reply"
    header = raw.replace(b"Subject:", b"Auto-Submitted: auto-replied\nSubject:", 1)
    assert parse_mail(header).status == "auto_reply"


def test_mail_from_our_own_address_is_a_loop():
    raw = mails.iso2022jp("本文", sender="noreply@noki-store.example.jp")
    mail = parse_mail(raw, own_addresses={"noreply@noki-store.example.jp"})
    assert mail.status == "loop"


def test_spam_like_mail_is_held():
    body = "副業で高収入！今すぐクリック " + " ".join(f"https://spam{i}.example/" for i in range(6))
    assert parse_mail(mails.utf8_qp(body)).status == "spam_like"


def test_huge_attachment_is_held_with_its_size():
    mail = parse_mail(mails.with_attachment("写真です", 300_000),
                      limits=Limits(max_attachment_bytes=100_000))
    assert mail.status == "too_large" and "300,000" in (mail.status_reason or "")
    assert mail.attachments[0].filename == "photo.jpg"


def test_quote_only_reply_is_empty():
    assert parse_mail(mails.iso2022jp("> 以前の本文だけ\n")).status == "empty"
