"""Tokenizer: compounds, negation, NFKC, stopwords, long-input safety."""

from __future__ import annotations

import subprocess
import sys

import pytest

from noki.voc.text import MAX_CHUNK, default_tokenizer, normalize


@pytest.mark.parametrize(
    "text, compound",
    [
        ("入荷待ちの商品です", "入荷待ち"),
        ("お届け予定日を教えて", "お届け予定日"),
        ("代替品はありますか", "代替品"),
        ("分納でお願いします", "分納"),
        ("納期回答がまだです", "納期回答"),
    ],
    ids=["nyuka-machi", "otodoke-yoteibi", "daitaihin", "bunno", "nouki-kaitou"],
)
def test_domain_compounds_are_single_tokens(text: str, compound: str) -> None:
    assert compound in default_tokenizer().tokens(text)


@pytest.mark.parametrize(
    "text, token",
    [
        ("連絡がない", "連絡+ない"),
        ("連絡もありません", "連絡+ない"),
        ("まだ届いていません", "届く+ない"),
        ("代替品の提案もなく困る", "提案+ない"),
        ("連絡なし。", "連絡+ない"),
    ],
)
def test_negation_is_kept_on_the_content_word(text: str, token: str) -> None:
    tokens = default_tokenizer().tokens(text)
    assert token in tokens
    assert token.removesuffix("+ない") not in tokens


def test_negation_does_not_cross_a_clause_boundary() -> None:
    tokens = default_tokenizer().tokens("連絡は来た。ないです")
    assert "連絡" in tokens and "連絡+ない" not in tokens


def test_nfkc_and_half_width_kana() -> None:
    assert normalize("ＡＢＣ１２３ ｷｬﾝｾﾙ 3～5営業日") == "abc123 キャンセル 3〜5営業日"
    assert "キャンセル" in default_tokenizer().tokens("ｷｬﾝｾﾙしたい")


def test_labels_use_orthbase_not_unidic_lemma() -> None:
    tokens = default_tokenizer().tokens("いつ届くのか分からない。キャンセルしたい")
    assert "キャンセル" in tokens  # the UniDic lemma would be キャンセル-cancel
    assert not any("-" in t for t in tokens)


def test_stopwords_and_numbers_are_dropped() -> None:
    tokens = default_tokenizer().tokens("12月に注文することになりました")
    assert "する" not in tokens and "こと" not in tokens and "12" not in tokens
    assert "注文" in tokens


def test_long_input_is_chunked_and_does_not_kill_the_process() -> None:
    # MeCab segfaults on ~1M characters in one call; run in a child so a crash fails cleanly.
    code = (
        "from noki.voc.text import default_tokenizer\n"
        "t = default_tokenizer().tokens('入荷待ちの商品が届かない。' * 90000)\n"
        "print(len(t))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=240)
    assert done.returncode == 0, done.stderr[-500:]
    assert int(done.stdout) >= 90000 * 2
    assert MAX_CHUNK < 100_000
