"""Contrast cue (a reported statement set against another) and the statement gate."""

from __future__ import annotations

import pytest

from noki.voc.classify import default_classifier, lexicon_matrix, sources_compared
from noki.voc.cues import CONTRAST_TOKEN
from noki.voc.resources import lexicon
from noki.voc.taxonomy import CODES
from noki.voc.text import default_tokenizer


@pytest.mark.parametrize("text", [
    "来週発送と言われたのに",            # と + 言う + のに (の/に in UniDic)
    "すぐ送るって言ってたのに",          # って, 言う without a quote too
    "在庫ありって話だったけど",          # って + 話 + けど
    "今月末とお伺いしておりましたが、",  # keigo: と + お伺い + が
    "在庫ありとのことだったのに",        # と の こと
    "ウェブでは在庫ありだったのに",      # a source marked with では, then のに
    "アプリだと発送済みなのに",          # だと, then のに
])
def test_contrast_cue_fires_on_a_reported_statement_set_against_something(text: str) -> None:
    assert CONTRAST_TOKEN in default_tokenizer().tokens(text)


@pytest.mark.parametrize("text", [
    "理由を聞いたのに教えてくれない",    # asked, not told: no quote before 聞く
    "ずっと待っているのに連絡がない",    # のに without any statement
    "在庫ありと言われて注文した",        # a statement, no contrast
    "ウェブでは注文できたけど",          # では + けど is not enough (only のに)
    "来週と言われた。でも届かない",      # the clause ended before the contrast
])
def test_contrast_cue_stays_silent_otherwise(text: str) -> None:
    assert CONTRAST_TOKEN not in default_tokenizer().tokens(text)


def test_the_greeting_itsumo_is_not_the_question_itsu() -> None:
    tok = default_tokenizer()
    assert "いつ" not in tok.tokens("いつもお世話になっております")
    assert "いつ" in tok.tokens("いつもらえますか")


def test_one_source_with_a_contrast_is_a_comparison() -> None:
    tok, lex = default_tokenizer(), lexicon()
    assert sources_compared(tok.tokens("ウェブでは在庫ありだったのに"), lex)
    assert not sources_compared(tok.tokens("ウェブで在庫を見て注文した"), lex)


def test_statements_contradicting_pass_the_gate_for_inconsistent_info_only() -> None:
    tok, lex = default_tokenizer(), lexicon()
    said = tok.tokens("先週のご説明と今日のご説明が食い違っています")  # no order word at all
    plain = tok.tokens("写真と部屋の雰囲気がだいぶ違った")  # a contradiction, no statement
    _, allowed = lexicon_matrix([said, plain], lex)
    assert [CODES[j] for j in allowed[0].nonzero()[0]] == ["inconsistent_info"]
    assert not allowed[1].any()
    assert default_classifier().predict([said, plain]) == [["inconsistent_info"], []]
