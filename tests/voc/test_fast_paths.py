"""The tokenizer's shortcuts (bench/voc.py budget) give what the plain reading gives."""

from __future__ import annotations

from noki.voc.classify import default_classifier
from noki.voc.cues import contrast_points, may_fire
from noki.voc.resources import eval_voices, nfkc, training_examples
from noki.voc.text import _PHRASES, _RANGE, _morphemes, default_tokenizer, normalize

TEXTS = [e.text for e in training_examples()] + [v.text for v in eval_voices("holdout5")] + [
    "来週と言われたのに\t2回も延期~3〜5日\r\nまもなく入荷、ご連絡以降音沙汰なし", ""]


def _plain_normalize(text: str) -> str:
    out = nfkc(text).translate(_RANGE).lower().strip()
    for pattern, replacement in _PHRASES:
        out = pattern.sub(replacement, out)
    return out


def _plain_morphemes(parsed: str) -> list[str]:
    return [f for line in parsed.split("\n") if len(parts := line.split("\t")) == 4
            for f in parts]


def test_gated_normalize_equals_every_pattern_applied() -> None:
    assert [normalize(t) for t in TEXTS] == [_plain_normalize(t) for t in TEXTS]


def test_one_split_reads_the_mecab_output_like_line_by_line() -> None:
    tagger = default_tokenizer()._tagger
    for text in TEXTS:
        parsed = tagger.parse(normalize(text).replace("\n", "。"))
        assert _morphemes(parsed) == _plain_morphemes(parsed)
    assert _morphemes("a\tb\tc\nEOS") == []  # a line of another shape is dropped


def test_the_contrast_cue_never_fires_where_may_fire_says_it_cannot() -> None:
    tagger = default_tokenizer()._tagger
    fired = 0
    for text in TEXTS:
        parsed = tagger.parse(normalize(text).replace("\n", "。"))
        points = contrast_points(_morphemes(parsed))
        assert may_fire(parsed) or not points
        fired += bool(points)
    assert fired > 10


def test_repeated_texts_are_tokenized_once_but_each_gets_its_own_list() -> None:
    tok = default_tokenizer()
    texts = ["入荷待ちの連絡がない", "入荷待ちの連絡がない", "代替品はありますか"]
    out = tok.tokenize_all(texts)
    assert out == [tok.tokens(t) for t in texts]
    assert out[0] is not out[1]


def test_repeated_voices_are_scored_like_single_ones() -> None:
    tok, clf = default_tokenizer(), default_classifier()
    lists = tok.tokenize_all(TEXTS[:40])
    doubled = clf.proba([*lists, *lists[::-1]])
    assert (doubled[:40] == clf.proba(lists)).all()
    assert (doubled[40:] == doubled[:40][::-1]).all()
    assert (clf.proba(lists[:1]) == doubled[:1]).all()
