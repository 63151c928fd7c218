"""Topics a marketer can read: phrase labels, no filler keywords, praise apart from delivery."""

from __future__ import annotations

import pytest

from noki.sample.voices import sample_voices
from noki.voc import Voice, build_report
from noki.voc.text import default_tokenizer
from noki.voc.topic_labels import class_tfidf, filler_terms, grounded, label_topic


@pytest.fixture(scope="module")
def voices():
    return [Voice.model_validate(v) for v in sample_voices(1500, 7)]


@pytest.fixture(scope="module")
def report(voices):
    return build_report(voices, [])


def test_labels_are_short_phrases_from_the_voices(report, voices):
    text_of = {v.id: v.text for v in voices}
    for topic in report.topics:
        assert 2 <= len(topic.label) <= 25, topic.label
        members = [text_of[d.id] for d in report.docs if d.topic == topic.id]
        if topic.label_source == "phrase":
            assert any(topic.label.rstrip("…") in t for t in members), topic.label
    phrased = sum(t.label_source == "phrase" for t in report.topics)
    mixed = sum(t.label_source == "mixed" for t in report.topics)
    assert phrased >= len(report.topics) - 2 and mixed <= 1


def test_filler_terms_are_not_keywords(report):
    counts: dict[str, int] = {}
    for topic in report.topics:
        for k in topic.keywords:
            counts[k] = counts.get(k, 0) + 1
    assert max(counts.values()) <= max(2, len(report.topics) // 4), counts
    assert not {"入電", "すむ+ない", "聞く", "早い"} & set(counts)


def test_praise_and_product_reviews_are_apart_from_delivery_topics(report):
    delivery = [t for t in report.topics if t.group == "delivery"]
    product = [t for t in report.topics if t.group == "product"]
    assert delivery and product
    assert report.topics[: len(delivery)] == delivery  # delivery/communication topics first
    praise = {"最高", "満足", "使い心地", "梱包", "サイズ"}
    assert all(not praise & set(t.keywords[:3]) for t in delivery)
    assert any(praise & set(t.keywords[:3]) for t in product)
    assert all(not t.codes for t in product)


def test_class_tfidf_prefers_terms_specific_to_a_topic():
    a = [["入荷", "遅い", "連絡"], ["入荷", "未定", "連絡"]]
    b = [["梱包", "丁寧", "連絡"], ["梱包", "満足", "連絡"]]
    top = class_tfidf([a, b], n=2)
    assert top[0][0] == "入荷" and top[1][0] == "梱包"
    assert filler_terms([["連絡", "x"], ["連絡", "y"], ["連絡", "z"], ["w"]]) == {"連絡"}


def test_model_label_is_kept_only_when_grounded_in_the_quotes():
    tok = default_tokenizer()
    quotes = ["入荷予定が未定のまま変わらない", "入荷予定がずっと未定です"]
    good = "入荷予定が未定のまま"
    label, source = label_topic(["未定", "入荷予定"], quotes, tok, lambda k, q: good)
    assert (label, source) == ("入荷予定が未定のまま", "model")
    label, source = label_topic(["未定", "入荷予定"], quotes, tok, lambda k, q: "配送業者の遅延")
    assert source == "phrase" and label in quotes[0] + quotes[1]
    assert not grounded("送料無料キャンペーン", quotes, tok)

    def broken(k, q):
        raise RuntimeError("model down")

    assert label_topic(["未定"], ["x"], tok, broken) == ("未定", "keywords")


def test_praise_about_a_delivery_sits_with_praise_not_delivery():
    import numpy as np

    from noki.voc.resources import lexicon
    from noki.voc.topic_summary import voice_groups

    tok = default_tokenizer()
    texts = ["入荷待ちだったけど予告どおりに届いた、ありがたい", "入荷待ちのまま何の連絡もない"]
    hits = np.zeros((2, 8), dtype=bool)
    hits[1, 2] = True  # the second one carries a gap code
    groups = voice_groups([tok.tokens(t) for t in texts], hits, lexicon().domain)
    assert groups == ["product", "delivery"]


def test_a_residual_topic_is_called_mixed_not_named_after_one_voice():
    from noki.voc.topic_summary import MIN_COVERAGE, coverage

    shared = [["入荷予定", "未定"], ["未定", "連絡"], ["返金", "遅い"], ["写真", "色"]]
    assert coverage(["未定"], shared) == 0.5 and coverage(["写真"], shared) < MIN_COVERAGE
    assert coverage(["写真"], []) == 0.0


def test_every_topic_label_is_a_phrase_or_says_it_is_mixed(report):
    assert {t.label_source for t in report.topics} <= {"phrase", "model", "keywords", "mixed"}
    for topic in report.topics:
        if topic.label_source == "mixed":
            assert topic.label.startswith("その他の")
