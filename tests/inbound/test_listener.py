"""The inbound SMTP listener on a real aiosmtpd server: spooled before 250, nothing lost."""

from __future__ import annotations

import smtplib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from noki.inbound import parse_mail, process_mail
from noki.messaging.listener import InboxHandler, address_matcher, start_listener
from noki.messaging.spool import Spool
from tests.inbound import mails

INBOX = "support@reply.noki-store.example.jp"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Recorder:
    """A processor that records mails; can be told to fail."""

    def __init__(self) -> None:
        self.seen: list[bytes] = []
        self.fail = False
        self.lock = threading.Lock()

    def __call__(self, path: Path, raw: bytes) -> None:
        if self.fail:
            raise RuntimeError("database down")
        with self.lock:
            self.seen.append(raw)


@pytest.fixture
def inbox(tmp_path) -> Iterator[tuple[int, Spool, Recorder]]:
    spool, recorder, port = Spool(tmp_path / "spool"), Recorder(), _free_port()
    handler = InboxHandler(spool, address_matcher([INBOX], domains=["in.noki.example.jp"]),
                           recorder)
    controller = start_listener(handler, port=port, max_bytes=200_000)
    yield port, spool, recorder
    controller.stop()


def _send(port: int, raw: bytes, rcpt: str = INBOX) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.sendmail("yamada@example.com", [rcpt], raw)


def test_iso_2022_jp_reply_is_spooled_processed_and_kept(inbox):
    port, spool, recorder = inbox
    raw = mails.iso2022jp("代替品でお願いします。", in_reply_to="<n1@noki.example.jp>")
    _send(port, raw)
    assert len(recorder.seen) == 1
    assert parse_mail(recorder.seen[0]).text == "代替品でお願いします。"
    assert list(spool.pending()) == [] and len(list((spool.root / "cur").iterdir())) == 1


def test_unknown_recipient_is_refused_and_domain_addresses_accepted(inbox):
    port, _spool, recorder = inbox
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        _send(port, mails.utf8_qp("x"), rcpt="someone@else.example")
    _send(port, mails.utf8_qp("いつ届きますか"), rcpt="ORDER-1@in.noki.example.jp")
    assert len(recorder.seen) == 1


def test_mail_above_the_hard_limit_is_refused(inbox):
    port, spool, _recorder = inbox
    # Refused at MAIL FROM (SIZE extension) or at DATA: either way with 552, nothing spooled.
    with pytest.raises((smtplib.SMTPSenderRefused, smtplib.SMTPDataError)) as err:
        _send(port, mails.with_attachment("写真です", 400_000))
    assert err.value.smtp_code == 552
    assert list(spool.pending()) == []


def test_processor_failure_keeps_the_mail_and_the_listener_serving(inbox, pairs, faq):
    port, spool, recorder = inbox
    recorder.fail = True
    _send(port, mails.iso2022jp("いつ届きますか？"))
    assert len(list(spool.pending())) == 1  # accepted (250) and safe on disk
    recorder.fail = False
    order, decision = pairs[0]
    results = []

    def process(path: Path, raw: bytes) -> None:
        results.append(process_mail(raw, thread_orders={}, faq=faq,
                                    lookup=lambda oid: (order, decision)
                                    if oid == order.order_id else None))

    assert spool.drain(process) == (1, 0)
    assert results[0].intent is not None and results[0].intent.intent == "eta_question"
    _send(port, mails.iso2022jp("もう一通"))
    assert len(recorder.seen) == 1  # the listener kept working after the failure


def test_drain_counts_failures_and_retries_later(tmp_path):
    spool = Spool(tmp_path / "s")
    spool.put(b"From: a@b\r\n\r\nx")
    calls = []

    def broken(path: Path, raw: bytes) -> None:
        calls.append(path)
        raise ValueError("bad")

    assert spool.drain(broken) == (0, 1)
    assert spool.drain(lambda p, r: None) == (1, 0)
    assert list(spool.pending()) == [] and len(calls) == 1
