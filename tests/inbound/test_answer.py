"""Answer drafts: grounded per intent, checked, routed to a person when nothing grounds them."""

from __future__ import annotations

import pytest

from noki.inbound import Inquiry, check_answer, classify_intent, draft_answer


def _answer(pair, faq, text, **kw):
    order, decision = pair
    intent = classify_intent(text, offered=decision.options)
    return draft_answer(Inquiry(text=text, subject="Re: 入荷遅延のお知らせ"), intent, order,
                        decision, faq, **kw)


@pytest.mark.parametrize(("text", "faq_id"), [
    ("いつ届きますか？", "faq-eta-when"),
    ("キャンセルできますか？", "faq-cancel"),
    ("お詫びの補償はありますか", "faq-compensation"),
])
def test_answerable_questions_get_a_checked_faq_answer(pairs, faq, text, faq_id):
    for pair in pairs[:30]:
        answer = _answer(pair, faq, text)
        assert answer.check.ok, answer.check.violations
        assert answer.faq_ids == [faq_id] and not answer.routed_to_person
        assert pair[0].order_id in answer.body and answer.subject == "Re: 入荷遅延のお知らせ"


def test_choice_is_acknowledged_not_applied(with_substitute, faq):
    answer = _answer(with_substitute, faq, "代替品でお願いします。")
    assert answer.routed_to_person and answer.route_reason == "choice_needs_agent"
    assert "ご希望と伺いました" in answer.body and "変更いたしました" not in answer.body
    assert answer.choice is not None and answer.choice.option == "substitute"
    assert answer.check.ok


def test_unoffered_choice_names_no_option(without_substitute, faq):
    answer = _answer(without_substitute, faq, "代替品でお願いします。")
    assert answer.route_reason == "choice_not_offered" and answer.check.ok
    assert "代替品" not in answer.body


def test_unanswerable_question_goes_to_a_person_without_invented_answer(pairs, faq):
    answer = _answer(pairs[0], faq, "領収書の宛名を会社名にしてもらえますか")
    assert answer.routed_to_person and answer.route_reason == "no_faq_match"
    assert "担当者が確認し" in answer.body and answer.check.ok


def test_unlinked_inquiry_asks_for_the_order_number(faq):
    intent = classify_intent("いつ届きますか")
    answer = draft_answer(Inquiry(text="いつ届きますか"), intent, None, None, faq)
    assert answer.routed_to_person and "ご注文番号" in answer.body and answer.check.ok


def test_closed_order_states_its_state_and_no_eta(pairs, faq):
    answer = _answer(pairs[0], faq, "いつ届きますか？", state="shipped")
    assert "発送済み" in answer.body and "新しい入荷予定" not in answer.body
    assert answer.routed_to_person


@pytest.mark.parametrize(("sentence", "code"), [
    ("ご注文の商品は本日発送いたしました。", "unauthorised_promise"),
    ("全額を返金いたします。", "unauthorised_promise"),
    ("代替品に変更いたしました。", "unauthorised_promise"),
    ("必ず来週までにお届けします。", "unauthorised_promise"),
    ("お詫びとして5,000円分のクーポンをお送りします。", "wrong_amount"),
    ("12月31日にお届けします。", "wrong_date"),
])
def test_checker_rejects_what_the_decision_does_not_back(pairs, sentence, code):
    order, decision = pairs[0]
    result = check_answer(order, decision, subject="Re: x", body=f"{order.customer.name} 様\n"
                          f"{sentence}")
    assert not result.ok and code in {v.code for v in result.violations}, result.violations


def test_shipped_state_allows_saying_it_was_shipped(pairs):
    order, decision = pairs[0]
    body = "ご注文の商品を発送しました。"
    assert not check_answer(order, decision, subject=None, body=body).ok
    assert check_answer(order, decision, subject=None, body=body, state="shipped").ok
