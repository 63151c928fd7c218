"""Inquiries as data (API, JSONL/CSV files): good rows kept, bad ones named; VOC voices."""

from __future__ import annotations

import datetime as dt

from noki.inbound.records import as_voice, link_record, parse_inquiries, validate_batch
from noki.io.jsonl import LineError, Parsed

JSONL = "\n".join([
    '{"id": "c-1", "channel": "chat", "received_at": "2026-12-01T10:00:00+09:00",'
    ' "text": "いつ届きますか？", "order_id": "EC-000123"}',
    '{"channel": "fax", "received_at": "2026-12-01T10:00:00", "text": "x"}',
    '{"channel": "phone", "received_at": "2026-12-01 11:30", "text": ""}',
    'not json',
    '{"channel": "web_form", "received_at": "2026-12-01T12:00:00", "text": "注文番号 EC-000123'
    ' の件、代替品でお願いします", "customer_email": "a@example.jp", "color": "red"}',
    '{"channel": "phone", "received_at": "2026-12-02T09:00:00",'
    ' "text": "入電。返金の時期の問い合わせ"}',
])


def test_jsonl_keeps_good_rows_and_names_bad_fields():
    rows = parse_inquiries(JSONL)
    good = [r for r in rows if isinstance(r, Parsed)]
    errors = [str(r) for r in rows if isinstance(r, LineError)]
    assert [g.line for g in good] == [1, 6]
    assert any(e.startswith("line 2: channel: unknown value 'fax'") for e in errors), errors
    assert any(e.startswith("line 3: text:") for e in errors)
    assert any(e.startswith("line 4: (json)") for e in errors)
    assert any(e.startswith("line 5: color: unknown field") for e in errors)
    assert good[1].value.received_at.utcoffset() == dt.timedelta(hours=9)  # naive = Japan


def test_csv_rows_with_line_numbers():
    text = ("channel,received_at,text,order_id\n"
            "phone,2026-12-01T10:00:00,入電。いつ届くかとの問い合わせ,EC-000001\n"
            "phone,not-a-date,x,\n")
    rows = parse_inquiries(text, csv_format=True)
    assert isinstance(rows[0], Parsed) and rows[0].value.order_id == "EC-000001"
    assert isinstance(rows[1], LineError) and rows[1].line == 3 and rows[1].field == "received_at"


def test_api_batch_keeps_good_items_beside_bad_ones():
    good, errors = validate_batch([
        {"channel": "chat", "received_at": "2026-12-01T10:00:00", "text": "キャンセルできますか"},
        {"channel": "chat", "received_at": "2026-12-01T10:00:00", "text": "x" * 20_001},
        {"channel": "chat", "received_at": "2026-12-01T10:00:00", "text": "y",
         "customer_email": "not-an-address"},
    ])
    assert len(good) == 1
    assert {(e["index"], e["field"]) for e in errors} == {(1, "text"), (2, "customer_email")}


def test_link_record_prefers_a_known_order_id_then_the_text():
    rows = [r.value for r in parse_inquiries(JSONL) if isinstance(r, Parsed)]
    known = {"EC-000123"}.__contains__
    assert link_record(rows[0], known).order_id == "EC-000123"
    assert link_record(rows[1], known).method == "unlinked"


def test_inquiries_become_voc_voices_on_the_japanese_day():
    voice = as_voice("inq-1", dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC), "phone", "入電",
                     "EC-1")
    assert voice.date == dt.date(2026, 12, 1) and voice.channel == "call"
