"""Linking by thread / order number, intents, and choices proposed (never applied)."""

from __future__ import annotations

import pytest

from noki.inbound import classify_intent, link_inquiry, order_numbers, propose_choice

KNOWN = {"EC-000123", "BB-000777"}


def _link(**kw):
    base = {"in_reply_to": None, "references": [], "subject": "", "text": "",
            "thread_orders": {"<n1@noki.example.jp>": "EC-000123",
                              "<n0@noki.example.jp>": "BB-000777"},
            "order_exists": KNOWN.__contains__}
    return link_inquiry(**{**base, **kw})


def test_in_reply_to_links_to_the_order_of_the_notice():
    link = _link(in_reply_to="<n1@noki.example.jp>", text="BB-000777 の件")
    assert (link.order_id, link.method) == ("EC-000123", "thread")


def test_references_newest_first_when_in_reply_to_is_unknown():
    link = _link(in_reply_to="<other@x>", references=["<n0@noki.example.jp>",
                                                      "<n1@noki.example.jp>"])
    assert link.order_id == "EC-000123"


def test_full_width_order_number_in_the_body():
    link = _link(text="注文番号：ＥＣ－０００１２３ の商品はいつ届きますか")
    assert (link.order_id, link.method) == ("EC-000123", "order_number")


def test_unknown_or_several_order_numbers_stay_unlinked():
    assert _link(text="EC-999999 について").method == "unlinked"
    both = _link(subject="EC-000123", text="BB-000777 も")
    assert both.method == "unlinked" and "複数" in both.detail
    assert order_numbers("TEL 03-1234-5678") == []


@pytest.mark.parametrize(("text", "intent"), [
    ("いつ届きますか？", "eta_question"),
    ("入荷の目安を教えてください", "eta_question"),
    ("代替品でお願いします。", "option_choice"),
    ("キャンセルできますか？", "cancellation"),
    ("遅れた分の送料はどうなりますか", "compensation"),
    ("また延期ですか。いい加減にしてください。", "complaint"),
    ("領収書の宛名を変えてください", "other"),
])
def test_intents(text, intent):
    assert classify_intent(text, offered=["wait", "substitute", "cancel_refund"]).intent == intent


def test_a_written_choice_is_a_proposal_with_the_choice_event():
    result = classify_intent("山田です。\n代替品でお願いします。", offered=["wait", "substitute"])
    assert result.choice is not None
    assert result.choice.event == {"kind": "choice", "option": "substitute",
                                   "source": "inbound_reply"}
    assert result.choice.offered and result.choice.evidence == "代替品でお願いします。"


def test_negated_option_is_not_a_choice_and_unoffered_choice_is_marked():
    assert propose_choice("キャンセルはしません。このまま待ちます。", ["wait"]).option == "wait"
    assert propose_choice("キャンセルはしません。", ["wait"]) is None
    partial = propose_choice("在庫のある分だけ先に送ってください", ["wait"])
    assert partial is not None and partial.option == "partial_shipment" and not partial.offered


def test_mentioning_a_substitute_without_a_wish_is_no_choice():
    assert propose_choice("代替品はありますか？", ["substitute"]) is None


def test_sample_replies_cover_every_intent():
    from noki.inbound import parse_mail
    from noki.inbound.models import INTENTS
    from noki.inbound.samples import sample_replies

    raws = sample_replies([("<n1@noki.example.jp>", "a@example.jp")], to="s@example.jp")
    found = [classify_intent(parse_mail(r).text, offered=["wait", "substitute", "cancel_refund"])
             .intent for r in raws]
    assert sorted(found) == sorted(INTENTS)
